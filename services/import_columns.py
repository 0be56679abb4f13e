"""How /import recognises a file's header: the column that names each kind of file, and a header cell read as
the template's column name — in either script (工作單位 is 工作单位), without spaces or a required mark (姓名*).

Small and free of the services' dependencies: the table reader's child process (services/tables.py) imports it
to find the sheet and the row that hold the header."""

from __future__ import annotations

from nlp.script import to_simplified

MARKS = {"技术专长": "craftsmen", "统一社会信用代码": "enterprises", "竞赛名称": "competitions"}
HEADER_ROWS = 10  # the header may follow a title and notes: the first row, among these, that names a kind


def header_name(cell: str) -> str:
    """A header cell as the template's column name it stands for."""
    return to_simplified("".join(cell.split()).rstrip("*＊"))


def label(value: str) -> str:
    """A value from a fixed list (a mode, an honour, an enterprise kind) in the list's script."""
    return to_simplified(value.strip())


def header_row(rows: list[list[str]]) -> int | None:
    """The index of the header among the first ``HEADER_ROWS`` rows: the first naming a kind of file; None if none."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        if any(header_name(cell) in MARKS for cell in row):
            return index
    return None
