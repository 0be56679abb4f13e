"""Statistics and export: the programme's figures for a period and region (with the period before), the chart's
Chinese labels drawn from a font that has the glyphs, a craftsman's own record, and the Excel workbook."""

from __future__ import annotations

import io
import warnings
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from db.models import (
    Craftsman,
    CraftsmanIndustry,
    Demand,
    DemandKind,
    DemandStatus,
    Enterprise,
    Feedback,
    Match,
    MatchStatus,
    Role,
)
from services.charts import bar_chart, font_path, missing_glyphs
from services.periods import HALF, MONTH, QUARTER, YEAR, Period, parse_period
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_scope import staff as staff_of

STAFFER, CRAFTSMAN_USER = 81, 60


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def seed(bot: BotHarness) -> None:
    """Two enterprises (苏州 and 湖州), four resolved demands (three in 2024 H1, one in 2023 H2), a craftsman with two
    accepted services, two ratings."""
    await worker(bot, CRAFTSMAN_USER, "320505", "陆国强")
    await bot.services.users.set_role(CRAFTSMAN_USER, Role.CRAFTSMAN)
    async with bot.services.db.session() as session:
        suzhou = Enterprise(name="苏州精工", region_code="320505", industry="34")
        huzhou = Enterprise(name='=HYPERLINK("x")湖州纺织', region_code="330502", industry="17")
        craftsman = Craftsman(
            user_id=CRAFTSMAN_USER,
            name="陆国强",
            workplace="苏州某精密机械公司",
            region_code="320505",
            specialities=["数控机床调试"],
            honours=["great_craftsman"],
            service_modes=["onsite"],
            industries=[CraftsmanIndustry(division="34")],
        )
        session.add_all([suzhou, huzhou, craftsman])
        await session.flush()

        def demand(ticket, enterprise, kind, region, industry, resolved, trained=None, benefit=None):
            return Demand(
                ticket=ticket,
                enterprise_id=enterprise.id,
                kind=kind,
                text="主轴异响",
                region_code=region,
                industry=industry,
                status=DemandStatus.RESOLVED,
                submitted_at=resolved,
                resolved_at=resolved,
                workers_trained=trained,
                economic_benefit=benefit,
            )

        demands = [
            demand(
                "ZQ-2024-000001", suzhou, DemandKind.PROBLEM, "320505", "34", utc(2024, 3, 10, 2), 10, Decimal(50000)
            ),
            demand("ZQ-2024-000002", suzhou, DemandKind.TRAINING, "320505", "34", utc(2024, 4, 2, 2), 30),
            demand(
                "ZQ-2024-000003", huzhou, DemandKind.PROBLEM, "330502", "17", utc(2024, 5, 20, 2), None, Decimal(1000)
            ),
            demand("ZQ-2023-000009", huzhou, DemandKind.PROBLEM, "330502", "17", utc(2023, 9, 1, 2)),
        ]
        session.add_all(demands)
        await session.flush()
        session.add_all(
            [
                Match(
                    demand_id=demands[0].id,
                    craftsman_id=craftsman.id,
                    status=MatchStatus.ACCEPTED,
                    score=0.9,
                    decided_at=utc(2024, 3, 1),
                ),
                Match(
                    demand_id=demands[1].id,
                    craftsman_id=craftsman.id,
                    status=MatchStatus.ACCEPTED,
                    score=0.8,
                    decided_at=utc(2024, 3, 20),
                ),
                Feedback(demand_id=demands[0].id, from_role="enterprise", stars=5, created_at=utc(2024, 3, 12)),
                Feedback(
                    demand_id=demands[1].id, from_role="enterprise", stars=3, comment="一般", created_at=utc(2024, 4, 5)
                ),
            ]
        )


def test_periods_as_staff_type_them():
    today = date(2026, 11, 21)
    assert parse_period("2024上半年", today) == Period(HALF, date(2024, 1, 1), date(2024, 7, 1))
    assert parse_period("2024H2", today) == Period(HALF, date(2024, 7, 1), date(2025, 1, 1))
    assert parse_period("2024Q3", today) == parse_period("2024年第3季度", today) == Period.of(QUARTER, 2024, 3)
    assert parse_period("2024-03", today) == parse_period("2024年3月", today) == Period.of(MONTH, 2024, 3)
    assert parse_period("2024", today) == Period.of(YEAR, 2024)
    assert parse_period("上月", today) == Period.of(MONTH, 2026, 10)
    assert parse_period("本季度", today).previous() == Period.of(QUARTER, 2026, 3)
    assert Period.of(MONTH, 2024, 1).previous() == Period.of(MONTH, 2023, 12)
    assert Period.of(HALF, 2024, 1).previous().label("zh-hans") == "2023年下半年"
    for text in ("苏州市", "2024-13", "1999", "me"):
        assert parse_period(text, today) is None


async def test_figures_by_period_region_month_and_industry_with_the_period_before(db_url: str):
    async with BotHarness(db_url) as bot:
        await figures_are_right(bot)


async def figures_are_right(bot: BotHarness) -> None:
    await seed(bot)
    stats = bot.services.statistics
    report = await stats.report(STAFFER, Role.STAFF, Period.of(HALF, 2024, 1))
    total = report.total
    assert (total.enterprises, total.problems, total.workers_trained, total.benefit) == (2, 2, 40, Decimal(51000))
    assert (total.participations, total.ratings, total.satisfaction) == (2, 2, 0.5)
    assert (report.previous.enterprises, report.previous.problems) == (1, 1)
    assert [m for m, f in report.by_month.items() if f.problems] == ["2024-03", "2024-05"]
    assert report.by_region["320500"].problems == 1 and report.by_region["330500"].problems == 1
    assert report.by_industry["C"].enterprises == 2
    suzhou = await stats.report(STAFFER, Role.STAFF, Period.of(HALF, 2024, 1), "320500")
    assert (suzhou.total.enterprises, suzhou.total.problems, suzhou.total.workers_trained) == (1, 1, 40)
    assert list(suzhou.by_region) == ["320505"]  # a city breaks down by county


def test_the_chart_draws_chinese_labels_from_a_font_that_has_the_glyphs():
    labels = [
        "2024年上半年 各月成效 · 江苏省 苏州市",
        "解决难题",
        "服务企业",
        "各地区解决难题",
        "苏州市",
        "湖州市",
        "1月",
        "繁體：蘇州",
    ]
    assert missing_glyphs(labels) == set()
    assert missing_glyphs(["🦄"]) == {"🦄"}  # the check can fail
    from matplotlib import font_manager

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)" for any label it cannot draw
        png = bar_chart(
            labels[0],
            ["1月", "2月"],
            {labels[1]: [3, 1], labels[2]: [2, 1]},
            labels[3],
            {labels[4]: 3, labels[5]: 1, labels[7]: 0},
        )
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    import matplotlib

    used = font_manager.findfont(font_manager.FontProperties(family=matplotlib.rcParams["font.sans-serif"]))
    assert used == str(font_path())


async def test_staff_stats_command_sends_figures_and_a_chart(bot: BotHarness):
    await seed(bot)
    staff = await worker(bot, STAFFER, "320500", "小李")
    await bot.services.users.set_staff(STAFFER, True)
    staff.send("/stats 2024上半年 全部")  # every region (by default a staffer reads their own: the next test)
    text = (await staff.expect("助企行成效"))["text"]
    for line in (
        "2024年上半年 · 全部地区",
        "服务企业：2 家（+100.0%）",
        "解决难题：2 个（+100.0%）",
        "培训职工：40 人",
        "经济效益：5.1 万元",
        "劳模工匠参与：2 人次",
        "满意率：50.0%（2 条评价）",
        "· 苏州市：1 / 1",
    ):
        assert line in text, line
    photo = await staff.expect("助企行成效图")
    content = bot.api.world.files[photo["photo"][0]["file_id"]].content
    assert content.startswith(b"\x89PNG")
    assert "括号内为与2023年下半年相比" in text  # changes are shown, so the note says what they compare
    staff.send("/stats 2024-03 苏州")
    march = (await staff.expect("助企行成效"))["text"]
    assert "2024年3月 · 江苏省 苏州市" in march
    assert "（+" not in march and "括号内为" not in march  # nothing to compare with: no note about brackets
    staff.send("/stats 火星")
    await staff.expect("无法识别“火星”")


async def test_a_city_staffer_reads_their_own_regions_figures_unless_asking_for_all(bot: BotHarness):
    """A union's staffer works on their own region: /stats without a region gives that region's figures (a 湖州
    staffer does not see 苏州's services counted as theirs); 全部 (or 全国, all) gives every region's, and a named
    region that one."""
    await seed(bot)
    staff = await worker(bot, STAFFER, "330500", "小沈")
    await bot.services.users.set_staff(STAFFER, True)

    async def stats(command: str) -> str:
        staff.send(command)
        text = (await staff.expect("助企行成效"))["text"]
        await staff.expect("助企行成效图")  # the chart
        return text

    own = await stats("/stats 2024上半年")
    assert "2024年上半年 · 浙江省 湖州市" in own and "服务企业：1 家" in own, own
    every = await stats("/stats 2024上半年 全国")
    assert "2024年上半年 · 全部地区" in every and "服务企业：2 家" in every, every
    assert "全部地区" in await stats("/stats 2024上半年 all")
    assert "江苏省 苏州市" in await stats("/stats 2024上半年 苏州")


async def test_a_region_name_several_places_share_is_asked_about_never_guessed(bot: BotHarness):
    """ "/stats 朝阳" (four places: 辽宁 朝阳市 and its 朝阳县, 北京 and 长春 朝阳区) or "/stats 鼓楼" lists the places with
    their codes instead of reporting on the first; a code, or a staffer whose own region holds just one of them,
    gets that one. A city and its namesake county (南昌市, 南昌县) is the city."""
    await seed(bot)
    national = await staff_of(bot, STAFFER, None)
    national.send("/stats 2024上半年 朝阳")
    ask = (await national.expect("对应多个地区"))["text"]
    for line in ("北京市 朝阳区（110105）", "吉林省 长春市 朝阳区（220104）", "辽宁省 朝阳市（211300）"):
        assert line in ask, ask
    assert not [m for m in national.texts() if "助企行成效" in m], "no figures for a place nobody chose"
    national.send("/stats 2024上半年 鼓楼")
    assert "江苏省 南京市 鼓楼区（320106）" in (await national.expect("“鼓楼”对应多个地区"))["text"]
    national.send("/stats 2024上半年 110105")
    assert "2024年上半年 · 北京市 朝阳区" in (await national.expect("助企行成效"))["text"]
    national.send("/stats 2024上半年 南昌")
    assert "2024年上半年 · 江西省 南昌市" in (await national.expect("江西省 南昌市"))["text"]

    changchun = await staff_of(bot, STAFFER + 1, "220100")
    changchun.send("/stats 2024上半年 朝阳")
    assert "2024年上半年 · 吉林省 长春市 朝阳区" in (await changchun.expect("助企行成效"))["text"]


async def test_craftsman_sees_own_record_and_workers_are_refused(bot: BotHarness):
    await seed(bot)
    craftsman = bot.user(CRAFTSMAN_USER)
    craftsman.send("/stats me")
    record = (await craftsman.expect("服务记录"))["text"]
    for line in (
        "参与服务：2 次",
        "已办结：2 件",
        "服务企业：1 家",
        "培训职工：40 人",
        "经济效益：5.0 万元",
        "平均 4.0 星",
    ):
        assert line in record, line
    user = await worker(bot, 91, "330502")
    for command in ("/stats me", "/stats", "/export"):
        user.send(command)
        await user.expect("只有")


async def test_export_workbook_opens_with_the_expected_rows(db_url: str):
    async with BotHarness(db_url) as bot:
        await export_is_right(bot)


async def export_is_right(bot: BotHarness) -> None:
    await seed(bot)
    staff = await staff_of(bot, STAFFER, None)  # every region (a city staffer: test_region_limits.py)
    staff.send("/export")
    document = await staff.expect("数据导出")
    assert document["document"]["file_name"].endswith(".xlsx")
    book = load_workbook(io.BytesIO(bot.api.world.files[document["document"]["file_id"]].content))
    assert book.sheetnames == ["需求库", "人才库", "匹配与服务记录", "评价", "统计"]
    demands = list(book["需求库"].iter_rows(values_only=True))
    assert demands[0][:4] == ("工单号", "类型", "状态", "企业")
    assert [row[0] for row in demands[1:]] == ["ZQ-2024-000001", "ZQ-2024-000002", "ZQ-2024-000003", "ZQ-2023-000009"]
    first = demands[1]
    assert first[1] == "技术难题" and first[2] == "已解决" and first[6] == "江苏省 苏州市 虎丘区"
    assert first[15] == datetime(2024, 3, 10, 10, 0)  # 02:00 UTC is 10:00 in Shanghai
    assert demands[3][3] == '=HYPERLINK("x")湖州纺织' and book["需求库"]["D4"].data_type == "s"
    talent = list(book["人才库"].iter_rows(values_only=True))
    assert talent[1][1] == "陆国强" and talent[1][10] == "已入库"
    matches = list(book["匹配与服务记录"].iter_rows(values_only=True))
    assert len(matches) == 3 and matches[1][4] == "已接受"
    feedback = list(book["评价"].iter_rows(values_only=True))
    assert [row[2] for row in feedback[1:]] == [5, 3] and feedback[1][1] == "企业"
    statistics = list(book["统计"].iter_rows(values_only=True))
    assert statistics[0][0] == "月份" and statistics[-1][0] == "2026"  # this year by month, then the total


@pytest.mark.parametrize("lang, sheet", [("zh-hant", "需求庫"), ("en", "Demand pool")])
async def test_export_speaks_the_staffers_language(bot: BotHarness, lang: str, sheet: str):
    from db.models import Lang

    staff = await worker(bot, STAFFER, "320500", "小李")
    await bot.services.users.set_staff(STAFFER, True)
    await bot.services.users.set_lang(STAFFER, Lang(lang), chosen=True)  # picked in /settings
    staff.send("/export")
    await bot.wait_handled()
    document = next(e["message"] for e in staff.events() if e["message"].get("document"))
    book = load_workbook(io.BytesIO(bot.api.world.files[document["document"]["file_id"]].content))
    assert book.sheetnames[0] == sheet


async def test_export_survives_control_characters_and_keeps_formula_text_as_text(bot: BotHarness):
    """A control character in any stored text made /export fail for every staffer (openpyxl IllegalCharacterError);
    text that looks like a formula is kept as text, with Excel's quote prefix."""
    from sqlalchemy import select

    await seed(bot)
    async with bot.services.db.session() as session:
        demand = (await session.scalars(select(Demand).order_by(Demand.id))).first()
        demand.text = "主轴\x07异响\x1b[0m，\x0b停机"
        demand.contact_name = "+李工"
    staff = await staff_of(bot, STAFFER, None)  # every region (a city staffer: test_region_limits.py)
    staff.send("/export")
    document = await staff.expect("数据导出")
    book = load_workbook(io.BytesIO(bot.api.world.files[document["document"]["file_id"]].content))
    sheet = book["需求库"]
    assert sheet["N2"].value == "主轴异响[0m，停机"
    assert sheet["E2"].value == "+李工" and sheet["E2"].data_type == "s" and sheet["E2"].quotePrefix
    assert sheet["D4"].value == '=HYPERLINK("x")湖州纺织' and sheet["D4"].data_type == "s" and sheet["D4"].quotePrefix
