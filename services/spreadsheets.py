"""Text going into a spreadsheet or a CSV the project writes (the /export workbook, the broadcast failures CSV, the
import error list, the templates): one place that makes stored text safe to put in a cell.

- Control characters that XML 1.0 forbids (everything below U+0020 except tab, line feed and carriage return, and
  DEL) are dropped: openpyxl refuses them (IllegalCharacterError), and one such character in any stored text used
  to make /export fail for every staffer.
- Formula injection (OWASP "CSV Injection"): a text starting with = + - @ tab or carriage return is what Excel
  and LibreOffice would run as a formula when the file is opened (=HYPERLINK(…) in a user's name). In a CSV such a
  cell gets a leading apostrophe, as OWASP advises; in a workbook the cell is written as text with Excel's
  "quote prefix" (shown as typed, kept as text when edited), so the value itself is unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # what XML 1.0 (and so openpyxl) cannot hold, and DEL
FORMULA_LEADERS = ("=", "+", "-", "@", "\t", "\r")


def clean(text: str) -> str:
    """``text`` without the control characters a spreadsheet cannot hold."""
    return CONTROL.sub("", text)


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEADERS)


def csv_cell(value: Any) -> Any:
    """A value for a CSV cell: text cleaned, and a would-be formula defused with a leading apostrophe."""
    if not isinstance(value, str):
        return value
    text = clean(value)
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(headers: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV file (UTF-8 with a BOM, so Excel reads the Chinese) of ``headers`` and ``rows``, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(h) for h in headers])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def append_row(sheet: Worksheet, values: Iterable[Any]) -> None:
    """Append ``values`` to a (write-mode) openpyxl sheet: text cleaned, and text that would read as a formula stored
    as text with the quote prefix, never as a formula."""
    risky: list[int] = []
    row = []
    for index, value in enumerate(values, 1):
        if isinstance(value, str):
            value = clean(value)
            if looks_like_formula(value):
                risky.append(index)
        row.append(value)
    sheet.append(row)
    for index in risky:
        cell = sheet.cell(sheet.max_row, index)
        cell.data_type = "s"  # openpyxl would otherwise take "=…" for a formula
        cell.quotePrefix = True
