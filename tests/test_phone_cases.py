"""A case whose craftsman has no Telegram (phone only, services/phone_offers.py) goes on after staff recorded his
agreement on the phone: the staffer covering the case acts for him — offers the slots and the place, cancels or
moves the visit, records the result — from the demand's card in /queue or the demand opened from a notice, with
the craftsman's own services (services/booking.py, services/resolution.py). Every act names the staffer in the
audit log and in what the enterprise is told; what would go to the craftsman (the booking, the reminders, the
enterprise's cancellation) goes to the staffer who acted. Refused (and audited): a craftsman with Telegram, staff
of another region, anyone who is not staff."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from buttons.booking import OfferSlots
from db.models import AuditEntry, Demand, DemandStatus, Match, MatchStatus, Role
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_phone import AGREED, OWNER, called, owned_demand
from tests.test_queue_scope import staff
from tests.test_queue_views import pool_member

PHONE = "+8613900020006"
STAFF_NAME = "张敏"
OFFER_FOR, RESOLVE_FOR = "📅 代 梁丽娟 提供预约时段", "📝 代 梁丽娟 登记解决"


async def staffer_named(bot: BotHarness, user_id: int = 631, region: str = "330502") -> FakeUser:
    await staff(bot, user_id, region)
    await bot.services.users.register(user_id, STAFF_NAME)
    return bot.user(user_id, first_name=STAFF_NAME)


async def phoned_case(bot: BotHarness) -> tuple[FakeUser, FakeUser, int, str, dict]:
    """Staff phoned 梁丽娟 (no Telegram) and recorded her agreement: (staffer, enterprise, demand id, ticket, the
    card once redrawn with the buttons to act for her)."""
    staffer = await staffer_named(bot)
    await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone=PHONE)
    demand_id, ticket = await owned_demand(bot)
    enterprise = bot.user(OWNER, first_name="企业联系人")
    card = await called(staffer, ticket)
    staffer.press(AGREED, card)
    await staffer.expect("已记录")
    await enterprise.expect("已接受您的需求")

    def redrawn() -> dict | None:
        now = staffer.current(card["message_id"])
        return now if OFFER_FOR in [b["text"] for b in FakeUser.buttons(now)] else None

    return staffer, enterprise, demand_id, ticket, await staffer.wait_until(redrawn)


async def booked_for(staffer: FakeUser, enterprise: FakeUser, card: dict, slots: str, place: str) -> dict:
    """The staffer offers ``slots`` (the first is picked) and ``place`` for her from the card; the booking as the
    enterprise gets it."""
    staffer.press(OFFER_FOR, staffer.current(card["message_id"]))
    await staffer.expect("每行一个")
    staffer.send(slots)
    await staffer.expect("问诊地点")
    staffer.send(place)
    offered = await enterprise.expect("提供了以下问诊时段")
    enterprise.press(f"2026-{slots.splitlines()[0]}", offered)
    return await enterprise.expect("专家问诊预约成功")


async def status(bot: BotHarness, demand_id: int) -> DemandStatus:
    async with bot.services.db.session() as session:
        return (await session.get(Demand, demand_id)).status


async def audited(bot: BotHarness, action: str) -> list[tuple[int, bool, str | None]]:
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(AuditEntry.actor_user_id, AuditEntry.allowed, AuditEntry.target).where(AuditEntry.action == action)
        )
        return [tuple(row) for row in rows.all()]


async def test_staff_carry_a_phone_case_from_slots_to_the_enterprises_confirmation(bot: BotHarness):
    staffer, enterprise, demand_id, ticket, card = await phoned_case(bot)
    assert "已由 梁丽娟 承接" in card["text"]

    # the staffer offers the slots for her, with her own step (the same reading of the lines)
    staffer.press(OFFER_FOR, card)
    asked = await staffer.expect("每行一个")
    assert "梁丽娟" in asked["text"]  # said for whom the slots are
    staffer.send("11-24 15:00\n2月30日 10:00")
    again = await staffer.expect("这一行请重写")  # her step's reading: the line it cannot use, the other kept
    assert "2月没有30日" in again["text"] and "共 1 个" in again["text"]

    await bot.restart()  # in the middle of the slot entry: the slot kept, the line still awaited
    staffer.send("11-25 10:00")
    await staffer.expect("问诊地点")
    staffer.send("湖州市吴兴区某某路 1 号")
    await staffer.expect("已将 2 个时段发给企业")
    offered = await enterprise.expect("提供了以下问诊时段")
    assert f"工会工作人员 {STAFF_NAME} 代 梁丽娟" in offered["text"] and ticket in offered["text"]
    assert [(actor, ok) for actor, ok, _ in await audited(bot, "booking.offer_for")] == [(631, True)]

    # the enterprise picks; the booking meant for her goes to the staffer, who is to phone her
    enterprise.press("2026-11-24 15:00", offered)
    await enterprise.expect("专家问诊预约成功")
    booked = await staffer.expect("专家问诊预约成功")
    assert "梁丽娟" in booked["text"] and "没有 Telegram" in booked["text"]
    assert await status(bot, demand_id) is DemandStatus.SCHEDULED

    # her reminders go to the staffer who acted, saying they are for her
    bot.clock.advance(days=2, hours=5, minutes=1)  # 11-23 15:01 local
    await bot.tick()
    await enterprise.expect("问诊提醒（明天）")
    reminder = await staffer.expect("问诊提醒（明天）")
    assert "梁丽娟" in reminder["text"] and "没有 Telegram" in reminder["text"]

    # after the visit the staffer records the result for her, with her own steps and limits
    bot.clock.advance(days=1, minutes=1)
    await bot.services.sweep()
    assert await status(bot, demand_id) is DemandStatus.IN_SERVICE
    staffer.press(RESOLVE_FOR, staffer.current(card["message_id"]))
    await staffer.expect("请简述解决方案")
    staffer.send("调整挤压模具温度和牵引速度，更换过滤网")
    await staffer.expect("培训职工人数")
    staffer.send("十二人")
    await staffer.expect("预计经济效益")
    staffer.send("一万五")
    await staffer.expect("已登记解决结果")
    resolved = await enterprise.expect("的解决结果")
    assert f"工会工作人员 {STAFF_NAME} 代 梁丽娟" in resolved["text"] and "12 人" in resolved["text"]
    assert any(actor == 631 and ok for actor, ok, _ in await audited(bot, "case.resolve"))

    enterprise.press("✅ 已解决", resolved)
    stars = await enterprise.expect("请为本次服务打分")
    enterprise.press("5★", stars)
    await enterprise.expect("已结案")
    assert await status(bot, demand_id) is DemandStatus.CLOSED


async def test_staff_cancel_for_her_and_hear_the_enterprises_cancellation(bot: BotHarness):
    staffer, enterprise, demand_id, _, card = await phoned_case(bot)
    await booked_for(staffer, enterprise, card, "11-24 15:00\n11-25 10:00", "https://meeting.example.com/zq51")
    booked = await staffer.expect("专家问诊预约成功")

    staffer.press("❌ 取消预约", booked)
    await staffer.expect("已取消")
    told = await enterprise.expect("取消了需求")
    assert f"工会工作人员 {STAFF_NAME} 代 梁丽娟" in told["text"]
    assert [actor for actor, ok, _ in await audited(bot, "booking.cancel_for") if ok] == [631]
    assert await status(bot, demand_id) is DemandStatus.ACCEPTED

    # offered again; this time the enterprise cancels: the staffer hears it, with the button to offer anew
    booked = await booked_for(staffer, enterprise, card, "11-26 09:00", "湖州市吴兴区某某路 1 号")
    enterprise.press("❌ 取消预约", booked)
    heard = await staffer.expect("企业取消了需求")
    assert "梁丽娟" in heard["text"] and OfferSlots.prefix in " ".join(
        b["callback_data"] for b in FakeUser.buttons(heard)
    )


async def test_acting_for_is_refused_for_telegram_craftsmen_other_regions_and_non_staff(bot: BotHarness):
    staffer, _, demand_id, _, card = await phoned_case(bot)
    async with bot.services.db.session() as session:
        match_id = await session.scalar(select(Match.id).where(Match.demand_id == demand_id))
    data = OfferSlots(match_id).data()

    # staff of another region
    elsewhere = await staff(bot, 632, "320506")
    elsewhere.send("/start")
    message = await elsewhere.expect("")
    answer = await elsewhere.answer_to(elsewhere.press_data(bot.signed(elsewhere, data), message))
    assert "不在您负责的地区" in (answer.get("text") or "")

    # a member replaying the button
    member = await worker(bot, 82, "330502", "小李")
    member.send("/start")
    message = await member.expect("")
    answer = await member.answer_to(member.press_data(bot.signed(member, data), message))
    assert "不是发给您的" in (answer.get("text") or "")
    assert (82, False) in [(actor, ok) for actor, ok, _ in await audited(bot, "booking.offer")]
    assert (632, False) in [(actor, ok) for actor, ok, _ in await audited(bot, "booking.offer")]

    # a craftsman with Telegram acts himself: staff do not act for him
    await bot.services.users.register(701, "周师傅")
    await bot.services.users.set_role(701, Role.CRAFTSMAN)
    other = await pool_member(bot, "周师傅", ["铝型材挤压"], "32", user_id=702)
    async with bot.services.db.session() as session:
        second = Demand(
            user_id=OWNER,
            kind=(await session.get(Demand, demand_id)).kind,
            text="铝型材表面划伤",
            industry="32",
            region_code="330502",
            status=DemandStatus.ACCEPTED,
            ticket="ZQ-2026-000052",
            submitted_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
        )
        session.add(second)
        await session.flush()
        telegram_match = Match(
            demand_id=second.id,
            craftsman_id=other,
            status=MatchStatus.ACCEPTED,
            created_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
        )
        session.add(telegram_match)
        await session.flush()
        telegram_match_id = telegram_match.id
    pressed = staffer.press_data(bot.signed(staffer, OfferSlots(telegram_match_id).data()), card)
    answer = await staffer.answer_to(pressed)
    assert "有 Telegram" in (answer.get("text") or "")
    assert (631, False, f"match:{telegram_match_id}") in await audited(bot, "booking.offer")
    assert not await audited(bot, "booking.offer_for")  # nothing was done for anyone
    assert not any("每行一个" in text for text in staffer.texts())
