"""/profile's rules, read without a chat: what each answer a craftsman gives about their own card must be — the
specialities (技术处方) that replace theirs, the capacity and the time off (a day in everyday Chinese or a date).
The card editor (conversations/profile.py) calls these and saves through services/talent.py; any front end may.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from services.everyday import quantity
from services.local_time import parse_moment
from services.talent import CAPACITY_RANGE, MAX_SPECIALITIES, MAX_SPECIALITY, speciality_lines
from services.validation import Invalid

FORM = "profile"  # the ticked service modes while they are being chosen (a form draft)
CAPACITIES = (1, 2, 3, 5, 8)
PAUSE_DAYS = (7, 14, 30)
MAX_PAUSE_DAYS = 366
NOON = time(12, 0)  # a day named without an hour (下周五) is read at noon, so no time zone moves it


def profile_missing(answers: dict[str, Any]) -> list[str]:
    """Nothing: a published card is complete; each answer is saved as it is given and the card shown again."""
    return []


def read_specialities(text: str) -> list[str]:
    """The new specialities, one a line; Invalid (the question again) when none, too many or one too long."""
    lines = speciality_lines(text)
    if not lines or len(lines) > MAX_SPECIALITIES or any(len(line) > MAX_SPECIALITY for line in lines):
        raise Invalid("profile.ask_specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY)
    return lines


def capacity_allowed(capacity: int) -> bool:
    return capacity in CAPACITY_RANGE


def read_capacity(text: str) -> int:
    """A capacity typed at the question whose buttons offer 1, 2, 3, 5, 8 ("4", "十二", "5个"): any whole number of
    CAPACITY_RANGE, the same rule as a press (/profile and /join); Invalid naming the range otherwise."""
    low, high = CAPACITY_RANGE[0], CAPACITY_RANGE[-1]
    value = quantity(text)
    if value is None:
        raise Invalid("capacity.typed_not_number", low=low, high=high)
    if value != value.to_integral_value() or not capacity_allowed(int(value)):
        raise Invalid("capacity.typed_out_of_range", low=low, high=high)
    return int(value)


def today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()


def pause_after(days: int, now: datetime, tz: ZoneInfo) -> date | None:
    """The last day of a time off of one of the offered lengths; None for any other length."""
    return today(now, tz) + timedelta(days=days) if days in PAUSE_DAYS else None


def read_pause_day(text: str, now: datetime, tz: ZoneInfo) -> date:
    """The day a craftsman's time off ends: "2026-12-31", "2026/12/31", or everyday Chinese read as slot times are
    ("下周五", "12月31日", "三天后"); after today and within MAX_PAUSE_DAYS, else Invalid."""
    first = today(now, tz)
    try:
        until: date | None = date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError:
        try:
            until = parse_moment(text, tz, now, NOON).at.astimezone(tz).date()
        except Invalid:
            until = None
    if until is None or not first < until <= first + timedelta(days=MAX_PAUSE_DAYS):
        raise Invalid("profile.pause_invalid", today=first.isoformat(), max=MAX_PAUSE_DAYS)
    return until
