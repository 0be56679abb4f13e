"""Bulk import for staff: craftsmen and enterprises from Excel (.xlsx) or CSV, and the templates.

The file format (column headers and the vocabulary of their values) is defined here and documented in
docs/pools.md. Every row is validated; a rejected row comes back with its number and a message key saying why. Imports
are upserts on the natural key — name + workplace + phone for craftsmen, the credit code for enterprises — so
re-importing a file updates rather than duplicates.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from db.database import Database
from db.models import Craftsman, CraftsmanStatus, EnterpriseKind, Role
from nlp.industry import catalogue
from services.enterprises import Enterprises
from services.ids import parse_count
from services.import_columns import HEADER_ROWS, MARKS, header_name, header_row, label
from services.import_lookalikes import lookalikes, phone_clashes, phone_key
from services.importing_competitions import COLUMNS as COMPETITION_COLUMNS
from services.importing_competitions import EXAMPLE as COMPETITION_EXAMPLE
from services.importing_competitions import CompetitionRows
from services.importing_scope import outside
from services.spreadsheets import append_row
from services.tables import FileRejected, Table, read_table  # noqa: F401 - read_table: the table readers' one name
from services.talent import HONOURS, MAX_SPECIALITIES, MAX_SPECIALITY, Application, fill_craftsman
from services.validation import Invalid, credit_code, phone

APPLY_BATCH = 200  # rows written in one transaction
SPLIT = re.compile(r"[;；、,，\n]+")
DIVISION = re.compile(r"^([A-Ta-t])?(\d{2})$")

CRAFTSMAN_COLUMNS = (
    "姓名",
    "工作单位",
    "手机",
    "荣誉",
    "技术专长",
    "行业代码",
    "地区代码",
    "服务队",
    "最多同时服务",
    "服务方式",
)
ENTERPRISE_COLUMNS = ("企业名称", "统一社会信用代码", "企业类型", "地区代码", "行业代码", "联系人", "电话")
HONOUR_LABELS = dict(
    zip(
        ("全国劳模", "省部级劳模", "大国工匠", "省级工匠", "市级工匠", "五一劳动奖章", "技能大师工作室领办人", "其他"),
        HONOURS,
        strict=True,
    )
)
MODE_LABELS = {"现场指导": "onsite", "远程指导": "remote", "技能培训": "training", "联合攻关": "joint"}
KIND_LABELS = {"专精特新": EnterpriseKind.SPECIALISED, "中小微": EnterpriseKind.SME, "其他": EnterpriseKind.OTHER}
EXAMPLES = {
    "craftsmen": (
        "张师傅（示例）",
        "湖州某机械有限公司",
        "13800138000",
        "省级工匠；五一劳动奖章",
        "数控机床调试；热处理工艺",
        "C34",
        "330502",
        "",
        "3",
        "现场指导；远程指导",
    ),
    "enterprises": (
        "湖州某铝业有限公司（示例）",
        "91330100799655058B",
        "专精特新",
        "330502",
        "C32",
        "李工",
        "0572-2345678",
    ),
    "competitions": COMPETITION_EXAMPLE,
}
COLUMNS = {"craftsmen": CRAFTSMAN_COLUMNS, "enterprises": ENTERPRISE_COLUMNS, "competitions": COMPETITION_COLUMNS}
SHEET_TITLES = {"craftsmen": "劳模工匠", "enterprises": "企业", "competitions": "技能竞赛"}


@dataclass
class RowError:
    row: int  # as the staffer sees it in the spreadsheet (header = row 1)
    key: str  # message key: import.err.*
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class ImportReport:
    kind: str  # craftsmen | enterprises | competitions
    total: int
    valid: list[dict[str, Any]]
    errors: list[RowError]
    rows: list[int] = field(default_factory=list)  # the spreadsheet's number of each valid row


def parse_division(text: str) -> str | None:
    """ "C32", "c32" or "32" → "32" when it is a GB/T 4754-2017 division (and the letter is its section)."""
    match = DIVISION.match(text.strip())
    if not match:
        return None
    letter, code = match.groups()
    division = catalogue().divisions.get(code)
    if division is None or (letter and letter.upper() != division.section):
        return None
    return code


def _items(text: str) -> list[str]:
    return [part.strip() for part in SPLIT.split(text) if part.strip()]


def _labelled(cells: dict[str, str], column: str, labels: dict[str, str]) -> list[str]:
    """The items of ``column``, each as the value its label stands for; a label not in ``labels`` is the row's error."""
    values = []
    for item in _items(cells[column]):
        if label(item) not in labels:
            raise RowErrorSignal("import.err.unknown_value", column=column, value=item, allowed="、".join(labels))
        values.append(labels[label(item)])
    return values


class Importer:
    def __init__(
        self,
        db: Database,
        enterprises: Enterprises,
        region_exists: Callable[[str], bool],
        suggest_divisions: Callable[[list[str]], list[str]],
        competitions: CompetitionRows,
    ) -> None:
        self.db, self.enterprises, self.competitions = db, enterprises, competitions
        self.region_exists, self.suggest_divisions = region_exists, suggest_divisions
        self.changed: Callable[[], object] = lambda: None  # the talent pool changed (the matcher listens)

    # ------------------------------------------------------------------ validating
    def check(self, rows: Table | list[list[str]], teams: dict[str, int]) -> ImportReport:
        """Validate every row; ``teams`` maps service-team names to ids. A row whose cell the reader could not take
        (``rows.faults``) is rejected with that reason; rows keep the spreadsheet's own numbers."""
        if not isinstance(rows, Table):
            rows = Table(rows)
        if not rows:
            raise FileRejected("import.empty")
        start = header_row(rows)
        if start is None:
            raise FileRejected("import.no_header", rows=HEADER_ROWS)
        header = [header_name(cell) for cell in rows[start]]
        kind = next(kind for mark, kind in MARKS.items() if mark in header)
        columns, validate = (
            COLUMNS[kind],
            {
                "craftsmen": self._craftsman,
                "enterprises": self._enterprise,
                "competitions": self._competition,
            }[kind],
        )
        missing = [c for c in columns if c not in header]
        if missing:
            raise FileRejected("import.missing_columns", columns="、".join(missing))
        index = {name: header.index(name) for name in columns}
        valid, errors, numbers = [], [], []
        seen: dict[Hashable, int] = {}  # a record's key -> the row that had it first
        for number, row in zip(rows.numbers[start + 1 :], rows[start + 1 :], strict=True):
            if number in rows.faults:
                key, values = rows.faults[number]
                errors.append(RowError(number, key, values))
                continue
            cells = {name: (row[i] if i < len(row) else "") for name, i in index.items()}
            try:
                record = validate(cells, teams)
            except RowErrorSignal as signal:
                errors.append(RowError(number, signal.key, signal.values))
                continue
            key = record.pop("_key")
            if key in seen:
                errors.append(RowError(number, "import.err.duplicate", {"first": seen[key]}))
                continue
            seen[key] = number
            valid.append(record)
            numbers.append(number)
        return ImportReport(kind, len(rows) - start - 1, valid, errors, numbers)

    def _craftsman(self, cells: dict[str, str], teams: dict[str, int]) -> dict[str, Any]:
        name, workplace = _required(cells, "姓名", 64), _required(cells, "工作单位", 128)
        number = _phone(cells["手机"], "手机")
        honours = _labelled(cells, "荣誉", HONOUR_LABELS)
        specialities = _items(cells["技术专长"])
        if not specialities:
            raise RowErrorSignal("import.err.required", column="技术专长")
        if len(specialities) > MAX_SPECIALITIES or any(len(s) > MAX_SPECIALITY for s in specialities):
            raise RowErrorSignal("import.err.specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY)
        divisions = _divisions(cells["行业代码"]) or self.suggest_divisions(specialities)
        region = _region(cells["地区代码"], self.region_exists, required=True)
        team = cells["服务队"]
        if team and team not in teams:
            raise RowErrorSignal("import.err.unknown_team", value=team)
        capacity = 3
        if cells["最多同时服务"]:
            # ASCII digits only, never more than 20 has: float("9" * 400) is inf and "²".isdigit() is True
            typed = parse_count(cells["最多同时服务"].removesuffix(".0"), 1, 20)
            if typed is None:
                raise RowErrorSignal("import.err.capacity", value=cells["最多同时服务"])
            capacity = typed
        modes = _labelled(cells, "服务方式", MODE_LABELS)
        return {
            "_key": (name, workplace, number),
            "name": name,
            "workplace": workplace,
            "phone": number,
            "honours": honours,
            "specialities": specialities,
            "divisions": divisions,
            "region_code": region,
            "team_id": teams.get(team) if team else None,
            "capacity": capacity,
            "service_modes": modes or ["onsite"],
        }

    def _enterprise(self, cells: dict[str, str], teams: dict[str, int]) -> dict[str, Any]:
        name = _required(cells, "企业名称", 128)
        raw_code = _required(cells, "统一社会信用代码", 40)
        try:
            code = credit_code(raw_code)
        except Invalid as exc:
            raise RowErrorSignal(exc.key, **exc.values) from None
        kind = label(cells["企业类型"]) or "其他"
        if kind not in KIND_LABELS:
            raise RowErrorSignal(
                "import.err.unknown_value", column="企业类型", value=kind, allowed="、".join(KIND_LABELS)
            )
        divisions = _divisions(cells["行业代码"])
        return {
            "_key": code,
            "name": name,
            "credit_code": code,
            "kind": KIND_LABELS[kind],
            "region_code": _region(cells["地区代码"], self.region_exists, required=False),
            "industry": divisions[0] if divisions else None,
            "contact_name": cells["联系人"][:64] or None,
            "phone": _phone(cells["电话"], "电话") if cells["电话"] else None,
        }

    def _competition(self, cells: dict[str, str], teams: dict[str, int]) -> dict[str, Any]:
        _required(cells, "竞赛名称", 100)
        _required(cells, "开始时间", 40)
        return self.competitions.validate(cells, RowErrorSignal)

    async def review(
        self, rows: Table | list[list[str]], teams: dict[str, int], actor: int | None = None
    ) -> ImportReport:
        """:meth:`check` (in a worker thread: a big file never holds the event loop), then the rows that look
        like a record already in the pools reported as errors (:func:`services.import_lookalikes.lookalikes`)
        instead of being added as a second, look-alike record; and for ``actor``, the rows outside her region
        (:meth:`CompetitionRows.outside`, :func:`services.importing_scope.outside`)."""
        report = await asyncio.to_thread(self.check, rows, teams)
        _reject(report, await lookalikes(self.db, report.kind, report.valid))
        if report.kind == "craftsmen":
            _reject(report, phone_clashes(report.valid, report.rows))
        if report.kind == "competitions" and actor is not None:
            _reject(report, await self.competitions.outside(actor, report.valid))
        elif actor is not None:
            events = self.competitions.competitions  # its regions and audit log: the one directory and log
            _reject(report, await outside(self.db, events.regions, events.audit, actor, report.kind, report.valid))
        return report

    # ------------------------------------------------------------------ applying
    async def apply(self, report: ImportReport, actor: int | None = None, role: Role | None = None) -> tuple[int, int]:
        """Upsert the valid rows; (inserted, updated). Competitions are published as ``actor``. Rows are written
        ``APPLY_BATCH`` to a transaction, so a big file never holds SQLite's one writer for long (other users' steps
        wait for it); a crash between batches is harmless, as importing the file again updates what was written."""
        if report.kind == "competitions":
            assert actor is not None  # competitions are published by someone: the staffer who sent the file
            refused: list[int] = []
            done = await self.competitions.apply(report.valid, actor, role, refused)
            _reject(
                report,
                {i: ("import.err.out_of_region", {"value": report.valid[i]["region_code"] or "—"}) for i in refused},
            )
            return done
        inserted = updated = 0
        for start in range(0, len(report.valid), APPLY_BATCH):
            batch = report.valid[start : start + APPLY_BATCH]
            added, changed = await (
                self.enterprises.upsert_by_credit_code(batch)
                if report.kind == "enterprises"
                else self._upsert_craftsmen(batch)
            )
            inserted, updated = inserted + added, updated + changed
        if report.kind == "craftsmen":
            self.changed()
        return inserted, updated

    async def _upsert_craftsmen(self, rows: list[dict[str, Any]]) -> tuple[int, int]:
        inserted = updated = 0
        async with self.db.session() as session:
            for row in rows:
                namesakes = await session.scalars(
                    select(Craftsman).where(Craftsman.name == row["name"], Craftsman.workplace == row["workplace"])
                )  # the natural key; the phone compared as the normaliser writes it, whatever form it was stored in
                existing = next((c for c in namesakes if phone_key(c.phone) == row["phone"]), None)
                c = existing or Craftsman(status=CraftsmanStatus.APPROVED)
                fill_craftsman(c, Application(**row))
                if existing is None:
                    session.add(c)
                    inserted += 1
                else:
                    updated += 1
        return inserted, updated


def _reject(report: ImportReport, found: dict[int, tuple[str, dict[str, Any]]]) -> None:
    """Move the valid rows ``found`` names (by index, with their error key and values) to the report's errors."""
    if not found:
        return
    report.errors = sorted(
        [*report.errors, *(RowError(report.rows[i], key, values) for i, (key, values) in found.items())],
        key=lambda error: error.row,
    )
    report.valid = [row for i, row in enumerate(report.valid) if i not in found]
    report.rows = [number for i, number in enumerate(report.rows) if i not in found]


class RowErrorSignal(Exception):
    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, values


def _required(cells: dict[str, str], column: str, max_length: int) -> str:
    value = cells[column]
    if not value:
        raise RowErrorSignal("import.err.required", column=column)
    if len(value) > max_length:
        raise RowErrorSignal("import.err.too_long", column=column, max=max_length)
    return value


def _phone(value: str, column: str) -> str:
    try:
        return phone(value.removesuffix(".0"))
    except Invalid:
        raise RowErrorSignal("import.err.phone", column=column, value=value) from None


def _divisions(text: str) -> list[str]:
    codes = []
    for item in _items(text):
        code = parse_division(item)
        if code is None:
            raise RowErrorSignal("import.err.division", value=item)
        codes.append(code)
    return list(dict.fromkeys(codes))


def _region(text: str, exists: Callable[[str], bool], required: bool) -> str | None:
    value = text.removesuffix(".0").strip()
    if not value:
        if required:
            raise RowErrorSignal("import.err.required", column="地区代码")
        return None
    if not exists(value):
        raise RowErrorSignal("import.err.region", value=value)
    return value


def template(kind: str) -> bytes:
    """The import template for ``kind`` (craftsmen | enterprises | competitions): the header and one example row."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = SHEET_TITLES[kind]
    append_row(sheet, COLUMNS[kind])
    append_row(sheet, EXAMPLES[kind])
    for column in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
