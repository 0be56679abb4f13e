"""Reporting periods as staff type them after /stats: a year, a half, a quarter, a month, or a relative one.

    2024  2024年  2024H1  2024上半年  2024H2  2024下半年  2024Q3  2024年第3季度  2024-03  2024年3月
    今年  去年  本月  上月  本季度  上半年  下半年  (this year's)

A period is a half-open range of local dates; :meth:`Period.previous` is the one before it of the same kind
(the month before, the half-year before …), which the figures are compared with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from services.validation import Invalid

YEAR, HALF, QUARTER, MONTH = "year", "half", "quarter", "month"
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a period may be in
# A year of any length where the text says it is one (年, a half, a quarter, a month after it: "99999年" is a year
# out of range, answered so); four bare digits only, since other bare numbers are region codes ("330502").
_PATTERNS = [
    (re.compile(r"^(\d+)\s*年?\s*(?:h|H)([12])$|^(\d+)\s*年?\s*([上下])半年$"), HALF),
    (re.compile(r"^(\d+)\s*年?\s*(?:q|Q|第)\s*([1-4])\s*(?:季度)?$"), QUARTER),
    (re.compile(r"^(\d+)\s*[-/.年]\s*(\d{1,2})\s*月?$"), MONTH),
    (re.compile(r"^(\d{4})$|^(\d+)\s*年$"), YEAR),
]


def _month_start(year: int, month: int) -> date:
    year += (month - 1) // 12
    return date(year, (month - 1) % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  # first day
    end: date  # the day after the last

    @classmethod
    def of(cls, kind: str, year: int, index: int = 1) -> Period:
        months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[kind]
        start = _month_start(year, (index - 1) * months + 1)
        return cls(kind, start, _month_start(start.year, start.month + months))

    @property
    def index(self) -> int:
        months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[self.kind]
        return (self.start.month - 1) // months + 1

    def previous(self) -> Period:
        months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[self.kind]
        start = _month_start(self.start.year, self.start.month - months)
        return Period(self.kind, start, self.start)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period as aware UTC instants [from, to)."""
        return (
            datetime.combine(self.start, time(), tz).astimezone(UTC),
            datetime.combine(self.end, time(), tz).astimezone(UTC),
        )

    def months(self) -> list[date]:
        """The first day of each month in the period."""
        out, month = [], self.start
        while month < self.end:
            out.append(month)
            month = _month_start(month.year, month.month + 1)
        return out

    def label(self, lang: str) -> str:
        """'2024年上半年', '2024年第3季度', '2024年3月', '2024年' — or in English."""
        year = self.start.year
        if lang == "en":
            return {
                YEAR: f"{year}",
                HALF: f"{year} H{self.index}",
                QUARTER: f"{year} Q{self.index}",
                MONTH: f"{self.start:%Y-%m}",
            }[self.kind]
        return {
            YEAR: f"{year}年",
            HALF: f"{year}年{'上' if self.index == 1 else '下'}半年",
            QUARTER: f"{year}年第{self.index}季度",
            MONTH: f"{year}年{self.start.month}月",
        }[self.kind]


def this(kind: str, today: date) -> Period:
    months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[kind]
    return Period.of(kind, today.year, (today.month - 1) // months + 1)


def parse_period(text: str, today: date) -> Period | None:
    """A period typed by staff (see the module doc), or None if ``text`` is not one."""
    text = text.strip()
    relative = {
        "今年": this(YEAR, today),
        "本年": this(YEAR, today),
        "去年": Period.of(YEAR, today.year - 1),
        "本月": this(MONTH, today),
        "上月": this(MONTH, today).previous(),
        "本季度": this(QUARTER, today),
        "上季度": this(QUARTER, today).previous(),
        "上半年": Period.of(HALF, today.year, 1),
        "下半年": Period.of(HALF, today.year, 2),
    }
    if text in relative:
        return relative[text]
    shaped = _period_shaped(text)
    if shaped is None:
        return None
    kind, year, index = shaped
    if not FIRST_YEAR <= year <= LAST_YEAR or (kind == MONTH and not 1 <= index <= 12):
        return None
    return Period.of(kind, year) if kind == YEAR else Period.of(kind, year, index)


def period_problem(text: str) -> Invalid | None:
    """Why ``text``, written as a period, is none (a year or a month out of range: "1900", "2024-13"); None when
    it is a period or not written as one."""
    shaped = _period_shaped(text.strip())
    if shaped is None:
        return None
    kind, year, index = shaped
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return Invalid("stats.year_range", value=text.strip(), first=FIRST_YEAR, last=LAST_YEAR)
    if kind == MONTH and not 1 <= index <= 12:
        return Invalid("stats.month_range", value=text.strip())
    return None


def _period_shaped(text: str) -> tuple[str, int, int] | None:
    """(kind, year, index within the year) of a text written as a period, its numbers unchecked."""
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = [g for g in match.groups() if g is not None]
        year = int(groups[0])
        if kind == YEAR:
            return kind, year, 0
        return kind, year, {"上": 1, "下": 2}.get(groups[1]) or int(groups[1])
    return None
