"""/import against a hostile tester's files (through the real Application on the fake Bot API, on SQLite and
PostgreSQL): an older preview's button never imports a newer file, and one phone is never imported as two people."""

from __future__ import annotations

import io
from datetime import date, datetime, time

from openpyxl import Workbook
from sqlalchemy import select

from db.models import Competition, Craftsman
from services.importing import CRAFTSMAN_COLUMNS
from services.importing_competitions import COLUMNS as COMPETITION_COLUMNS
from services.local_time import show
from services.talent import Application
from tests.harness import BotHarness
from tests.test_report import staffer
from tests.test_talent import xlsx


def craftsman(name: str, phone: str, workplace: str = "湖州同号机械有限公司", region: str = "330502") -> tuple:
    return (name, workplace, phone, "", "焊接工艺", "C34", region, "", "2", "现场指导")


BAD = craftsman("坏师傅", "12345")


async def names(bot: BotHarness) -> list[tuple[str, str]]:
    async with bot.services.db.session() as session:
        return list((await session.execute(select(Craftsman.name, Craftsman.phone).order_by(Craftsman.id))).all())


async def test_an_older_previews_buttons_never_act_on_the_newer_file(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/import")
    await staff.expect("请发送要导入的")
    older_rows = [craftsman("庚师傅", "13877770001"), craftsman("辛师傅", "13877770002"), BAD]
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, older_rows), "older.xlsx")
    older = await staff.expect("其中 1 行有误")
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [craftsman("子师傅", "13888880001"), BAD, BAD]), "newer.xlsx")
    newer = await staff.expect("其中 2 行有误")

    answer = await staff.answer_to(staff.press("取消", older))  # does not cancel the newer file
    assert "已失效" in (answer.get("text") or ""), answer
    await staff.expect("已失效")  # the old preview says so, its buttons gone
    answer = await staff.answer_to(staff.press("仅导入有效的 2 行", older))  # pressed from a client not yet updated
    assert "已失效" in (answer.get("text") or ""), answer
    assert await names(bot) == [], "the older button imported nothing, the newer file's rows neither"

    staff.press("仅导入有效的 1 行", newer)  # the newer preview still works
    await staff.expect("新增 1 条，更新 0 条，跳过有误的 2 行")
    assert [name for name, _ in await names(bot)] == ["子师傅"]


async def test_one_phone_is_one_person_within_a_file_and_against_the_pool_whatever_its_form(bot: BotHarness):
    staff = await staffer(bot)
    await bot.services.users.register(91, "沈美琴")
    await bot.services.talent.apply(
        91, Application("沈美琴", "湖州某印染厂", "+8613900020002", [], ["印染"], ["17"], "330503", None, 2, ["onsite"])
    )
    rows = [
        craftsman("庚师傅", "13877770001"),
        craftsman("辛师傅", "138 7777 0001"),  # the same phone as row 2, another name
        craftsman("壬师傅", "+8613900020002", "湖州别家有限公司"),  # 沈美琴's phone, as she stored it
        craftsman("癸师傅", "139 0002 0002", "湖州别家有限公司"),  # 沈美琴's phone, typed with spaces
        craftsman("甲师傅", "13877770009"),
    ]
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, rows), "samephone.xlsx")
    report = await staff.expect("其中 3 行有误")
    text = report["text"]
    assert "第 3 行" in text and "第 2 行" in text and "庚师傅" in text, text
    assert "第 4 行" in text and "第 5 行" in text and "沈美琴" in text, text
    staff.press("仅导入有效的 2 行", report)
    await staff.expect("新增 2 条，更新 0 条，跳过有误的 3 行")
    assert [name for name, _ in await names(bot)] == ["沈美琴", "庚师傅", "甲师傅"]

    staff.send("/import")  # her own row, her phone typed plainly: the same natural key, an update
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [craftsman("沈美琴", "13900020002", "湖州某印染厂")]), "again.xlsx")
    await staff.expect("新增 0 条，更新 1 条")
    assert [name for name, _ in await names(bot)] == ["沈美琴", "庚师傅", "甲师傅"]


def competitions_sheet(rows: list[tuple]) -> bytes:
    """A competitions workbook whose datetime values are real Excel date cells: a ``date`` shown as a date alone
    (yyyy-mm-dd), a ``datetime`` with its time."""
    book = Workbook()
    sheet = book.active
    sheet.append(list(COMPETITION_COLUMNS))
    for row in rows:
        sheet.append([datetime.combine(v, time()) if type(v) is date else v for v in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=True):
            if type(value) is date:
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def contest(name: str, deadline: object, start: object, end: object) -> tuple:
    return (name, "C", "330500", "湖州市总工会", deadline, start, end, "湖州技师学院", "", "")


async def test_competition_rows_keep_the_forms_time_rules_and_excel_date_cells_read_as_dates(bot: BotHarness):
    staff = await staffer(bot)
    rows = [
        contest("十年后的竞赛", "", "2036-12-10 09:00", ""),  # the form answers 太远了: two years at most
        contest("倒过来的竞赛", "2026-12-20", "2026-12-10 09:00", "2026-12-09 17:00"),
        contest("Excel日期竞赛", date(2026, 12, 5), datetime(2026, 12, 15, 9), date(2026, 12, 15)),
        contest("过去的竞赛", "2025-01-01", "2025-01-10 09:00", "2025-01-10 17:00"),
    ]
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(competitions_sheet(rows), "comps.xlsx")
    report = await staff.expect("其中 3 行有误")
    lines = {line.split("：", 1)[0]: line for line in report["text"].splitlines() if line.startswith("第 ")}
    assert set(lines) == {"第 2 行", "第 3 行", "第 5 行"}, report["text"]
    assert "太远" in lines["第 2 行"] and "两年" in lines["第 2 行"], lines
    assert "截止" in lines["第 3 行"] and "开始时间" in lines["第 3 行"], lines  # the first rule broken
    assert "已经过去" in lines["第 5 行"], lines
    assert "请重新输入" not in report["text"], "a file's rows are not answered like a chat question"
    staff.press("仅导入有效的 1 行", report)
    await staff.expect("新增 1 条")
    async with bot.services.db.session() as session:
        found = (await session.execute(select(Competition.registration_deadline, Competition.ends_at))).one()
    tz = bot.services.settings.tz
    assert show(found.registration_deadline, tz) == "2026-12-05 23:59"  # a date alone: the end of that day
    assert show(found.ends_at, tz) == "2026-12-15 23:59"


async def sent(staff, sheet: bytes, said: str) -> dict:
    """``sheet`` sent to /import; the preview or result that says ``said``."""
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(sheet, "sheet.xlsx")
    return await staff.expect(said)


async def test_a_craftsmans_name_in_the_other_script_is_the_same_person(bot: BotHarness):
    """The fourth hostile tester: a row 韓建軍 with 韩建军's phone was refused ("这个手机号已属于劳模工匠「韩建军」"),
    the name not compared across scripts. Folded to one script it is the natural key: an update of the stored
    record, under its stored spelling; with another workplace it is the look-alike the staffer corrects."""
    staff = await staffer(bot)
    await bot.services.users.register(92, "韩建军")
    await bot.services.talent.apply(
        92,
        Application("韩建军", "湖州恒锐精工", "+8613900020015", [], ["热处理"], ["34"], "330502", None, 2, ["onsite"]),
    )
    await sent(staff, xlsx(CRAFTSMAN_COLUMNS, [craftsman("韓建軍", "+86 139 0002 0015", "湖州恆銳精工")]), "更新 1 条")
    assert await names(bot) == [("韩建军", "13900020015")]
    async with bot.services.db.session() as session:
        assert await session.scalar(select(Craftsman.workplace)) == "湖州恒锐精工"

    report = await sent(
        staff, xlsx(CRAFTSMAN_COLUMNS, [craftsman("韓建軍", "13900020015", "湖州别家有限公司")]), "有误"
    )
    assert "韩建军" in report["text"] and "已属于" not in report["text"], report["text"]


async def test_an_enterprises_name_in_the_other_script_is_a_lookalike(bot: BotHarness):
    """湖州某鋁業有限公司 under a new credit code is the stored 湖州某铝业有限公司 typed in traditional: reported as the
    likely duplicate (it was added as a second enterprise)."""
    from db.models import Enterprise
    from services.importing import ENTERPRISE_COLUMNS
    from tests.test_trust_enterprise import CODE, IMPORTED, member_company

    staff = await staffer(bot)
    await member_company(bot)  # 湖州某铝业有限公司, CODE
    firm = ("湖州某鋁業有限公司", IMPORTED, "专精特新", "330502", "C32", "李工", "0572-2345678")
    report = await sent(staff, xlsx(ENTERPRISE_COLUMNS, [firm]), "其中 1 行有误")
    assert "湖州某铝业有限公司" in report["text"] and CODE in report["text"], report["text"]
    async with bot.services.db.session() as session:
        assert list((await session.scalars(select(Enterprise.name))).all()) == ["湖州某铝业有限公司"]
