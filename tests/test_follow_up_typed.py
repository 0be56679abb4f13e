"""Stars typed after the day-3 rating reminder are the rating, as they are at the day-1 star question (issue 21
leftovers): the reminder comes from the scheduler, so nothing in the chat waits for stars; the typed "4星" is read
wherever free text goes, and the optional comment is one press away."""

from __future__ import annotations

from decimal import Decimal

from db.models import DemandStatus
from services.results import Done
from tests.harness import BotHarness
from tests.test_service_flow import demand
from tests.test_slots import booked_case


async def test_stars_typed_after_the_day_three_reminder_are_the_rating(bot: BotHarness):
    helper, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    assert isinstance(await bot.services.follow_up.resolve(901, match_id, "更换分接开关", 3, Decimal("8000")), Done)
    bot.clock.advance(days=3, hours=1)
    assert await bot.services.follow_up.remind_ratings() == 1
    await bot.application.sender.flush()
    await company.expect("回访：需求")
    company.send("4星")
    thanks = await company.expect("感谢您的评价")
    assert (await demand(bot)).status is DemandStatus.CLOSED
    await helper.expect("打了 ★★★★")
    company.press("写评语", thanks)  # the optional comment, as after a pressed star
    await company.expect("请写下")
    company.send("来得及时，讲解清楚")
    await company.expect("评价已保存")
    company.send("5")  # nothing waits for stars any more: free text as ever, the rating stays
    await company.expect(("没看懂", "/help"))
    assert (await demand(bot)).status is DemandStatus.CLOSED


async def test_typed_stars_with_no_rating_waiting_are_free_text(bot: BotHarness):
    from tests.test_report import enterprise_user

    company = await enterprise_user(bot, 36)
    company.send("五星")
    await company.expect("/help")


async def test_a_digit_typed_before_the_enterprise_confirmed_the_solution_rates_nothing(bot: BotHarness):
    """The resolution notice asks 问题解决了吗？ (✅ / ↩️), not for stars: "2" typed then neither confirms nor rates the
    case (the console's demo enterprise typed "²" and closed her case with two stars)."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    assert isinstance(await bot.services.follow_up.resolve(901, match_id, "更换分接开关", 3, Decimal("8000")), Done)
    await bot.application.sender.flush()
    await company.expect("问题解决了吗")
    company.send("2")
    await company.expect(("没看懂", "/help"))
    assert (await demand(bot)).status is DemandStatus.RESOLVED, "not confirmed, not rated"


async def test_other_text_at_the_star_question_is_answered_as_ever_and_stars_still_wait(bot: BotHarness):
    """After ✅ 已解决 the star question waits, but a union question typed there is answered as one (it was answered
    '请点星星或输入 1 到 5' whatever was typed); stars typed afterwards still rate the case."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    assert isinstance(await bot.services.follow_up.resolve(901, match_id, "更换分接开关", 3, Decimal("8000")), Done)
    await bot.application.sender.flush()
    notice = await company.expect("问题解决了吗")
    company.press("已解决", notice)
    await company.expect("星")
    company.send("工会会费怎么交？")
    await company.expect("12351")
    assert (await demand(bot)).status is DemandStatus.RESOLVED
    company.send("5")
    await company.expect("感谢您的评价")
    assert (await demand(bot)).status is DemandStatus.CLOSED
