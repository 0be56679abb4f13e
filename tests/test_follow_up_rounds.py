"""A case can be resolved, reopened (↩️ 未解决) and resolved again (hostile report 2, items 1, 2 and 12): whatever
confirms or rates belongs to the current resolution round — a ✅ / star / ↩️ press, the star question (also asked
again after a restart), stars typed after the day-3 reminder. Anything of an earlier round is answered 已失效 and
rates nothing. Stars are read as stars only ("3人" is not a rating); typed before ✅, they point at the buttons."""

from __future__ import annotations

from decimal import Decimal

import pytest

from db.models import DemandStatus
from services.follow_up import read_stars
from services.results import Done
from tests.harness import BotHarness
from tests.test_service_flow import demand
from tests.test_slots import booked_case


async def resolved(bot: BotHarness, match_id: int, company, summary: str = "更换分接开关") -> dict:
    """The craftsman records the solution; the enterprise's 问题解决了吗？ notice."""
    assert isinstance(await bot.services.follow_up.resolve(901, match_id, summary, 3, Decimal("8000")), Done)
    await bot.application.sender.flush()
    return await company.expect(summary)


async def reminded(bot: BotHarness, company) -> dict:
    bot.clock.advance(days=3, hours=1)
    assert await bot.services.follow_up.remind_ratings() == 1
    await bot.application.sender.flush()
    return await company.expect("回访：需求")


async def reopened(company, message: dict) -> None:
    company.press("未解决", message)
    await company.expect("已重新打开")


async def solved_twice(bot: BotHarness) -> tuple:
    """A case resolved (方案A), reopened under that notice, and resolved again (方案B): the enterprise, both notices."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    first = await resolved(bot, match_id, company, "方案A")
    await reopened(company, first)
    bot.clock.advance(minutes=5)
    return company, first, await resolved(bot, match_id, company, "方案B")


async def test_stars_typed_after_a_reopen_and_a_new_resolution_rate_nothing(bot: BotHarness):
    """Item 1: the day-3 reminder of the first round let typed stars rate; once reopened and solved again, the
    new round only asked 问题解决了吗？ — "5" typed then neither confirms nor rates."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    await resolved(bot, match_id, company)
    await reopened(company, await reminded(bot, company))
    bot.clock.advance(minutes=5)
    await resolved(bot, match_id, company, "方案B")
    company.send("5")
    hint = await company.expect(("已解决", "没看懂", "感谢"))
    assert "感谢" not in hint["text"]
    assert (await demand(bot)).status is DemandStatus.RESOLVED, "not confirmed, not rated"


async def test_an_earlier_rounds_solved_button_is_stale(bot: BotHarness):
    """Item 2a: ✅ 已解决 under the first round's notice, pressed after the case was reopened and solved again."""
    company, first, second = await solved_twice(bot)
    answer = await company.answer_to(company.press("已解决", first))
    assert "已失效" in answer["text"]
    company.press("已解决", second)  # the current round's button asks for the stars
    await company.expect("请为本次服务打分")
    company.send("5")
    await company.expect("感谢您的评价")
    assert (await demand(bot)).status is DemandStatus.CLOSED


async def test_an_earlier_reminders_star_is_stale(bot: BotHarness):
    """Item 2b: the first round's day-3 reminder — ↩️ pressed there, solved again — its 2★ rates nothing."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    await resolved(bot, match_id, company)
    reminder = await reminded(bot, company)
    await reopened(company, reminder)
    bot.clock.advance(minutes=5)
    await resolved(bot, match_id, company, "方案C")
    answer = await company.answer_to(company.press("2★", reminder))
    assert "已失效" in answer["text"]
    assert (await demand(bot)).status is DemandStatus.RESOLVED
    answer = await company.answer_to(company.press("未解决", reminder))
    assert "已失效" in answer["text"]
    assert (await demand(bot)).status is DemandStatus.RESOLVED, "the old reminder's ↩️ does not reopen the new round"


async def test_the_star_question_of_a_reopened_round_is_stale(bot: BotHarness):
    """Item 2: ✅ then ↩️ on the same notice, solved again: stars typed at the old star question rate nothing, and
    after a restart that question is not asked again (it was, for a case she had said was not solved)."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    first = await resolved(bot, match_id, company, "方案A")
    company.press("已解决", first)
    await company.expect("请为本次服务打分")
    await reopened(company, first)
    await bot.restart()
    bot.clock.advance(minutes=5)
    await resolved(bot, match_id, company, "方案B")
    asked = sum("请为本次服务打分" in text for text in company.texts())
    assert asked == 1, "the reopened round's star question is not asked again"
    company.send("5")
    answer = await company.expect(("已失效", "感谢", "已解决"))
    assert "感谢" not in answer["text"]
    assert (await demand(bot)).status is DemandStatus.RESOLVED


async def test_buttons_sent_before_rounds_still_work_while_the_case_had_one_round(bot: BotHarness):
    """Buttons of the earlier protocol (no round in the data) are the first round's: while the case was resolved only
    once they confirm as before (cases resolved before the upgrade can still be confirmed by their buttons)."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    notice = await resolved(bot, match_id, company)
    case = (await demand(bot)).id
    company.press_data(bot.signed(company, f"fu:ok:{case}"), notice)
    await company.expect("请为本次服务打分")
    assert await company.answer_to(company.press_data(bot.signed(company, f"fu:s:{case}:4"), notice))
    await company.expect("感谢您的评价")
    assert (await demand(bot)).status is DemandStatus.CLOSED


async def test_buttons_sent_before_rounds_are_stale_once_the_case_was_solved_again(bot: BotHarness):
    """After a reopen and a second resolution, a button without a round may be the first round's: 已失效."""
    company, _, notice = await solved_twice(bot)
    case = (await demand(bot)).id
    for data in (f"fu:ok:{case}", f"fu:s:{case}:5", f"fu:re:{case}"):
        answer = await company.answer_to(company.press_data(bot.signed(company, data), notice))
        assert "已失效" in answer["text"], data
    assert (await demand(bot)).status is DemandStatus.RESOLVED


@pytest.mark.parametrize(
    ("text", "stars"),
    [
        ("五星！", 5),
        ("给5星", 5),
        ("5。", 5),
        ("打5分", 5),
        ("5⭐", 5),
        ("5\u200b", 5),
        ("5", 5),
        ("５", 5),
        ("五颗星", 5),
        ("4分", 4),
        ("★★★★", 4),
        ("五星好评", 5),
        ("3人", None),
        ("²", None),
        ("6", None),
        ("很好", None),
        ("", None),
    ],
)
def test_read_stars(text: str, stars: int | None):
    assert read_stars(text) == stars


async def test_stars_typed_before_confirming_point_at_the_buttons(bot: BotHarness):
    """Item 12: "五星" typed after 问题解决了吗？ (nothing asked for stars yet) points at ✅ / ↩️."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    await resolved(bot, match_id, company)
    company.send("五星")
    hint = await company.expect(("已解决", "没看懂"))
    assert "✅ 已解决" in hint["text"] and "↩️ 未解决" in hint["text"]
    assert (await demand(bot)).status is DemandStatus.RESOLVED


async def test_a_comment_that_says_nothing_is_not_saved(bot: BotHarness):
    """Item 12: "²" typed at the comment step after the stars is not saved silently as the comment."""
    _, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    notice = await resolved(bot, match_id, company)
    company.press("已解决", notice)
    await company.expect("请为本次服务打分")
    company.send("五星")
    await company.expect("感谢您的评价")
    company.send("²")
    again = await company.expect(("评语", "跳过", "评价已保存"))
    assert "评价已保存" not in again["text"]
    company.send("来得及时，讲解清楚")
    await company.expect("评价已保存")
