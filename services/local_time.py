"""Local time for people, UTC for the database: parsing what staff type, showing times, and quiet hours.

Everything stored is aware UTC; people type and read times in the bot's ``TIMEZONE`` (Asia/Shanghai by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from services.validation import Invalid

_DATE = r"(?:(?P<y>\d{4})\s*[-/.年]\s*)?(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
_TIME = r"(?P<hh>\d{1,2})\s*[:：点时]\s*(?P<mm>\d{2})?\s*分?"
DATETIME_RE = re.compile(rf"^\s*{_DATE}\s*(?:{_TIME})?\s*$")
DATE_RE = re.compile(rf"^\s*{_DATE}\s*$")
CLOCK_RE = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")
SPAN_RE = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*[-–—~至到]+\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _year_for(month: int, day: int, today: date) -> int:
    """A date typed without a year is the next such date from today (12-01 typed in November is this year)."""
    try:
        candidate = date(today.year, month, day)
    except ValueError:
        return today.year
    return today.year if candidate >= today - timedelta(days=31) else today.year + 1


def parse_local_datetime(text: str, tz: ZoneInfo, now: datetime, default_time: time | None = None) -> datetime:
    """"2026-12-01 19:00", "12-01 19:00", "12月1日 19:00", "2026/12/1 19点" in ``tz`` → aware UTC.

    Raises Invalid("time.bad_datetime") for anything else; a date alone takes ``default_time`` when given."""
    match = DATETIME_RE.match(text.replace("　", " "))
    if not match or (match["hh"] is None and default_time is None):
        raise Invalid("time.bad_datetime", value=text)
    today = now.astimezone(tz).date()
    month, day = int(match["m"]), int(match["d"])
    year = int(match["y"]) if match["y"] else _year_for(month, day, today)
    hour = int(match["hh"]) if match["hh"] is not None else default_time.hour  # type: ignore[union-attr]
    minute = int(match["mm"] or 0) if match["hh"] is not None else default_time.minute  # type: ignore[union-attr]
    try:
        local = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise Invalid("time.bad_datetime", value=text) from None
    return local.astimezone(timezone.utc)


def parse_date(text: str, tz: ZoneInfo, now: datetime) -> date:
    match = DATE_RE.match(text)
    if not match:
        raise Invalid("time.bad_date", value=text)
    month, day = int(match["m"]), int(match["d"])
    year = int(match["y"]) if match["y"] else _year_for(month, day, now.astimezone(tz).date())
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid("time.bad_date", value=text) from None


def parse_span(text: str) -> tuple[time, time]:
    """"19:00-21:00" → (19:00, 21:00); the end must come after the start."""
    match = SPAN_RE.match(text)
    if not match:
        raise Invalid("time.bad_span", value=text)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1):
        raise Invalid("time.bad_span", value=text)
    return time(h1, m1), time(h2, m2)


def parse_clock(text: str) -> int:
    """"22:30" → minutes after midnight."""
    match = CLOCK_RE.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise Invalid("time.bad_clock", value=text)
    return int(match[1]) * 60 + int(match[2])


def show(moment: datetime | None, tz: ZoneInfo) -> str:
    """A UTC moment as people read it: "2026-12-01 19:00" local."""
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M") if moment else "—"


def show_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class QuietHours:
    """A user's quiet hours, minutes after local midnight; start == end means none. May wrap midnight."""

    start: int = 22 * 60
    end: int = 7 * 60

    @property
    def off(self) -> bool:
        return self.start == self.end

    def contains(self, minute: int) -> bool:
        if self.off:
            return False
        if self.start < self.end:
            return self.start <= minute < self.end
        return minute >= self.start or minute < self.end

    def release(self, moment: datetime, tz: ZoneInfo) -> datetime:
        """The first moment at or after ``moment`` outside the quiet hours (UTC)."""
        local = moment.astimezone(tz)
        if not self.contains(local.hour * 60 + local.minute):
            return moment
        end = datetime.combine(local.date(), time(self.end // 60, self.end % 60), tzinfo=tz)
        if end <= local:
            end = datetime.combine(local.date() + timedelta(days=1), time(self.end // 60, self.end % 60), tzinfo=tz)
        return end.astimezone(timezone.utc)
