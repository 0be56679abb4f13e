"""A craftsman without Telegram (imported with a phone only) is offered a demand by phone: after 📞 致电 the same
card has two buttons for staff to record what he said — 已电话确认接单 (the demand is his, as if he had accepted an
offer: same transitions, the enterprise and staff told, audited naming the staffer) and 电话婉拒 (the queue proposes
the next candidate, as after a decline). Only staff of the demand's region may record (checked on the server,
refusals audited), and a second press records nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from buttons.queue import PhoneAnswer, PhoneOutcome
from db.models import AuditEntry, Demand, DemandKind, DemandStatus, DemandStatusHistory, Match, MatchStatus, Role
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_scope import staff
from tests.test_queue_views import pool_member

OWNER = 801
PHONE = "+8613900020006"
AGREED, DECLINED = "✅ 已电话确认接单（梁丽娟）", "🙅 电话婉拒（梁丽娟）"


async def owned_demand(bot: BotHarness) -> tuple[int, str]:
    """A submitted demand of 330502 (division 32) whose enterprise user can be told: (id, ticket)."""
    await bot.services.users.register(OWNER, "企业联系人")
    await bot.services.users.set_role(OWNER, Role.ENTERPRISE)
    async with bot.services.db.session() as session:
        demand = Demand(
            user_id=OWNER,
            kind=DemandKind.PROBLEM,
            text="铝型材挤压后表面出现斑点缺陷",
            industry="32",
            region_code="330502",
            status=DemandStatus.SUBMITTED,
            ticket="ZQ-2026-000051",
            submitted_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
        )
        session.add(demand)
        await session.flush()
        return demand.id, demand.ticket


async def called(staffer: FakeUser, ticket: str) -> dict:
    """/queue, 📞 致电 梁丽娟: the card once the two outcome buttons are on it."""
    staffer.send("/queue")
    card = await staffer.expect(ticket)
    staffer.press("📞 致电 梁丽娟", card)
    assert PHONE in (await staffer.expect("请电话联系"))["text"]

    def answers_on_card() -> dict | None:
        now = staffer.current(card["message_id"])
        return now if AGREED in [b["text"] for b in FakeUser.buttons(now)] else None

    return await staffer.wait_until(answers_on_card)


async def test_phone_agreement_assigns_the_demand_and_tells_the_enterprise(bot: BotHarness):
    staffer = await staff(bot, 631, "330502")
    craftsman_id = await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone=PHONE)
    demand_id, ticket = await owned_demand(bot)
    enterprise = bot.user(OWNER, first_name="企业联系人")
    card = await called(staffer, ticket)
    assert DECLINED in [b["text"] for b in FakeUser.buttons(card)]

    staffer.press(AGREED, card)
    assert "梁丽娟" in (await staffer.expect("已记录"))["text"]
    told = await enterprise.expect("已接受您的需求")
    assert "梁丽娟" in told["text"] and ticket in told["text"]
    async with bot.services.db.session() as session:
        demand = await session.get(Demand, demand_id)
        match = (await session.scalars(select(Match).where(Match.demand_id == demand_id))).one()
        steps = (
            await session.execute(
                select(DemandStatusHistory.to_status, DemandStatusHistory.actor_user_id).where(
                    DemandStatusHistory.demand_id == demand_id
                )
            )
        ).all()
        entry = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "match.phone_accept"))).one()
    assert demand.status is DemandStatus.ACCEPTED
    assert (match.craftsman_id, match.status, match.proposed_by) == (craftsman_id, MatchStatus.ACCEPTED, 631)
    assert ("matched", 631) in steps and ("accepted", 631) in steps
    assert (entry.actor_user_id, entry.allowed, entry.target) == (631, True, f"demand:{demand_id}")

    # pressed again (on another copy of the card: this one has no buttons now): nothing more happens
    again = PhoneOutcome(demand_id, craftsman_id, PhoneAnswer.AGREED).data()
    answer = await staffer.answer_to(staffer.press_data(bot.signed(staffer, again), card))
    assert "已记录" in (answer.get("text") or "")
    await bot.wait_handled()
    async with bot.services.db.session() as session:
        accepted = await session.scalar(
            select(func.count()).where(
                DemandStatusHistory.demand_id == demand_id, DemandStatusHistory.to_status == "accepted"
            )
        )
        entries = await session.scalar(select(func.count()).where(AuditEntry.action == "match.phone_accept"))
    assert (accepted, entries) == (1, 1)
    assert sum("已接受您的需求" in text for text in enterprise.texts()) == 1


async def test_phone_decline_proposes_the_next_candidate(bot: BotHarness):
    staffer = await staff(bot, 631, "330502")
    craftsman_id = await pool_member(bot, "梁丽娟", ["铝型材挤压", "表面缺陷"], "32", phone=PHONE)
    await pool_member(bot, "周师傅", ["铝型材挤压"], "32", user_id=701)
    demand_id, ticket = await owned_demand(bot)
    card = await called(staffer, ticket)
    staffer.press(DECLINED, card)
    alert = await staffer.expect("电话中婉拒")
    assert ticket in alert["text"] and "下一位候选：周师傅" in alert["text"]
    assert "派给 周师傅" in [b["text"] for b in FakeUser.buttons(alert)]
    async with bot.services.db.session() as session:
        match = (await session.scalars(select(Match).where(Match.demand_id == demand_id))).one()
        demand = await session.get(Demand, demand_id)
    assert (match.craftsman_id, match.status) == (craftsman_id, MatchStatus.DECLINED)
    assert demand.status is DemandStatus.SUBMITTED
    staffer.send("/queue")
    again = await staffer.expect(ticket)
    assert "梁丽娟" not in again["text"] and "周师傅" in again["text"]


async def test_only_staff_of_the_demands_region_may_record_an_answer(bot: BotHarness):
    await staff(bot, 631, "330502")
    craftsman_id = await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone=PHONE)
    demand_id, _ = await owned_demand(bot)
    data = PhoneOutcome(demand_id, craftsman_id, PhoneAnswer.AGREED).data()
    member = await worker(bot, 82, "330502", "小李")
    member.send("/start")
    message = await member.expect("")
    answer = await member.answer_to(member.press_data(bot.signed(member, data), message))
    assert "工会工作人员" in (answer.get("text") or "")
    elsewhere = await staff(bot, 632, "320506")
    elsewhere.send("/start")
    message = await elsewhere.expect("")
    answer = await elsewhere.answer_to(elsewhere.press_data(bot.signed(elsewhere, data), message))
    assert "不在您负责的地区" in (answer.get("text") or "")
    async with bot.services.db.session() as session:
        demand = await session.get(Demand, demand_id)
        refusals = (
            await session.execute(
                select(AuditEntry.actor_user_id, AuditEntry.details).where(
                    AuditEntry.action == "match.phone_accept", AuditEntry.allowed.is_(False)
                )
            )
        ).all()
        matches = await session.scalar(select(func.count()).select_from(Match))
    assert demand.status is DemandStatus.SUBMITTED and matches == 0
    assert sorted(actor for actor, _ in refusals) == [82, 632]
    assert dict(refusals)[632] == {"reason": "out_of_region"}
