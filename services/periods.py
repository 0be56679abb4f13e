"""Reporting periods as staff type them after /stats: a year, a half, a quarter, a month, a week, a day, or a
relative one.

    2024  2024年  2024H1  2024上半年  2024H2  2024下半年  2024Q3  2024年第3季度  2024-03  2024年3月
    今年  去年  前年  本月  上月  本季度  上季度  上半年  下半年  三季度  Q3  H1  3月  (this year's)
    本周  上周  下周  今天  昨天  明天  (a week runs Monday to Sunday, in the bot's time zone like every period)
    this year  last year  this month  last month  March 2024  this quarter  last quarter  Q3  H1  first half
    this week  last week  next week  today  yesterday  tomorrow

Numerals in characters are read by cn2an ("2026年三季度", "三月"); English months and years by dateparser (the library
services/english_time.py reads dates with: "last month", "Mar 2024"); quarters and halves, which it does not know,
here. A period that has not begun is refused (:func:`not_begun`); one still running is compared with the same part of
the period before (:func:`same_part_before`).

A period is a half-open range of local dates; :meth:`Period.previous` is the one before it of the same kind
(the month before, the half-year before, the week before …), which the figures are compared with.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.validation import Invalid

YEAR, HALF, QUARTER, MONTH = "year", "half", "quarter", "month"
WEEK, DAY = "week", "day"  # counted in days, the others in months
DAYS = {WEEK: 7, DAY: 1}
FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a period may be in
# A year of any length where the text says it is one (年, a half, a quarter, a month after it: "99999年" is a year
# out of range, answered so); four bare digits only, since other bare numbers are region codes ("330502").
_PATTERNS = [
    (re.compile(r"^(\d+)\s*年?\s*(?:h|H)([12])$|^(\d+)\s*年?\s*([上下])半年$"), HALF),
    (re.compile(r"^(\d+)\s*年?\s*(?:[qQ第]\s*([1-4])\s*(?:季度)?|([1-4])\s*季度)$"), QUARTER),
    (re.compile(r"^(\d+)\s*[-/.年]\s*(\d{1,2})\s*月?$"), MONTH),
    (re.compile(r"^(\d{4})$|^(\d+)\s*年$"), YEAR),
]
# this year's: "Q3", "3季度", "第3季度" (三季度 once cn2an has read it), "H1", "3月"
_THIS_YEARS = [
    (re.compile(r"^(?:[qQ]\s*([1-4])|第?\s*([1-4])\s*季度)$"), QUARTER),
    (re.compile(r"^[hH]\s*([12])$"), HALF),
    (re.compile(r"^(\d{1,2})\s*月$"), MONTH),
]
_PART_THEN_YEAR = re.compile(r"^(\S.*?)\s*(\d{4})\s*年?$")  # "Q3 2026", "3月 2025", "三季度 2025" (read in digits)
_LATIN = re.compile(r"[A-Za-z]{3}")  # a word dateparser may read: "an" is no month ("Jan" is)
_CHINESE_NUMERAL = re.compile(r"[一二三四五六七八九十]")
_WEEK = ("周", "週", "星期", "个星期", "個星期", "礼拜", "禮拜", "个礼拜", "個禮拜")
_THIS_WEEK = tuple(f"{this}{week}" for this in ("本", "这", "這") for week in _WEEK)
_LAST_WEEK = tuple(f"上{week}" for week in _WEEK)
_NEXT_WEEK = tuple(f"下{week}" for week in _WEEK)


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

    @classmethod
    def around(cls, kind: str, day: date) -> Period:
        """The week (Monday to Sunday) or the day ``day`` is in."""
        start = day - timedelta(days=day.weekday()) if kind == WEEK else day
        return cls(kind, start, start + timedelta(days=DAYS[kind]))

    def previous(self) -> Period:
        if self.kind in DAYS:
            return Period.around(self.kind, self.start - timedelta(days=DAYS[self.kind]))
        months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[self.kind]
        start = _month_start(self.start.year, self.start.month - months)
        return Period(self.kind, start, self.start)

    def following(self) -> Period:
        """The period after this one, of the same kind (下个月, next quarter, 下周)."""
        if self.kind in DAYS:
            return Period.around(self.kind, self.end)
        months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[self.kind]
        return Period(self.kind, self.end, _month_start(self.end.year, self.end.month + months))

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
        """'2024年上半年', '2024年第3季度', '2024年3月', '2024年', '2026年11月16日至22日', '2026年11月21日' — or in
        English."""
        if self.kind in DAYS:
            return _days_label(self.start, self.end - timedelta(days=1), lang)
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


def _days_label(first: date, last: date, lang: str) -> str:
    """A day ('2026年11月21日', '2026-11-21') or the days from ``first`` to ``last``, the year and month written once
    when they are the same ('2026年11月16日至22日', '2026年12月28日至2027年1月3日', '2026-11-16 to 2026-11-22')."""
    if lang == "en":
        return f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d} to {last:%Y-%m-%d}"
    shown = f"{first.year}年{first.month}月{first.day}日"
    if first == last:
        return shown
    if last.year != first.year:
        return f"{shown}至{last.year}年{last.month}月{last.day}日"
    return f"{shown}至{last.day}日" if last.month == first.month else f"{shown}至{last.month}月{last.day}日"


def this(kind: str, today: date) -> Period:
    if kind in DAYS:
        return Period.around(kind, today)
    months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[kind]
    return Period.of(kind, today.year, (today.month - 1) // months + 1)


def parse_period(text: str, today: date) -> Period | None:
    """A period typed by staff (see the module doc), or None if ``text`` is not one."""
    text = " ".join(text.split())
    if _CHINESE_NUMERAL.search(text):
        text = _numerals(text)
    relative = {
        "今年": this(YEAR, today),
        "本年": this(YEAR, today),
        "去年": Period.of(YEAR, today.year - 1),
        "前年": Period.of(YEAR, today.year - 2),
        "明年": Period.of(YEAR, today.year + 1),
        "后年": Period.of(YEAR, today.year + 2),
        "本月": this(MONTH, today),
        "这个月": this(MONTH, today),
        "上月": this(MONTH, today).previous(),
        "上个月": this(MONTH, today).previous(),
        "下月": this(MONTH, today).following(),
        "下个月": this(MONTH, today).following(),
        "本季度": this(QUARTER, today),
        "这个季度": this(QUARTER, today),
        "上季度": this(QUARTER, today).previous(),
        "上个季度": this(QUARTER, today).previous(),
        "下季度": this(QUARTER, today).following(),
        "下个季度": this(QUARTER, today).following(),
        "上半年": Period.of(HALF, today.year, 1),
        "下半年": Period.of(HALF, today.year, 2),
        **dict.fromkeys(_THIS_WEEK, this(WEEK, today)),
        **dict.fromkeys(_LAST_WEEK, this(WEEK, today).previous()),
        **dict.fromkeys(_NEXT_WEEK, this(WEEK, today).following()),
        **dict.fromkeys(("今天", "今日"), this(DAY, today)),
        **dict.fromkeys(("昨天", "昨日"), this(DAY, today).previous()),
        **dict.fromkeys(("明天", "明日"), this(DAY, today).following()),
    }
    if text in relative:
        return relative[text]
    shaped = _period_shaped(text)
    if shaped is None:
        return (
            _this_years(text, today)
            or _part_then_year(text, today)
            or (_english(text, today) if _LATIN.search(text) else None)
        )
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


def _numerals(text: str) -> str:
    """``text`` with its numerals in characters written in digits ("2026年三季度" → "2026年3季度"), by cn2an."""
    import cn2an  # imported on first use, as services/everyday.py does (70 ms)

    try:
        return str(cn2an.transform(text, "cn2an"))
    except (ValueError, KeyError):
        return text


def _this_years(text: str, today: date) -> Period | None:
    """A quarter, half or month of this year written without the year ("Q3", "3季度", "H1", "3月")."""
    for pattern, kind in _THIS_YEARS:
        if match := pattern.match(text):
            index = int(next(g for g in match.groups() if g is not None))
            return Period.of(kind, today.year, index) if kind != MONTH or 1 <= index <= 12 else None
    return None


def _part_then_year(text: str, today: date) -> Period | None:
    """A quarter, half or month written before its year ("Q3 2026", "H1 2026", "3月 2025", "上半年 2025"): the same
    period as written after it ("2026 Q3"), never this year's part with the year read apart."""
    match = _PART_THEN_YEAR.match(text)
    if match is None or not FIRST_YEAR <= (year := int(match[2])) <= LAST_YEAR:
        return None
    part = match[1].strip()
    halves = {"上半年": 1, "下半年": 2, "first half": 1, "second half": 2}
    if part.lower() in halves:
        return Period.of(HALF, year, halves[part.lower()])
    return _this_years(part, date(year, 1, 1))


_ENGLISH_QUARTERS = {  # what dateparser does not read: quarters and halves; weeks and days (it reads them, not as ours)
    "this quarter": lambda today: this(QUARTER, today),
    "next quarter": lambda today: this(QUARTER, today).following(),
    "last quarter": lambda today: this(QUARTER, today).previous(),
    "previous quarter": lambda today: this(QUARTER, today).previous(),
    "first half": lambda today: Period.of(HALF, today.year, 1),
    "second half": lambda today: Period.of(HALF, today.year, 2),
    "this half": lambda today: this(HALF, today),
    "last half": lambda today: this(HALF, today).previous(),
    "this week": lambda today: this(WEEK, today),
    "last week": lambda today: this(WEEK, today).previous(),
    "previous week": lambda today: this(WEEK, today).previous(),
    "next week": lambda today: this(WEEK, today).following(),
    "today": lambda today: this(DAY, today),
    "yesterday": lambda today: this(DAY, today).previous(),
    "tomorrow": lambda today: this(DAY, today).following(),
}


def _english(text: str, today: date) -> Period | None:
    """An English month or year ("this year", "last month", "March 2024") read by dateparser, or a quarter, a
    half, a week or a day in words; None for anything else (a region's name)."""
    lower = text.lower()
    if lower in _ENGLISH_QUARTERS:
        return _ENGLISH_QUARTERS[lower](today)
    try:
        found = _reader(today).get_date_data(text)
    except (ValueError, OverflowError):
        return None
    if found.date_obj is None or found.period not in ("month", "year"):
        return None
    day = found.date_obj.date()
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return this(MONTH if found.period == "month" else YEAR, day)


def _reader(today: date) -> Any:
    """A dateparser reader for English against ``today`` ("March" alone: the latest March begun)."""
    from dateparser.date import DateDataParser  # imported on first use (services/english_time.py)

    settings = {
        "PREFER_DATES_FROM": "past",
        "RETURN_TIME_AS_PERIOD": True,
        "RELATIVE_BASE": datetime.combine(today, time(12)),
    }
    return DateDataParser(languages=["en"], settings=settings)


def not_begun(period: Period, today: date) -> bool:
    """Whether ``period`` lies wholly after ``today``: it has no figures yet, and comparing it would read as a fall."""
    return period.start > today


def same_part_before(period: Period, now: datetime) -> datetime | None:
    """For a period still running at ``now`` (a local time), the moment as far into the period before: the end of
    the part of it that the running period is compared with (to 21 November 2025 for 2026 on 21 November 2026, the
    month's day clamped: 30 April for 31 May). None when ``period`` is over at ``now``."""
    if not period.start <= now.date() < period.end:
        return None
    if period.kind in DAYS:
        return now - timedelta(days=DAYS[period.kind])
    months = {YEAR: 12, HALF: 6, QUARTER: 3, MONTH: 1}[period.kind]
    month = _month_start(now.year, now.month - months)
    return now.replace(
        year=month.year, month=month.month, day=min(now.day, calendar.monthrange(month.year, month.month)[1])
    )
