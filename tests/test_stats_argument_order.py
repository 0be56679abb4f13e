"""/stats reads a period whole in either order ("Q3 2026" as "2026 Q3"), refuses two periods, two regions or two
industries in words naming both, and reads a period to come (明年, 下季度, 下个月) as not begun, as "next year" is
(hostile tester, issue 21 "periods and spans read whole")."""

from __future__ import annotations

from datetime import date

from db.models import Lang
from services.periods import HALF, MONTH, QUARTER, YEAR, Period, parse_period
from tests.harness import BotHarness
from tests.test_queue_scope import staff as staff_of
from tests.test_stats_export import STAFFER, seed

TODAY = date(2026, 11, 21)  # the harness's clock: 2026-11-21 10:00 in Shanghai


def test_the_part_before_the_year_is_read_as_after_it():
    read = lambda text: parse_period(text, TODAY)  # noqa: E731
    assert read("Q3 2026") == read("2026 Q3") == read("三季度 2026") == Period.of(QUARTER, 2026, 3)
    assert read("Q4 2025") == read("q4 2025") == Period.of(QUARTER, 2025, 4)
    assert read("三季度 2025") == read("第3季度 2025年") == Period.of(QUARTER, 2025, 3)
    assert read("H1 2026") == read("h1 2026") == Period.of(HALF, 2026, 1)
    assert read("3月 2025") == read("三月 2025") == Period.of(MONTH, 2025, 3)
    assert read("上半年 2025") == Period.of(HALF, 2025, 1)
    for text in ("Q5 2025", "13月 2025", "Q3 1900", "苏州 2025", "C34 2025"):
        assert read(text) is None, text


def test_periods_to_come_are_read():
    read = lambda text: parse_period(text, TODAY)  # noqa: E731
    assert read("明年") == read("next year") == Period.of(YEAR, 2027)
    assert read("后年") == Period.of(YEAR, 2028)
    assert read("下季度") == read("下个季度") == read("next quarter") == Period.of(QUARTER, 2027, 1)
    assert read("下个月") == read("下月") == read("next month") == Period.of(MONTH, 2026, 12)
    assert read("上个月") == Period.of(MONTH, 2026, 10)
    assert read("这个月") == Period.of(MONTH, 2026, 11)


async def test_stats_reads_the_quarter_before_the_year(bot: BotHarness):
    """ "/stats Q3 2026" showed all of 2026 ("📊 2026年（截至…）"): the Q3 was read, then overwritten by 2026."""
    await seed(bot)
    staffer = await staff_of(bot, STAFFER, None)
    for command, label in (
        ("/stats Q3 2026", "2026年第3季度 · 全部地区"),
        ("/stats Q1 2026", "2026年第1季度 · 全部地区"),
        ("/stats H1 2026", "2026年上半年 · 全部地区"),
        ("/stats Q4 2025", "2025年第4季度 · 全部地区"),
        ("/stats 3月 2025", "2025年3月 · 全部地区"),
        ("/stats 三季度 2025", "2025年第3季度 · 全部地区"),
        ("/stats H1 2024 苏州", "2024年上半年 · 江苏省 苏州市"),
    ):
        staffer.send(command)
        text = (await staffer.expect("助企行成效"))["text"]
        assert label in text, (command, text)
        await staffer.expect("助企行成效图")
    await bot.services.users.set_lang(STAFFER, Lang.ENGLISH, chosen=True)
    staffer.send("/stats Q3 2026")
    assert "📊 2026 Q3 · all regions" in (await staffer.expect("programme figures"))["text"]
    await staffer.expect("programme chart")


async def test_two_periods_regions_or_industries_are_refused_naming_both(bot: BotHarness):
    """ "/stats C34 C33" showed C33's figures and "/stats 2025 2026" 2026's: the last silently won."""
    await seed(bot)
    staffer = await staff_of(bot, STAFFER, None)
    for command, both in (
        ("/stats C34 C33", ("C34", "C33")),
        ("/stats 2025 2026", ("2025", "2026")),
        ("/stats 2024上半年 苏州 湖州", ("苏州", "湖州")),
        ("/stats Q3 2026 去年", ("Q3 2026", "去年")),
    ):
        staffer.send(command)
        answer = (await staffer.expect(both[0]))["text"]
        assert both[1] in answer and "助企行成效" not in answer, (command, answer)
    assert not [m for m in staffer.texts() if "助企行成效" in m]
    await bot.services.users.set_lang(STAFFER, Lang.ENGLISH, chosen=True)
    staffer.send("/stats 2025 2026")
    answer = (await staffer.expect("2025"))["text"]
    assert "2026" in answer and "one period" in answer, answer


async def test_a_period_to_come_in_chinese_is_not_begun(bot: BotHarness):
    """ "/stats 明年" answered 无法识别 while "/stats next year" answered 尚未开始."""
    await seed(bot)
    staffer = await staff_of(bot, STAFFER, None)
    for command in ("/stats 明年", "/stats 下季度", "/stats 下个月", "/stats next year"):
        staffer.send(command)
        answer = (await staffer.expect("尚未开始"))["text"]
        assert "无法识别" not in answer, (command, answer)
