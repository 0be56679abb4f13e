"""Natural replies to a question the bot is waiting on (stranger sfix P4): typed instead of pressed, they are read as
the reply they are — never acted on from free text alone, but answered with the very buttons that act.

- A craftsman with an offer waiting types that he takes it (好的，这个我接了) or cannot (這個我下禮拜要出差，沒辦法): asked
  to confirm with ✅ 接受 / 🙏 婉拒 naming the ticket (the contact is released only on the press); a decline keeps
  what he typed as the reason; with several offers waiting, they are listed with their buttons.
- An enterprise facing the slot card types a time (周四上午可以): the one slot it names is offered to confirm with its
  button; none or several, the slot buttons again.
- A member who pressed 向工会工作人员咨询 and then types the details: added to that consultation while it is unanswered
  and it was their last act, not answered as a new question."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.models import Craftsman, Demand, DemandStatus, Match, MatchStatus, Role
from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_consultation_replies import thread
from tests.test_demo import demo  # noqa: F401 (the demo stage fixture)
from tests.test_union import ASK, consultations
from tests.test_visit_slots import accepted_case

SH = ZoneInfo("Asia/Shanghai")


async def _offers(bot: BotHarness, user_id: int) -> dict[str, tuple[int, MatchStatus]]:
    """The craftsman's matches by ticket: (match id, status)."""
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(Demand.ticket, Match.id, Match.status)
            .join(Demand, Demand.id == Match.demand_id)
            .join(Craftsman, Craftsman.id == Match.craftsman_id)
            .where(Craftsman.user_id == user_id)
        )
    return {ticket: (match_id, status) for ticket, match_id, status in rows.tuples()}


def _waiting(offers: dict[str, tuple[int, MatchStatus]]) -> list[str]:
    return [ticket for ticket, (_, status) in offers.items() if status is MatchStatus.OFFERED]


async def test_a_craftsman_typing_that_he_takes_the_offer_is_asked_to_confirm_with_its_buttons(demo: BotHarness):  # noqa: F811
    zhou = demo_person("周建华").telegram_id
    [ticket] = _waiting(await _offers(demo, zhou))
    craftsman = demo.user(zhou, first_name="周建华")
    craftsman.send("好的，这个我接了")
    asked = await craftsman.expect(ticket)
    assert "不能理解" not in asked["text"] and "确认" in asked["text"], asked["text"]
    labels = [b["text"] for b in craftsman.buttons(asked)]
    assert f"✅ 接受 {ticket}" in labels and f"🙏 婉拒 {ticket}" in labels, labels
    assert (await _offers(demo, zhou))[ticket][1] is MatchStatus.OFFERED  # never accepted from the text alone
    craftsman.press(f"✅ 接受 {ticket}", asked)
    await craftsman.expect("感谢接受需求 " + ticket)


async def test_a_decline_typed_in_traditional_keeps_its_reason(demo: BotHarness):  # noqa: F811
    li = demo_person("李秀英").telegram_id
    [ticket] = _waiting(await _offers(demo, li))
    craftsman = demo.user(li, first_name="李秀英", language_code="zh-TW")
    reason = "這個我下禮拜要出差，沒辦法"
    craftsman.send(reason)
    asked = await craftsman.expect(ticket)
    assert reason in asked["text"] and "婉拒" in asked["text"], asked["text"]
    assert (await _offers(demo, li))[ticket][1] is MatchStatus.OFFERED
    button = next(b["text"] for b in craftsman.buttons(asked) if "婉拒" in b["text"] and ticket in b["text"])
    craftsman.press(button, asked)
    await craftsman.expect("已婉拒")
    assert (await _offers(demo, li))[ticket][1] is MatchStatus.DECLINED
    async with demo.services.db.session() as session:
        match_id = (await _offers(demo, li))[ticket][0]
        assert (await session.get(Match, match_id)).decline_reason == reason


async def test_with_several_offers_waiting_they_are_listed(demo: BotHarness):  # noqa: F811
    zhou = demo_person("周建华").telegram_id
    [first] = _waiting(await _offers(demo, zhou))
    async with demo.services.db.session() as session:
        waiting = (
            await session.scalars(select(Demand.id).where(Demand.status == DemandStatus.SUBMITTED).order_by(Demand.id))
        ).first()
        craftsman_id = await session.scalar(select(Craftsman.id).where(Craftsman.user_id == zhou))
    staff = demo_person("张敏").telegram_id
    await demo.services.casework.offer(staff, Role.STAFF, waiting, craftsman_id)
    tickets = _waiting(await _offers(demo, zhou))
    assert len(tickets) == 2 and first in tickets
    craftsman = demo.user(zhou, first_name="周建华")
    [new] = [t for t in tickets if t != first]
    await craftsman.expect("新的服务请求 " + new)
    craftsman.send("可以，我接")
    listed = await craftsman.expect(tuple(tickets))
    labels = [b["text"] for b in craftsman.buttons(listed)]
    assert all(f"✅ 接受 {t}" in labels and f"🙏 婉拒 {t}" in labels for t in tickets), labels
    assert all(t in listed["text"] for t in tickets)


async def test_a_slot_typed_by_the_enterprise_is_offered_to_confirm(bot: BotHarness):
    _, company, _ = await accepted_case(bot)
    match_id = (await _offers(bot, 601)).popitem()[1][0]
    thursday, friday = datetime(2026, 11, 26, 9, 0, tzinfo=SH), datetime(2026, 11, 27, 14, 0, tzinfo=SH)
    await bot.services.booking.offer_slots(601, match_id, [thursday, friday], "配电房", None)
    await bot.application.sender.flush()
    await company.expect("提供了以下问诊时段")
    company.send("周四上午可以")
    chosen = await company.expect("2026-11-26 09:00")
    assert "不能理解" not in chosen["text"], chosen["text"]
    assert [b["text"] for b in company.buttons(chosen)] == ["2026-11-26 09:00"]
    company.send("周三可以吗")  # no slot on Wednesday: the slots again
    again = await company.expect("选择")
    assert [b["text"] for b in company.buttons(again)] == ["2026-11-26 09:00", "2026-11-27 14:00"]
    company.press("2026-11-26 09:00", chosen)
    await company.expect("专家问诊预约成功")


async def test_details_typed_after_asking_staff_are_added_to_that_consultation(demo: BotHarness):  # noqa: F811
    liu = demo_person("刘洋").telegram_id
    member = demo.user(liu, first_name="刘洋")
    member.send("老板拖欠三个月工资怎么办")
    member.press(ASK, await member.expect("12351"))
    await member.expect("已把您的问题转给工会工作人员")
    await demo.wait_handled()
    number = (await consultations(demo))[-1].id
    member.send("一共欠了一万五，老板说下个月再给")
    added = await member.expect(f"#{number}")
    assert "补充" in added["text"] and ASK not in str(member.buttons(added)), added["text"]
    assert await thread(demo, number) == ["一共欠了一万五，老板说下个月再给"]

    member.send("/help")  # another act in between: the next text is a question of its own again
    await member.expect("/")
    member.send("公司不给交社保合法吗")
    answered = await member.expect("12351")
    assert "补充" not in answered["text"] and [b["text"] for b in member.buttons(answered)] == [ASK]
    assert await thread(demo, number) == ["一共欠了一万五，老板说下个月再给"]
