"""/my is where an enterprise follows its demand, so what it may still do on it is there too (stranger report s5,
items 5, 11 and 14): a resolved case is confirmed (✅ 已解决 → stars) or reopened (↩️ 未解决) from its /my detail, a
booked visit still to come is moved (🔁 改期) or cancelled (❌ 取消预约) there — the same actions, checked by the
same services, as the notices' buttons — and staff are told when the enterprise withdraws a demand, with its
reason, as they are told of a decline."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from db.models import Demand, DemandStatus
from fakebotapi import FakeUser
from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_demo import stage
from tests.test_service_flow import demand
from tests.test_slots import booked_case
from tests.test_withdrawal import queued


async def my_detail(company: FakeUser, ticket: str, next_step: str = "") -> dict:
    """/my → the demand: its detail view; the list's line of it says ``next_step``."""
    company.send("/my")
    listed = await company.expect("我的需求")
    assert next_step in listed["text"]
    company.press(ticket, listed)
    return await company.expect("描述：")


def labels(message: dict) -> list[str]:
    return [b["text"] for b in FakeUser.buttons(message)]


async def resolved_case(bot: BotHarness) -> tuple[FakeUser, FakeUser, str]:
    """A booked case whose visit took place and which the craftsman recorded as solved: (craftsman, enterprise,
    ticket); the enterprise's 问题解决了吗？ notice is read."""
    helper, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    await bot.services.follow_up.resolve(901, match_id, "更换分接开关", 3, Decimal("8000"))
    await bot.application.sender.flush()
    await company.expect("更换分接开关")
    return helper, company, (await demand(bot)).ticket


async def test_a_resolved_case_is_confirmed_and_rated_from_my(bot: BotHarness):
    helper, company, ticket = await resolved_case(bot)
    detail = await my_detail(company, ticket, "问题解决了吗？请在详情中")  # the list says where to answer
    assert "✅ 已解决" in labels(detail) and "↩️ 未解决" in labels(detail)
    company.press("✅ 已解决", detail)
    company.press("5", await company.expect("请为本次服务打分"))
    await company.expect(f"需求 {ticket} 已结案")
    assert (await demand(bot)).status is DemandStatus.CLOSED
    await bot.application.sender.flush()
    await helper.expect("★★★★★")
    closed = await my_detail(company, ticket)  # nothing left to answer: only « 返回
    assert labels(closed) == ["« 返回"]


async def test_a_resolved_case_is_reopened_from_my_and_that_button_is_then_stale(bot: BotHarness):
    helper, company, ticket = await resolved_case(bot)
    detail = await my_detail(company, ticket)
    company.press("↩️ 未解决", detail)
    await company.expect("已重新打开")
    assert (await demand(bot)).status is DemandStatus.ACCEPTED
    await bot.application.sender.flush()
    await helper.expect(ticket)
    late = company.press("✅ 已解决", detail)  # the same /my message, pressed after the reopen
    assert "已处理或已失效" in (await company.answer_to(late))["text"]


async def test_a_booked_visit_is_moved_or_cancelled_from_my(bot: BotHarness):
    helper, company, _, _ = await booked_case(bot)
    ticket = (await demand(bot)).ticket
    detail = await my_detail(company, ticket, "可在详情中改期或取消")
    assert "🔁 改期" in labels(detail) and "❌ 取消预约" in labels(detail) and "↩️ 撤回" in labels(detail)
    company.press("🔁 改期", detail)
    await company.expect("已请劳模工匠重新提供时段")
    await bot.application.sender.flush()
    await helper.expect("请重新提供时段")
    assert (await demand(bot)).status is DemandStatus.SCHEDULED  # the booking stands until a new slot is picked
    company.press("❌ 取消预约", detail)
    await company.expect("已取消 2026-11-26 15:00 的预约")
    await bot.application.sender.flush()
    await helper.expect("取消了需求")
    assert (await demand(bot)).status is DemandStatus.ACCEPTED
    after = await my_detail(company, ticket)  # no booking left to move
    assert "🔁 改期" not in labels(after) and "❌ 取消预约" not in labels(after)


async def test_a_visit_whose_time_has_come_is_not_offered_for_moving(bot: BotHarness):
    _, company, _, _ = await booked_case(bot)
    bot.clock.advance(days=5, hours=6)  # past 2026-11-26 15:00
    await bot.services.booking.start_due()
    detail = await my_detail(company, (await demand(bot)).ticket)
    assert "🔁 改期" not in labels(detail) and "❌ 取消预约" not in labels(detail)


async def test_staff_are_told_when_the_enterprise_withdraws_with_its_reason(bot: BotHarness):
    staff, _, company, ticket, _ = await queued(bot)
    company.send("/my")
    company.press(ticket, await company.expect("我的需求"))
    company.press("撤回", await company.expect(ticket))
    company.press("不再需要", await company.expect("为什么要撤回"))
    await company.expect(f"已撤回 {ticket}")
    await bot.application.sender.flush()
    told = await staff.expect(f"企业撤回了需求 {ticket}")
    assert "不再需要" in told["text"]
    assert any("打开" in b["text"] for b in FakeUser.buttons(told))


async def test_the_demo_enterprise_answers_its_resolved_case_and_sees_its_booking_in_my(db_url: str):
    """The stranger's path on the demo stage: 王丽's resolved demand is confirmed and rated from /my (its notice may
    never have come), and her booked one carries 🔁 改期 / ❌ 取消预约 there (the demo has no appointment message)."""
    bot = await stage(db_url)
    try:
        async with bot.services.db.session() as session:
            mine = (
                await session.scalars(select(Demand).where(Demand.user_id == demo_person("王丽").telegram_id))
            ).all()
        resolved = next(d.ticket for d in mine if d.status is DemandStatus.RESOLVED)
        booked = next(d.ticket for d in mine if d.status is DemandStatus.SCHEDULED)
        company = bot.user(demo_person("王丽").telegram_id, first_name="王丽")
        detail = await my_detail(company, resolved)
        company.press("✅ 已解决", detail)
        company.press("4", await company.expect("请为本次服务打分"))
        await company.expect(f"需求 {resolved} 已结案")
        detail = await my_detail(company, booked)
        assert "🔁 改期" in labels(detail) and "❌ 取消预约" in labels(detail)
    finally:
        await bot.stop()
