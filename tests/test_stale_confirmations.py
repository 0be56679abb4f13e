"""A two-step confirmation is bound to what it asked about: pressed after that changed, it refuses and asks again."""

from __future__ import annotations

from datetime import datetime

from db.models import DemandStatus
from tests.harness import BotHarness
from tests.test_events_e2e import publish_weekly_course, worker
from tests.test_report import staffer
from tests.test_service_flow import demand
from tests.test_slots import SH, booked_case


async def test_an_old_waitlist_leave_confirmation_does_not_give_up_a_seat_just_given(bot: BotHarness):
    staff = await staffer(bot)
    await publish_weekly_course(staff)  # one seat
    seated, waiting = await worker(bot, 31, "330502", "孙晓梅"), await worker(bot, 32, "330502", "钱多多")
    seated.send("/courses")
    seated.press("报名①", await seated.expect("AI写作"))
    await seated.expect("已报名")
    waiting.send("/courses")
    waiting.press("报名①", await waiting.expect("已报 1/1"))
    listing = await waiting.expect("您在候补名单上")

    waiting.press("↩️ 退出候补①", listing)
    old_confirm = await waiting.expect("确定退出「AI写作 <入门>」")

    seated.send("/subscriptions")
    seated.press("退出：AI写作", await seated.expect("已报名"))
    seated.press("确定退出", await seated.expect("确定退出「AI写作 <入门>」"))
    await waiting.expect("您已从候补转为正式学员")

    answer = await waiting.answer_to(waiting.press("确定退出", old_confirm))
    assert "已退出" not in answer["text"] and "正式学员" in answer["text"], answer
    again = await waiting.expect("仍要退出")  # asked again, about the seat he now holds
    assert "正式学员" in again["text"]
    cards = await bot.services.courses.cards(32, "330502")
    assert cards[0].mine is not None and cards[0].mine.value == "enrolled", "the seat stays his"

    assert (await waiting.answer_to(waiting.press("确定退出", again)))["text"] == "已退出。"  # the new one does
    assert (await bot.services.courses.cards(32, "330502"))[0].mine is None


async def test_the_cancel_button_of_a_visit_since_moved_does_not_cancel_the_new_one(bot: BotHarness):
    """Cancelling a visit is bound to the booking its button was sent with: after the visit was moved to another
    time, the old card's ❌ is refused and the new booking stands."""
    helper, company, match_id, booked = await booked_case(bot)
    await bot.services.booking.offer_slots(901, match_id, [datetime(2026, 11, 27, 10, 0, tzinfo=SH)], "配电房", None)
    await bot.application.sender.flush()
    company.press("2026-11-27 10:00", await company.expect("提供了新的问诊时段"))
    await company.expect("专家问诊预约成功")

    answer = await company.answer_to(company.press("❌ 取消预约", booked))
    assert answer["show_alert"] and "已取消" not in answer["text"], answer
    assert (await demand(bot)).status is DemandStatus.SCHEDULED
    assert not any("取消了需求" in text for text in helper.texts())
