"""The matcher and the batch assignment, called directly: quality on the gold set, exclusions, reasons, capacity."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bench.matching_quality import evaluate, read_gold
from db.models import Craftsman, CraftsmanIndustry, Demand, DemandKind, DemandStatus, Match, MatchStatus, Role, User
from services.assignment import solve
from services.demo import load_demo_data
from services.results import Done
from services.talent_index import Candidate, DemandQuery, Reasons
from tests.harness import BotHarness


async def add(bot: BotHarness, name: str, region: str, specialities: list[str], divisions: list[str], **values) -> int:
    async with bot.services.db.session() as session:
        c = Craftsman(
            name=name,
            workplace="某公司",
            specialities=specialities,
            region_code=region,
            search_text=" ".join(specialities),
            industries=[CraftsmanIndustry(division=d) for d in divisions],
            service_modes=["onsite"],
            **values,
        )
        session.add(c)
        await session.flush()
        craftsman_id = c.id
    bot.services.matcher.invalidate()
    return craftsman_id


async def test_gold_set_hit_rates_on_the_demo_pool(bot: BotHarness):
    """At least 30 real problem texts, with the craftsman a union expert would pick; the floors are the figures
    measured when the matcher was written, so a change that makes matching worse fails here."""
    await load_demo_data(bot.services.db, bot.services.clock, bot.services.settings.tz)
    rows = read_gold()
    assert len(rows) >= 30
    confirmed = await evaluate(bot.services, rows)
    assert confirmed["top1"] >= 0.95 and confirmed["top3"] >= 0.98, confirmed["misses"]
    guessed = await evaluate(bot.services, rows, predicted=True)
    assert guessed["top3"] >= 0.9, guessed["misses"]


async def test_paused_full_inactive_and_declined_craftsmen_are_never_proposed(bot: BotHarness):
    query = DemandQuery("铝型材挤压表面缺陷", "32", "330502")
    best = await add(bot, "甲", "330502", ["铝型材挤压"], ["32"])
    paused = await add(bot, "乙", "330502", ["铝型材挤压"], ["32"], paused_until=date(2026, 12, 31))
    inactive = await add(bot, "丙", "330502", ["铝型材挤压"], ["32"], active=False)
    full = await add(bot, "丁", "330502", ["铝型材挤压"], ["32"], capacity=1)
    far = await add(bot, "戊", "440604", ["铝型材挤压"], ["32"])
    async with bot.services.db.session() as session:
        demand = Demand(kind=DemandKind.PROBLEM, text="另一个需求", status=DemandStatus.MATCHED)
        session.add(demand)
        await session.flush()
        session.add(Match(demand_id=demand.id, craftsman_id=full, status=MatchStatus.OFFERED))
    found = await bot.services.matcher.rank(query, 5)
    assert [c.craftsman_id for c in found] == [best, far]
    assert {paused, inactive, full}.isdisjoint(c.craftsman_id for c in found)
    top = found[0].reasons
    assert (top.division, top.region, top.load, top.capacity) == ("32", "county", 0, 3)
    assert top.skills == ("铝型材挤压",)
    declined = DemandQuery(query.text, query.division, query.region_code, exclude=frozenset({best}))
    assert [c.craftsman_id for c in await bot.services.matcher.rank(declined, 5)] == [far]
    bot.clock.advance(days=60)  # the pause is over
    assert paused in [c.craftsman_id for c in await bot.services.matcher.rank(query, 5)]


async def test_the_index_follows_profile_changes(bot: BotHarness):
    craftsman_id = await add(bot, "甲", "330502", ["电机绕组"], ["38"])
    query = DemandQuery("注塑件缩痕变形", None, "330502")
    assert not (await bot.services.matcher.rank(query, 3))[0].reasons.skills
    async with bot.services.db.session() as session:
        c = await session.get(Craftsman, craftsman_id)
        c.specialities, c.search_text = ["注塑成型缺陷", "缩痕"], "注塑成型缺陷 缩痕"
        c.updated_at = c.updated_at + timedelta(seconds=1)  # another process edited it: only the version shows
    assert (await bot.services.matcher.rank(query, 3))[0].reasons.skills


def _candidate(craftsman_id: int, score: float) -> Candidate:
    return Candidate(craftsman_id, f"c{craftsman_id}", None, score, Reasons())


def test_batch_assignment_maximises_the_total_under_capacity():
    # greedy would give demand 1 to craftsman 10 (0.9) and leave demand 2 with 0.1; the optimum swaps them
    candidates = {
        1: [_candidate(10, 0.9), _candidate(20, 0.8)],
        2: [_candidate(10, 0.85), _candidate(30, 0.1)],
        3: [_candidate(10, 0.5)],
    }
    plan = solve(candidates, {10: 1, 20: 1, 30: 1})
    assert {(p.demand_id, p.craftsman_id) for p in plan.pairs} == {(1, 20), (2, 10)}
    assert plan.unassigned == [3] and plan.total == pytest.approx(1.65)
    plan = solve(candidates, {10: 2, 20: 0, 30: 0})
    assert {(p.demand_id, p.craftsman_id) for p in plan.pairs} == {(1, 10), (2, 10)} and plan.unassigned == [3]
    assert solve({}, {}).pairs == []


async def test_matches_survive_in_the_database_with_reasons(bot: BotHarness):
    """An offer stores the score and the reasons the staffer saw."""
    craftsman_id = await add(bot, "甲", "330502", ["铝型材挤压"], ["32"], user_id=None)
    async with bot.services.db.session() as session:
        session.add(User(id=4242, first_name="甲"))
        await session.flush()
        (await session.get(Craftsman, craftsman_id)).user_id = 4242
        demand = Demand(
            kind=DemandKind.PROBLEM,
            text="铝型材挤压出现划痕",
            industry="32",
            region_code="330502",
            status=DemandStatus.SUBMITTED,
            ticket="ZQ-2026-000009",
        )
        session.add(demand)
        await session.flush()
        demand_id = demand.id
    result = await bot.services.casework.offer(900, Role.STAFF, demand_id, craftsman_id)
    assert isinstance(result, Done)
    async with bot.services.db.session() as session:
        match = (await session.scalars(select(Match))).one()
    assert match.status is MatchStatus.OFFERED and match.score > 0.5 and '"division": "32"' in match.reasons
