"""Spreadsheets as staff make them (a hostile tester's files, rebuilt): merged cells, a title above the header, an
instructions sheet first, traditional headers, formulas saved without their values. Read by the same reader and
checks /import uses; one upload through the real Application on the fake Bot API."""

from __future__ import annotations

import io

from openpyxl import Workbook

from services.importing import CRAFTSMAN_COLUMNS
from services.tables import read_table
from tests.harness import BotHarness
from tests.test_import_integrity import craftsman, names
from tests.test_report import staffer

TRADITIONAL = (
    "姓名",
    "工作單位",
    "手機",
    "榮譽",
    "技術專長",
    "行業代碼",
    "地區代碼",
    "服務隊",
    "最多同時服務",
    "服務方式",
)


def saved(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def check(bot: BotHarness, content: bytes):
    return bot.services.importer.check(read_table(content, "x.xlsx"), {})


async def test_a_merged_cell_holds_its_value_for_every_row_it_spans(bot: BotHarness):
    book = Workbook()
    sheet = book.active
    sheet.append(list(CRAFTSMAN_COLUMNS))
    sheet.append(list(craftsman("甲师傅", "13833330001", "湖州合并机械有限公司")))
    sheet.append(list(craftsman("乙师傅", "13833330002", "")))
    sheet.merge_cells("B2:B3")
    report = check(bot, saved(book))
    assert report.errors == [] and [(r["name"], r["workplace"]) for r in report.valid] == [
        ("甲师傅", "湖州合并机械有限公司"),
        ("乙师傅", "湖州合并机械有限公司"),
    ]


async def test_the_header_may_follow_title_rows_and_an_instructions_sheet(bot: BotHarness):
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["请在第二个工作表填写"])
    sheet = book.create_sheet("数据")
    sheet.append(["湖州市劳模工匠名单（2026年）"])
    sheet.append(["填表单位：湖州市总工会"])
    sheet.append(list(CRAFTSMAN_COLUMNS))
    sheet.append(list(craftsman("己师傅", "13855550001")))
    sheet.append(list(craftsman("坏师傅", "12345")))
    report = check(bot, saved(book))
    assert report.kind == "craftsmen" and report.total == 2
    assert [r["name"] for r in report.valid] == ["己师傅"]
    assert [e.row for e in report.errors] == [5], "rows keep the spreadsheet's numbers"


async def test_a_formula_saved_without_its_value_is_named_not_called_empty(bot: BotHarness):
    book = Workbook()
    sheet = book.active
    sheet.append(list(CRAFTSMAN_COLUMNS))
    sheet.append(['=CONCATENATE("公式","师傅")', *craftsman("x", "13800000001")[1:]])
    report = check(bot, saved(book))  # openpyxl, like some generators, saves formulas without a cached value
    assert [(e.row, e.key, e.values["cell"]) for e in report.errors] == [(2, "import.err.formula", "A2")]


async def test_traditional_headers_and_labels_import_for_a_traditional_chinese_staffer(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/import")
    await staff.expect("请发送要导入的")
    book = Workbook()
    book.active.append([" 姓名 ", *TRADITIONAL[1:]])
    book.active.append(
        ["巳師傅", "湖州繁體機械有限公司", "13800990002", "省級工匠", "焊接工藝", "C34", "330502", "", "2", "現場指導"]
    )
    staff.send_document(saved(book), "trad.xlsx")
    await staff.expect("新增 1 条")
    assert [name for name, _ in await names(bot)] == ["巳師傅"]
