"""A two-step confirmation is bound to what it asked about: pressed after that changed, it refuses and asks again."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.test_events_e2e import publish_weekly_course, worker
from tests.test_report import staffer


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
