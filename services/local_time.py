"""Local time for people, UTC for the database: parsing what staff type, showing times, and quiet hours.

Everything stored is aware UTC; people type and read times in the bot's ``TIMEZONE`` (Asia/Shanghai by default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from services import everyday, time_checks
from services.validation import Invalid

_DATE = r"(?:(?P<y>\d{4})\s*[-/.年]\s*)?(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
_TIME = (
    r"(?P<hh>\d{1,2})\s*[:：点时]\s*(?P<mm>\d{2})?(?:\s*[:：]\s*\d{2})?\s*分?"  # seconds, as Excel writes them, ignored
)
DATETIME_RE = re.compile(rf"^\s*{_DATE}\s*(?:{_TIME})?\s*$")
DATE_RE = re.compile(rf"^\s*{_DATE}\s*$")
SESSION_LINE_RE = re.compile(r"^(.*?)\s+(\d{1,2}\s*[:：]\s*\d{2}\s*[-–—~至到]+\s*\d{1,2}\s*[:：]\s*\d{2})$")
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
    """ "2026-12-01 19:00", "12-01 19:00", "12月1日 19:00" in ``tz`` → aware UTC; anything else in everyday Chinese
    ("12月3日下午2点", "下周二下午两点") as :func:`services.everyday.moment` reads it, with its refusals.

    A date alone takes ``default_time`` when given."""
    return parse_moment(text, tz, now, default_time).at


def parse_moment(
    text: str, tz: ZoneInfo, now: datetime, default_time: time | None = None, *, future: bool = False
) -> everyday.Moment:
    """:func:`parse_local_datetime` with the hour taken for a part of the day; with ``future``, a time that has
    passed is refused (everyday.past, with an example still to come)."""
    match = DATETIME_RE.match(text.replace("　", " "))
    if not match or (match["hh"] is not None and not re.search("[:：]", text)):  # "3点" may be 03:00 or 15:00
        return everyday.moment(text, tz, now, default_time, future=future)
    time_checks.real_days(text, now, tz)  # "2月30日 19:00": February has no 30th
    if match["hh"] is None and default_time is None:
        raise time_checks.asked_again("everyday.need_time", text, now, tz)
    today = now.astimezone(tz).date()
    month, day = int(match["m"]), int(match["d"])
    year = int(match["y"]) if match["y"] else _year_for(month, day, today)
    hour = int(match["hh"]) if match["hh"] is not None else default_time.hour  # type: ignore[union-attr]
    minute = int(match["mm"] or 0) if match["hh"] is not None else default_time.minute  # type: ignore[union-attr]
    if future and year > now.astimezone(tz).year + 2:  # "9999-12-31 23:00": the same answer as any far date
        raise time_checks.asked_again(
            "everyday.too_far", text, now, tz, limit=time_checks.two_years_on(today).isoformat()
        )
    try:
        if year not in time_checks.YEARS:  # "0001-01-01 07:00" would overflow in UTC; "9999-…" is no plan
            raise ValueError(year)
        local = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise time_checks.asked_again("time.bad_datetime", text, now, tz) from None
    if future and local <= now:
        raise time_checks.asked_again("everyday.past", text, now, tz)
    if future:
        time_checks.near_enough(local.date(), text, now, tz)
    return everyday.Moment(local.astimezone(UTC))


def parse_date(text: str, tz: ZoneInfo, now: datetime) -> date:
    match = DATE_RE.match(text)
    if not match:
        raise Invalid("time.bad_date", value=text)
    time_checks.real_days(text, now, tz)
    month, day = int(match["m"]), int(match["d"])
    year = int(match["y"]) if match["y"] else _year_for(month, day, now.astimezone(tz).date())
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid("time.bad_date", value=text) from None


def _clock_span(text: str, key: str, now: datetime | None, tz: ZoneInfo | None) -> tuple[int, int, int, int]:
    """ "19:00-21:00" by its pattern, else (given ``now`` and ``tz``) "晚上7点到9点" as everyday Chinese."""
    match = SPAN_RE.match(text)
    if match:
        return tuple(int(g) for g in match.groups())  # type: ignore[return-value]
    found = everyday.clock_span(text, now, tz) if now is not None and tz is not None else None
    if found is None:
        raise Invalid(key, value=time_checks.shown(text))
    return found[0].hour, found[0].minute, found[1].hour, found[1].minute


def parse_span(text: str, now: datetime | None = None, tz: ZoneInfo | None = None) -> tuple[time, time]:
    """ "19:00-21:00" or "晚上7点到9点" → (19:00, 21:00); the end must come after the start."""
    h1, m1, h2, m2 = _clock_span(text, "time.bad_span", now, tz)
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1):
        raise Invalid("time.bad_span", value=time_checks.shown(text))
    return time(h1, m1), time(h2, m2)


def parse_quiet_hours(text: str, now: datetime | None = None, tz: ZoneInfo | None = None) -> QuietHours:
    """ "22:30-06:30", "22点半到6点半", "晚上10点到早上7点" → quiet hours (they may wrap midnight)."""
    h1, m1, h2, m2 = _clock_span(text, "settings.quiet_bad", now, tz)
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        raise Invalid("settings.quiet_bad", value=time_checks.shown(text))
    return QuietHours(h1 * 60 + m1, h2 * 60 + m2)


def weekday_key(day: date) -> str:
    """The catalogue key of ``day``'s weekday (weekday.fri: 周五 / Fri)."""
    return f"weekday.{WEEKDAYS[day.weekday()]}"


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
        return end.astimezone(UTC)


UNCLEAR_OR_PAST = frozenset(
    {
        "everyday.ambiguous_hour",
        "everyday.ambiguous_weekday",
        "everyday.past",
        "everyday.too_far",
        "everyday.no_such_day",
        "everyday.no_such_day_year",
    }
)


def with_dates_read(text: str, tz: ZoneInfo, now: datetime) -> str:
    """Free text about when (a training's preferred dates) as typed, with the dates it names when it names some
    still to come: "下周二下午两点" → "下周二下午两点（2026-11-24 14:00）", "下周一到下周五" → "…（2026-11-23 –
    2026-11-27）", so that "下周二" still says which Tuesday when staff read it next week. Anything else ("尽快")
    is kept as typed. A time that names a moment unclearly ("3点": 03:00 or 15:00?), impossibly ("2点60分",
    "13月1日", "上午13点", "9999年…") or in the past raises
    :class:`Invalid`, so that it is asked again with an example still to come."""
    try:
        found = parse_moment(text, tz, now, future=True)
        read = show(found.at, tz) if found.assumed is None else f"{found.at.astimezone(tz).date()}"
    except Invalid as exc:
        folded = time_checks.fold(text)
        if exc.key in UNCLEAR_OR_PAST or (folded and time_checks.impossible(folded)):  # "明天下午2点60分"
            raise
        days = everyday.date_range(text, now, tz)
        if days is None:
            return text
        if days[1] < now.astimezone(tz).date():
            raise time_checks.asked_again("everyday.past", text, now, tz) from None
        read = days[0].isoformat() if days[0] == days[1] else f"{days[0].isoformat()} – {days[1].isoformat()}"
    return text if read in text else f"{text}（{read}）"
