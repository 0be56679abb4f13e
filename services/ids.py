"""Numbers typed by people (a /grant argument, a deep-link payload, a broadcast number) as database ids.

Python's int has no bound; the database's columns have: SQLite's INTEGER and PostgreSQL's BIGINT hold 64 bits,
PostgreSQL's INTEGER 32. A number past the column's range is not "nobody by that id" to the driver but an
error (OverflowError in aiosqlite, DataError in asyncpg). Every id read from typed text goes through
:func:`parse_id`, which answers None for anything that is not a positive number the column can hold.
"""

from __future__ import annotations

ROW_ID_MAX = 2**31 - 1  # INTEGER primary keys (teams, broadcasts, demands …) on PostgreSQL
USER_ID_MAX = 2**63 - 1  # BIGINT: Telegram user ids (52 bits today)


def parse_id(text: str | None, maximum: int = ROW_ID_MAX, *, prefix: str = "") -> int | None:
    """``text`` (after an optional ``prefix`` such as "#") as a positive id no larger than ``maximum``, else None.
    Only ASCII digits count (``str.isdigit`` also takes "²" and other digits ``int`` rejects)."""
    if text is None:
        return None
    digits = text.strip().removeprefix(prefix) if prefix else text.strip()
    return parse_count(digits, 1, maximum) if digits == digits.strip() else None  # "# 12" is not "#12"


def parse_count(text: str | None, minimum: int, maximum: int) -> int | None:
    """``text`` as a whole number from ``minimum`` to ``maximum`` (a capacity, a number of trainees, minutes), else
    None: only ASCII digits, and never more of them than ``maximum`` has (int() refuses 4,300 digits and more)."""
    digits = (text or "").strip()
    if not digits or len(digits) > len(str(maximum)) or not (digits.isascii() and digits.isdigit()):
        return None
    value = int(digits)
    return value if minimum <= value <= maximum else None
