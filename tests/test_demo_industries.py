"""The demo's demands are filed under the division the industry step would have proposed for their text (the
classifier, with the enterprise's registered division as its prior, as /report asks it), so that the demo's
proposals make sense: the aluminium formwork's powder coating is no kiln problem (C30): it goes first to a metal
surface expert of C33, and nobody is proposed for the kilns."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Demand, Enterprise, Match, MatchStatus
from tests.harness import BotHarness
from tests.test_demo import demo  # noqa: F401 (the demo stage fixture)


async def test_each_demo_demand_has_the_division_its_text_is_classified_in(demo: BotHarness):  # noqa: F811
    analyzer = demo.services.analyzer
    async with demo.services.db.session() as session:
        rows = (await session.execute(select(Demand, Enterprise).join(Enterprise))).tuples().all()
    assert len(rows) >= 20
    wrong = {
        demand.ticket: (demand.industry, analyzer.analyse(demand.text, prior=enterprise.industry).industry.division)
        for demand, enterprise in rows
        if analyzer.analyse(demand.text, prior=enterprise.industry).industry.division != demand.industry
    }
    assert wrong == {}


async def test_the_formwork_coating_is_proposed_to_metal_surface_experts_not_for_kilns(demo: BotHarness):  # noqa: F811
    async with demo.services.db.session() as session:
        demand = await session.scalar(
            select(Demand).join(Match).where(Demand.text.contains("铝模板"), Match.status == MatchStatus.OFFERED)
        )
    assert demand.industry == "33"
    candidates = await demo.services.matcher.for_demand(demand.id, 3)
    best = candidates[0]
    assert best.reasons.division == "33" and best.reasons.skills, best
    assert not [c.name for c in candidates if c.reasons.division == "30"], "nobody is proposed for the kilns' C30"
