"""/import of a competitions sheet by a city staffer (through the real Application on the fake Bot API): a row
published outside her region (another region's, or nationwide), or one that would update another region's
competition, is reported like any other bad row — its line and why — and the good rows are imported."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from db.models import Competition, Role
from services.importing import read_table
from services.importing_competitions import COLUMNS
from tests.harness import BotHarness
from tests.test_queue_scope import staff
from tests.test_talent import xlsx

CITY, PROVINCE = 641, 642


def competition(name: str, region: str, start: str = "2026-12-10 09:00") -> tuple[str, ...]:
    return (name, "C", region, "某总工会", "2026-12-01 17:00", start, "", "湖州技师学院", "", "")


async def published(bot: BotHarness) -> list[tuple[str, str | None]]:
    async with bot.services.db.session() as session:
        rows = await session.execute(select(Competition.name, Competition.region_code).order_by(Competition.id))
        return list(rows.all())


async def test_a_city_staffers_import_names_each_row_outside_her_region_and_imports_the_good_ones(bot: BotHarness):
    city = await staff(bot, CITY, "330500")  # 湖州市
    city.send("/import")
    await city.expect("请发送要导入的")
    rows = [competition("吴兴区电工竞赛", "330502"), competition("湖州市焊工竞赛", "330500")]
    rows.append(competition("苏州市钳工竞赛", "320500"))
    city.send_document(xlsx(COLUMNS, rows), "competitions.xlsx")
    report = await city.expect("其中 1 行有误")
    assert "第 4 行" in report["text"] and "320500" in report["text"] and "不在您负责的地区" in report["text"]
    assert await published(bot) == [], "nothing imported before the choice"
    city.press("仅导入有效的 2 行", report)
    await city.expect("新增 2 条，更新 0 条，跳过有误的 1 行")
    assert await published(bot) == [("吴兴区电工竞赛", "330502"), ("湖州市焊工竞赛", "330500")]


async def test_a_row_updating_another_regions_or_nationwide_competition_is_reported_not_a_crash(bot: BotHarness):
    await staff(bot, PROVINCE, None)  # no region: every region's
    start = datetime(2026, 12, 10, 1, tzinfo=UTC)  # 09:00 in Beijing
    values = {"name": "苏州市钳工竞赛", "region_code": "320500", "starts_at": start, "place": "苏州"}
    await bot.services.competitions.create(PROVINCE, Role.STAFF, values)
    city = await staff(bot, CITY, "330500")
    city.send("/import")
    await city.expect("请发送要导入的")
    rows = [competition("苏州市钳工竞赛", "330502"), competition("全国焊工竞赛", ""), competition("湖州竞赛", "330500")]
    city.send_document(xlsx(COLUMNS, rows), "competitions.xlsx")
    report = await city.expect("其中 2 行有误")
    assert "第 2 行" in report["text"] and "另一地区" in report["text"], report["text"]
    assert "第 3 行" in report["text"] and "全国" in report["text"], report["text"]
    city.press("仅导入有效的 1 行", report)
    await city.expect("新增 1 条，更新 0 条，跳过有误的 2 行")
    assert await published(bot) == [("苏州市钳工竞赛", "320500"), ("湖州竞赛", "330500")]


async def test_a_row_refused_while_applying_is_skipped_and_reported_not_raised(bot: BotHarness):
    """Checked without the region (or her region changed between the check and the press): the refusal of the row
    when it is published (Refused(OUT_OF_REGION), audited) skips it and names it among the report's errors."""
    await staff(bot, CITY, "330500")
    sheet = xlsx(COLUMNS, [competition("苏州市钳工竞赛", "320500"), competition("湖州市焊工竞赛", "330500")])
    report = bot.services.importer.check(read_table(sheet, "c.xlsx"), {})
    assert len(report.valid) == 2 and report.errors == []
    assert await bot.services.importer.apply(report, CITY, Role.STAFF) == (1, 0)
    assert [(e.row, e.key, e.values) for e in report.errors] == [(2, "import.err.out_of_region", {"value": "320500"})]
    assert await published(bot) == [("湖州市焊工竞赛", "330500")]


async def test_a_city_staffer_imports_craftsmen_and_enterprises_of_her_region_only(bot: BotHarness):
    """Craftsmen and enterprises follow the rule of competitions: a row for another region (a Foshan craftsman by a
    Huzhou staffer), or one that would update another region's record, is reported like any bad row."""
    from db.models import Craftsman, Enterprise
    from services.importing import CRAFTSMAN_COLUMNS, ENTERPRISE_COLUMNS
    from services.talent import Application
    from tests.test_import_integrity import craftsman

    await bot.services.users.register(93, "黄师傅")
    await bot.services.talent.apply(
        93,
        Application(
            "黄师傅", "佛山某电器有限公司", "13800138093", [], ["电机绕组"], ["38"], "440604", None, 3, ["onsite"]
        ),
    )
    city = await staff(bot, CITY, "330500")  # 湖州市
    rows = [
        craftsman("吴兴师傅", "13800138091", "湖州某机械有限公司", "330502"),
        craftsman("佛山师傅", "13800138092", "佛山某陶瓷有限公司", "440605"),
        craftsman("黄师傅", "13800138093", "佛山某电器有限公司", "330502"),  # Foshan's 黄师傅, moved to Huzhou
    ]
    city.send("/import")
    await city.expect("请发送要导入的")
    city.send_document(xlsx(CRAFTSMAN_COLUMNS, rows), "craftsmen.xlsx")
    report = await city.expect("其中 2 行有误")
    assert "第 3 行" in report["text"] and "440605" in report["text"] and "不在您负责的地区" in report["text"]
    assert "第 4 行" in report["text"] and "440604" in report["text"], report["text"]
    city.press("仅导入有效的 1 行", report)
    await city.expect("新增 1 条，更新 0 条，跳过有误的 2 行")
    async with bot.services.db.session() as session:
        stored = (await session.execute(select(Craftsman.name, Craftsman.region_code).order_by(Craftsman.id))).all()
    assert [tuple(r) for r in stored] == [("黄师傅", "440604"), ("吴兴师傅", "330502")]

    city.send("/import")
    await city.expect("请发送要导入的")
    firms = [
        ("湖州某铝业有限公司", "91330100799655058B", "专精特新", "330502", "C32", "李工", "0572-2345678"),
        ("佛山某陶瓷有限公司", "91440605MA4UQ4XW13", "中小微", "440605", "C30", "", ""),
    ]
    city.send_document(xlsx(ENTERPRISE_COLUMNS, firms), "enterprises.xlsx")
    report = await city.expect("其中 1 行有误")
    assert "第 3 行" in report["text"] and "440605" in report["text"], report["text"]
    city.press("仅导入有效的 1 行", report)
    await city.expect("新增 1 条")
    async with bot.services.db.session() as session:
        assert (await session.scalars(select(Enterprise.name))).all() == ["湖州某铝业有限公司"]
