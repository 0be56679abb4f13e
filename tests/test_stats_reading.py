"""/stats reads what staff type (hostile report): periods in English words ("this year", "last month", "Q3",
"2026 Q3") and Chinese ones with numerals in characters (三季度); a period not yet begun is said to be in the future,
one still running is compared with the same part of the period before; a letter or two is no region's name, and an
industry (a GB/T 4754 section or division, by letter, code or name) filters the figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from db.models import Demand, DemandKind, DemandStatus, Enterprise, Lang
from nlp.industry import catalogue
from services.periods import DAY, HALF, MONTH, QUARTER, WEEK, YEAR, Period, parse_period, same_part_before
from services.regions import RegionDirectory, read_seed
from tests.harness import BotHarness
from tests.test_queue_scope import staff as staff_of
from tests.test_stats_export import STAFFER, seed

TODAY = date(2026, 11, 21)  # the harness's clock: 2026-11-21 10:00 in Shanghai


def test_periods_in_english_words_and_chinese_numerals():
    read = lambda text: parse_period(text, TODAY)  # noqa: E731
    assert read("this year") == read("This Year") == Period.of(YEAR, 2026)
    assert read("last year") == Period.of(YEAR, 2025)
    assert read("this month") == Period.of(MONTH, 2026, 11)
    assert read("last month") == Period.of(MONTH, 2026, 10)
    assert read("March 2024") == read("Mar 2024") == Period.of(MONTH, 2024, 3)
    assert read("Q3") == read("q3") == read("三季度") == read("第三季度") == Period.of(QUARTER, 2026, 3)
    assert read("2026 Q3") == read("2026年三季度") == Period.of(QUARTER, 2026, 3)
    assert read("this quarter") == Period.of(QUARTER, 2026, 4)
    assert read("last quarter") == Period.of(QUARTER, 2026, 3)
    assert read("H1") == read("first half") == Period.of(HALF, 2026, 1)
    assert read("三月") == read("3月") == Period.of(MONTH, 2026, 3)
    assert read("前年") == Period.of(YEAR, 2024)
    for text in ("me", "all", "an", "Suzhou", "C", "Q5", "苏州市"):
        assert read(text) is None, text


def test_weeks_and_days_monday_to_sunday():
    """上周 / 本周 / 昨天 / 今天 and "last week" … were not read; a week runs Monday to Sunday (21 November 2026 is a
    Saturday)."""
    read = lambda text: parse_period(text, TODAY)  # noqa: E731
    this_week = Period(WEEK, date(2026, 11, 16), date(2026, 11, 23))
    assert read("本周") == read("本週") == read("这周") == read("this week") == read("This Week") == this_week
    assert read("上周") == read("上個星期") == read("last week") == this_week.previous()
    assert this_week.previous() == Period(WEEK, date(2026, 11, 9), date(2026, 11, 16))
    assert read("下周") == read("next week") == this_week.following()
    assert read("今天") == read("today") == Period(DAY, TODAY, date(2026, 11, 22))
    assert read("昨天") == read("yesterday") == Period(DAY, date(2026, 11, 20), TODAY)
    assert read("明天") == read("tomorrow") == Period(DAY, date(2026, 11, 22), date(2026, 11, 23))
    sunday = date(2026, 11, 22)
    assert parse_period("本周", sunday) == this_week  # Sunday ends the week it is in
    assert parse_period("本周", date(2026, 11, 23)).start == date(2026, 11, 23)  # Monday begins one
    assert this_week.label("zh") == "2026年11月16日至22日" and this_week.label("en") == "2026-11-16 to 2026-11-22"
    across = parse_period("本周", date(2026, 12, 31))
    assert across.label("zh") == "2026年12月28日至2027年1月3日", across
    assert read("今天").label("zh") == "2026年11月21日" and read("today").label("en") == "2026-11-21"
    saturday_ten = datetime(2026, 11, 21, 10)
    assert same_part_before(this_week, saturday_ten) == datetime(2026, 11, 14, 10)
    assert same_part_before(read("今天"), saturday_ten) == datetime(2026, 11, 20, 10)
    assert same_part_before(read("昨天"), saturday_ten) is None


def test_the_same_part_of_the_period_before():
    may_31 = datetime(2026, 5, 31, 10)
    assert same_part_before(Period.of(MONTH, 2026, 5), may_31) == datetime(2026, 4, 30, 10)  # clamped
    assert same_part_before(Period.of(YEAR, 2026), may_31) == datetime(2025, 5, 31, 10)
    assert same_part_before(Period.of(QUARTER, 2026, 2), may_31) == datetime(2026, 2, 28, 10)
    assert same_part_before(Period.of(YEAR, 2025), may_31) is None  # over: compared whole


async def labelled(staffer, words: tuple[str, str, str], *asked: tuple[str, str]) -> None:
    """Each /stats command of ``asked`` answered with its label in the figures' text (``words``: how the figures and
    the chart are titled, and the refusal that must not come), then the chart."""
    figures, chart, refused = words
    for command, label in asked:
        staffer.send(command)
        text = (await staffer.expect(figures))["text"]
        assert label in text and refused not in text, (command, text)
        await staffer.expect(chart)


async def test_an_english_staffer_asks_for_periods_in_words(bot: BotHarness):
    """LANG=en: "/stats this year" answered 'Cannot read "this"'."""
    await seed(bot)
    staffer = await staff_of(bot, STAFFER, None)
    await bot.services.users.set_lang(STAFFER, Lang.ENGLISH, chosen=True)
    await labelled(
        staffer,
        ("programme figures", "programme chart", "Cannot read"),
        ("/stats this year", "📊 2026 (so far, to 21 Nov) · all regions"),
        ("/stats last year", "📊 2025 · all regions"),
        ("/stats last month", "📊 2026-10 · all regions"),
        ("/stats this month", "📊 2026-11 (so far, to 21 Nov) · all regions"),
        ("/stats Q3", "📊 2026 Q3 · all regions"),
        ("/stats 2026 Q3", "📊 2026 Q3 · all regions"),
        ("/stats 2024 H1 all", "📊 2024 H1 · all regions"),
        ("/stats 2024 H1 Huzhou", "📊 2024 H1 · Huzhou, Zhejiang"),
    )
    staffer.send("/stats 本季度")
    assert "2026 Q4" in (await staffer.expect("programme figures"))["text"]


async def test_a_period_not_yet_begun_is_said_to_be_in_the_future(bot: BotHarness):
    """/stats 2027 answered "服务企业：0 家（−100.0%）", which reads as a collapse."""
    await seed(bot)
    staffer = await staff_of(bot, STAFFER, None)
    for command in ("/stats 2027", "/stats 2026-12", "/stats 2027 苏州"):
        staffer.send(command)
        answer = (await staffer.expect("尚未开始"))["text"]
        assert "−100" not in answer and "服务企业" not in answer, answer
    assert not [m for m in staffer.texts() if "助企行成效" in m]


async def test_weeks_and_days_at_stats_begun_running_or_not_begun(bot: BotHarness):
    """/stats 上周, 本周, 昨天, 今天 (and in English) were answered "无法识别": now a week or a day, one still running
    shown so far and compared with the same part of the one before, one not begun answered so."""
    await seed(bot)
    staffer = await staff_of(bot, STAFFER, None)
    await labelled(
        staffer,
        ("助企行成效", "助企行成效图", "无法识别"),
        ("/stats 上周", "2026年11月9日至15日 · 全部地区"),
        ("/stats 本周", "2026年11月16日至22日（截至11月21日） · 全部地区"),
        ("/stats 昨天", "2026年11月20日 · 全部地区"),
        ("/stats 今天", "2026年11月21日（截至11月21日） · 全部地区"),
    )
    for command in ("/stats 下周", "/stats 明天"):
        staffer.send(command)
        answer = (await staffer.expect("尚未开始"))["text"]
        assert "服务企业" not in answer, answer
    await bot.services.users.set_lang(STAFFER, Lang.ENGLISH, chosen=True)
    await labelled(
        staffer,
        ("programme figures", "programme chart", "Cannot read"),
        ("/stats last week", "📊 2026-11-09 to 2026-11-15 · all regions"),
        ("/stats this week", "📊 2026-11-16 to 2026-11-22 (so far, to 21 Nov) · all regions"),
        ("/stats yesterday", "📊 2026-11-20 · all regions"),
        ("/stats today", "📊 2026-11-21 (so far, to 21 Nov) · all regions"),
    )
    staffer.send("/stats next week")
    await staffer.expect("has not begun")


async def test_a_running_period_is_compared_with_the_same_part_of_the_one_before(bot: BotHarness):
    """This year so far (to 21 November) against 2025 to 21 November, not against all of 2025."""
    async with bot.services.db.session() as session:
        factory = Enterprise(name="湖州织造", region_code="330502", industry="17")
        session.add(factory)
        await session.flush()
        for number, resolved in enumerate(
            (
                datetime(2025, 3, 1, 2, tzinfo=UTC),  # the same part of 2025
                datetime(2025, 12, 5, 2, tzinfo=UTC),  # later in 2025 than today is in 2026: not compared
                datetime(2026, 2, 1, 2, tzinfo=UTC),
                datetime(2026, 6, 1, 2, tzinfo=UTC),
            )
        ):
            session.add(
                Demand(
                    ticket=f"ZQ-{resolved.year}-00010{number}",
                    enterprise_id=factory.id,
                    kind=DemandKind.PROBLEM,
                    text="织机断纱",
                    region_code="330502",
                    industry="17",
                    status=DemandStatus.RESOLVED,
                    submitted_at=resolved,
                    resolved_at=resolved,
                )
            )
    staffer = await staff_of(bot, STAFFER, None)
    staffer.send("/stats 今年")
    text = (await staffer.expect("助企行成效"))["text"]
    assert "2026年（截至11月21日）" in text, text
    assert "与2025年同期（截至11月21日）相比" in text, text
    assert "解决难题：2 个（+100.0%）" in text, text  # 2 against 1 (all of 2025 had 2: it would read +0.0%)
    staffer.send("/stats 2025")
    whole = (await staffer.expect("2025年 · 全部地区"))["text"]
    assert "截至" not in whole and "同期" not in whole, whole


def test_a_letter_or_two_is_no_regions_name():
    """ "/stats C" listed twelve cities whose pinyin starts with C."""
    regions = RegionDirectory(read_seed())
    for typed in ("C", "c", "ch", "Zh", "x"):
        named = regions.resolve(typed)
        assert not named.found and not named.candidates, (typed, named)
    assert regions.resolve("Jiangsu").code == "320000"
    assert regions.resolve("Huzhou").code == "330500"
    assert "320400" in regions.resolve("chang").candidates  # Changzhou: a whole syllable typed


def test_an_industry_is_read_by_letter_code_or_name():
    industries = catalogue()
    assert industries.named("C") == industries.named("c") == industries.named("制造业") == "C"
    assert industries.named("Manufacturing") == "C"
    assert industries.named("C34") == industries.named("通用设备制造业") == industries.named("通用設備製造業") == "34"
    for typed in ("U", "C99", "34", "苏州", "me", "机械"):
        assert industries.named(typed) is None, typed


async def test_stats_filters_by_industry_with_period_and_region(bot: BotHarness):
    """/stats C answered "“C”对应多个地区" and twelve cities: a section letter (or a division) is an industry."""
    await seed(bot)  # 2024 H1: 苏州 C34 (one problem, one training), 湖州 C17 (one problem)
    staffer = await staff_of(bot, STAFFER, None)

    async def stats(command: str) -> str:
        staffer.send(command)
        text = (await staffer.expect("助企行成效"))["text"]
        await staffer.expect("助企行成效图")
        return text

    manufacturing = await stats("/stats 2024上半年 C")
    assert "2024年上半年 · 全部地区 · C 制造业" in manufacturing and "服务企业：2 家" in manufacturing, manufacturing
    assert "· C34 通用设备制造业：1 / 1" in manufacturing, manufacturing  # a section breaks down by division
    machinery = await stats("/stats 2024上半年 C34")
    assert "C34 通用设备制造业" in machinery and "服务企业：1 家" in machinery and "培训职工：40 人" in machinery
    assert "服务企业：1 家" in await stats("/stats 通用设备制造业 2024上半年")
    huzhou = await stats("/stats 2024上半年 湖州 C")
    assert "浙江省 湖州市 · C 制造业" in huzhou and "解决难题：1 个" in huzhou, huzhou
    assert "服务企业：0 家" in await stats("/stats 2024上半年 苏州 C17")
    staffer.send("/stats C 2024上半年 X")  # no section X (GB/T 4754 has A to T), and a letter is no region
    assert "对应多个地区" not in (await staffer.expect("无法识别“X”"))["text"]
