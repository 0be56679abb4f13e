"""Reading a table a staffer uploads to /import (.xlsx or .csv) without letting the file hurt the bot.

Files come from outside, so nothing in them is trusted:
- size: the upload is refused by its declared size before it is downloaded (``MAX_BYTES``); an .xlsx (a zip) is
  refused when its members' declared uncompressed sizes add up past ``MAX_UNZIPPED`` or a member inflates more
  than ``MAX_RATIO`` times (Apache POI's ZipSecureFile rule) — before openpyxl opens it. zipfile never inflates a
  member past its declared size, so the declared sizes bound what is read;
- shape: the sheet's ``<dimension>`` is never used (a 1.7 KB workbook claiming A1:XFD1048576 made openpyxl's
  read-only rows pad every row to 16,384 cells and a million rows); only the cells present in the file are read,
  row by row, and reading stops at ``MAX_ROWS`` data rows or at a real (non-empty) cell past ``MAX_COLUMNS``;
- content: a cell holding NUL (PostgreSQL refuses it), another control character, or more than ``MAX_CELL``
  characters (a CSV field beyond the csv module's limit: usually an unmatched quote) rejects its row, naming the
  row and the cell;
- time and memory: parsing runs in a child process (``python -m services.tables``) with an address-space limit
  and a CPU-time limit, and the bot waits for it without blocking: other users are answered meanwhile, and a parse
  past ``BUDGET_SECONDS`` is killed and answered as such. A thread could not be stopped, and a parser's memory
  could not be bounded in the bot's own process. The child sends its result back as JSON, never pickle.

Row numbers are the spreadsheet's own (header and blank rows counted), as the staffer sees them.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import sys
import zipfile
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from datetime import datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_datetime
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from i18n import shown
from services.import_columns import HEADER_ROWS, header_row
from services.spreadsheets import CONTROL

MAX_BYTES = 10 * 1024 * 1024
MAX_UNZIPPED = 50 * 1024 * 1024
MAX_RATIO, RATIO_FROM = 100, 100 * 1024  # Apache POI's defaults: a member over 100 KB may inflate at most 100×
MAX_ROWS = 5000  # data rows (blank rows are not counted, but they are numbered)
MAX_COLUMNS = 50
MAX_CELL = 5000  # characters in one cell
MAX_TEXT = 20_000_000  # characters in the whole table (one long shared string may be used by every cell)
BUDGET_SECONDS = 20.0
MEMORY_BYTES = 512 * 1024 * 1024  # the child's address space (python and openpyxl take ~170 MB of it)
KINDS = {".xlsx": "xlsx", ".csv": "csv"}
ROOT = Path(__file__).resolve().parent.parent
UNCALCULATED = object()  # a formula cell saved without its value
MAX_MERGED = 10_000  # merged ranges in the sheet

log = logging.getLogger(__name__)


class FileRejected(Exception):
    """The whole file cannot be taken; ``key`` (a message key) and ``values`` say why."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, values


class Table(list[list[str]]):
    """The table's non-empty rows (the header first) as lists of stripped strings; ``numbers[i]`` is row i's number
    in the spreadsheet, and ``faults`` maps a row number to why a cell of it cannot be taken (key, values)."""

    def __init__(
        self,
        rows: Iterable[list[str]] = (),
        numbers: list[int] | None = None,
        faults: dict[int, tuple[str, dict[str, Any]]] | None = None,
    ) -> None:
        super().__init__(rows)
        self.numbers = numbers if numbers is not None else list(range(1, len(self) + 1))
        self.faults = faults or {}


def kind_of(file_name: str) -> str:
    """ "xlsx" or "csv" from the file's name; FileRejected for anything else."""
    suffix = Path(file_name.lower()).suffix
    if suffix not in KINDS:
        raise FileRejected("import.wrong_type")
    return KINDS[suffix]


def check_size(size: int | None) -> None:
    if size is not None and size > MAX_BYTES:
        raise FileRejected("import.file_too_big", max_mb=MAX_BYTES // (1024 * 1024))


# ---------------------------------------------------------------------------------------------------- parsing
def read_table(content: bytes, file_name: str) -> Table:
    """The table in ``content`` (parsed here, in this process: the bot calls :func:`read_in_worker`)."""
    check_size(len(content))
    kind = kind_of(file_name)
    builder = _Builder()
    merged: list[str] = []  # an .xlsx's merged ranges ("B2:B3"), known once its rows are read
    for number, cells in _xlsx_rows(content, merged) if kind == "xlsx" else _csv_rows(content):
        builder.add(number, cells)
    builder.merge(merged)
    return builder.table


class _Builder:
    """Takes rows of real cells [(column, value)] and keeps the limits."""

    def __init__(self) -> None:
        self.table = Table([], [], {})
        self.text = 0

    def add(self, number: int, cells: list[tuple[int, Any]]) -> None:
        values: dict[int, str] = {}
        uncalculated: set[int] = set()
        for column, value in cells:
            if value is UNCALCULATED:
                uncalculated.add(column)
                value = "="
            text = value.strip() if isinstance(value, str) else str(value).strip()
            if not text:
                continue
            if column > MAX_COLUMNS:
                raise FileRejected(
                    "import.too_many_columns", row=number, cell=f"{get_column_letter(column)}{number}", max=MAX_COLUMNS
                )
            values[column] = text
        if not values:
            return
        if len(self.table) > MAX_ROWS:  # the header and MAX_ROWS data rows are taken already
            raise FileRejected("import.too_many_rows", max=MAX_ROWS)
        row = [""] * max(values)
        header = self.table[0] if self.table else []
        for column, text in values.items():
            self.text += len(text)
            if self.text > MAX_TEXT:
                raise FileRejected("import.too_complex")
            fault = ("import.err.formula", {}) if column in uncalculated else _fault(text)
            if fault is not None:
                name = header[column - 1] if column <= len(header) and header[column - 1] else get_column_letter(column)
                fault[1].update(cell=f"{get_column_letter(column)}{number}", column=name)
                if not self.table:
                    raise FileRejected("import.header_cell", row=number, cell=fault[1]["cell"])
                self.table.faults.setdefault(number, fault)
                text = ""
            row[column - 1] = shown(text)  # direction controls, zero-width characters: stored as it reads
        self.table.append(row)
        self.table.numbers.append(number)

    def merge(self, ranges: list[str]) -> None:
        """A merged cell's value in every cell it spans (工作单位 merged over two people's rows is each one's); the
        ranges over rows the table holds only, within its columns."""
        if len(ranges) > MAX_MERGED:
            raise FileRejected("import.too_complex")
        table = self.table
        for ref in ranges:
            first_column, first_row, last_column, last_row = (int(b or 0) for b in range_boundaries(ref))
            start = bisect_left(table.numbers, first_row)
            if start == len(table.numbers) or table.numbers[start] != first_row:
                continue
            top = table[start]
            value = top[first_column - 1] if first_column <= len(top) else ""
            if not value or first_row in table.faults:
                continue
            end = bisect_right(table.numbers, last_row)
            for index in range(start, end):
                row = table[index]
                for column in range(first_column, min(last_column, MAX_COLUMNS) + 1):
                    if column > len(row):
                        row.extend([""] * (column - len(row)))
                    if not row[column - 1]:
                        row[column - 1] = value
                        self.text += len(value)
                        if self.text > MAX_TEXT:
                            raise FileRejected("import.too_complex")


def _fault(text: str) -> tuple[str, dict[str, Any]] | None:
    if "\x00" in text:
        return "import.err.nul", {}
    control = CONTROL.search(text)
    if control:
        return "import.err.control", {"code": f"U+{ord(control.group()):04X}"}
    if len(text) > MAX_CELL:
        return "import.err.cell_too_long", {"length": len(text), "max": MAX_CELL}
    return None


def _check_zip(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb by the members' declared sizes, before anything is inflated."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if member.file_size > RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise FileRejected("import.zip_bomb", max_mb=MAX_UNZIPPED // (1024 * 1024))
    if total > MAX_UNZIPPED:
        raise FileRejected("import.zip_bomb", max_mb=MAX_UNZIPPED // (1024 * 1024))


def _xlsx_rows(content: bytes, merged: list[str]) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise FileRejected("import.unreadable") from None
    _check_zip(archive)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = _sheet_with_header(book)
        parser = _parser(book, sheet)
        shown_as = _DateCells(book)
        for number, cells in parser.parse():
            yield number, [(cell["column"], shown_as(cell)) for cell in cells if cell["value"] is not None]
        if parser.merged_cells is not None:
            merged.extend(str(cell.ref) for cell in parser.merged_cells.mergeCell)
    except FileRejected:
        raise
    except MemoryError:
        raise FileRejected("import.too_complex") from None
    except Exception:  # noqa: BLE001 - any unreadable workbook is the staffer's file, not our bug
        raise FileRejected("import.unreadable") from None


class _Parser(WorkSheetParser):
    """openpyxl's row parser, as its read-only sheet uses it, but without that sheet's padding of every row (and of
    missing rows) to the size the file's <dimension> claims: only cells present in the file come out. A formula
    saved without its value (by a generator, or a file never opened in Excel) comes out as ``UNCALCULATED``, not
    as an empty cell."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and element.find(FORMULA_TAG) is not None:
            cell["value"] = UNCALCULATED
        return cell


def _parser(book: Any, sheet: Any) -> _Parser:
    # (Private names of openpyxl 3.1, pinned in pyproject.toml; tests/test_trust_uploads.py reads through them.)
    return _Parser(
        sheet._get_source(),
        sheet._shared_strings,
        data_only=True,
        epoch=book.epoch,
        date_formats=book._date_formats,
        timedelta_formats=book._timedelta_formats,
    )


def _sheet_with_header(book: Any) -> Any:
    """The first sheet with a template's header in its first rows (an instructions sheet may come first); else the
    first sheet, whose header the import then says it cannot find."""
    for sheet in book.worksheets:
        rows: list[list[str]] = []
        for number, cells in _parser(book, sheet).parse():
            rows.append([str(cell["value"]) for cell in cells if isinstance(cell["value"], str)])
            if header_row(rows) is not None:
                return sheet
            if number >= HEADER_ROWS or len(rows) >= HEADER_ROWS:
                break
    return book.worksheets[0]


class _DateCells:
    """A cell's value as its number format shows it: a date cell formatted as a date alone (yyyy-mm-dd) is that
    date, not midnight (an end given as a date means the end of that day: services/importing_competitions.py)."""

    def __init__(self, book: Any) -> None:
        self.styles, self.custom = book._cell_styles, book._number_formats  # private, as above
        self.kinds: dict[int, str | None] = {}

    def __call__(self, cell: dict[str, Any]) -> Any:
        value = cell["value"]
        if not isinstance(value, datetime) or value.time() != time():
            return value
        style = cell.get("style_id") or 0
        if style not in self.kinds:
            number_format = self.styles[style].numFmtId if style < len(self.styles) else 0
            shown = BUILTIN_FORMATS.get(number_format)
            if shown is None and 0 <= number_format - 164 < len(self.custom):
                shown = self.custom[number_format - 164]
            self.kinds[style] = is_datetime(shown) if shown else None
        return value.date() if self.kinds[style] == "date" else value


def _csv_rows(content: bytes) -> Iterator[tuple[int, list[tuple[int, Any]]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise FileRejected("import.unreadable")
    # No field can be longer than the file; a field over MAX_CELL is then named with its row, not a csv.Error.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, row in enumerate(reader, 1):  # a record is a spreadsheet row, blank ones included
            yield number, list(enumerate(row, 1))
    except csv.Error:
        raise FileRejected("import.csv_broken", row=number + 1) from None


# ---------------------------------------------------------------------------------------------------- the worker
async def read_in_worker(content: bytes, file_name: str) -> Table:
    """:func:`read_table` in a child process, within ``BUDGET_SECONDS`` and ``MEMORY_BYTES``; the event loop stays
    free meanwhile."""
    check_size(len(content))
    kind = kind_of(file_name)
    budget = BUDGET_SECONDS
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.tables",
        kind,
        str(budget),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(content), budget)
    except TimeoutError:
        raise FileRejected("import.too_slow", seconds=round(budget)) from None
    finally:
        if process.returncode is None:  # past the budget, or the handler was cancelled: stop the parse
            process.kill()
            await process.wait()
    try:
        answer = json.loads(out)
    except ValueError:  # it died without answering: out of memory (where even the answer could not be written), or CPU
        log.warning(
            "import worker ended with %s without an answer: %s",
            process.returncode,
            err.decode(errors="replace")[-2000:],
        )
        raise FileRejected("import.too_complex") from None
    if "rejected" in answer:
        raise FileRejected(answer["rejected"], **answer["values"])
    return Table(answer["rows"], answer["numbers"], {int(n): (key, values) for n, key, values in answer["faults"]})


def _limit_child(budget: float) -> None:
    """Bound this (child) process: its memory, its CPU time (also when the bot died and cannot kill it), and its
    life (killed with the bot, on Linux)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    seconds = int(budget) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 5))
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def main() -> None:
    kind, budget = sys.argv[1], float(sys.argv[2])
    _limit_child(budget)
    content = sys.stdin.buffer.read()
    try:
        table = read_table(content, f"upload.{kind}")
        answer: dict[str, Any] = {
            "rows": list(table),
            "numbers": table.numbers,
            "faults": [[n, key, values] for n, (key, values) in table.faults.items()],
        }
    except FileRejected as exc:
        answer = {"rejected": exc.key, "values": exc.values}
    except MemoryError:
        answer = {"rejected": "import.too_complex", "values": {}}
    sys.stdout.buffer.write(json.dumps(answer).encode("ascii"))


if __name__ == "__main__":
    main()
