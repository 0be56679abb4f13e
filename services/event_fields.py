"""What each answer of the event forms (/new_competition, /new_course) must be: one reader per kind of field,
turning typed text into the value the form's draft stores (JSON) or raising :class:`Invalid` with the message
that explains what is wrong, and what a form still needs (:func:`missing`). The form engine
(conversations/form_draft.py, with the questions of conversations/form_questions.py) calls them; any front end may.

A reader gets the text and a :class:`Reading` — the moment "now" and the programme's time zone — so relative
answers ("明天下午", "下周二 19:00") are read the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from services.competitions import split_industry
from services.course_times import parse_date_range, parse_session_lines
from services.everyday import count, quantity
from services.ids import parse_count
from services.local_time import parse_moment, parse_span
from services.time_checks import fold
from services.validation import Invalid, has_words


@dataclass(frozen=True)
class Reading:
    now: datetime
    tz: ZoneInfo


Reader = Callable[[str, Reading], Any]


SKIP_WORDS = frozenset({"跳过", "略过", "skip"})  # typed where a question may be skipped: its 跳过 button


def skips(value: str) -> bool:
    """Whether ``value`` typed at an optional question means its 跳过 button ("跳过", "跳過", "Skip", "skip。")."""
    folded = fold(value)
    return folded is not None and folded.rstrip("。.!！") in SKIP_WORDS


def text(limit: int) -> Reader:
    """Free text of at most ``limit`` characters."""

    def read(value: str, reading: Reading) -> str:
        if len(value) > limit:
            raise Invalid("input.too_long", max=limit, length=len(value))
        if not value:
            raise Invalid("expect.text")
        return value

    return read


def name(limit: int) -> Reader:
    """A name (of a course, a teacher, an organiser …): free text of at most ``limit`` characters with words in it
    (services/validation.py has_words): "😀😀😀" or "🙂" names nothing."""
    plain = text(limit)

    def read(value: str, reading: Reading) -> str:
        value = plain(value, reading)
        if not has_words(value):
            raise Invalid("input.no_words")
        return value

    return read


def moment(default_time: time | None = None) -> Reader:
    """A local date and time still to come ("2026-12-01 19:00"), stored as a UTC ISO string."""

    def read(value: str, reading: Reading) -> str:
        return parse_moment(value, reading.tz, reading.now, default_time, future=True).at.isoformat()

    return read


def industry(value: str, reading: Reading) -> str:
    """A GB/T 4754 section, or a section with a division ("C34"), as typed."""
    section, division = split_industry(value)
    return f"{section}{division or ''}"


def capacity(value: str, reading: Reading) -> int:
    number = count(value, 1, 10_000)  # "30", "三十人"
    if number is None:
        raise Invalid("course.bad_capacity", value=value)
    return number


LEAD_MINUTES = (1, 7 * 24 * 60)  # a class's reminder: a minute to a week ahead (at 0 it would be due as the class
# begins, when a reminder is no longer of use and is never sent: services/reminders.py)


_LEAD_UNITS = (  # a unit after the lead's number and its minutes; the longer before the shorter it ends with
    *(("分钟", 1), ("分", 1), ("小时", 60), ("钟头", 60), ("天", 1440), ("日", 1440)),
    *(("minutes", 1), ("minute", 1), ("mins", 1), ("min", 1), ("hours", 60), ("hour", 60), ("hrs", 60)),
    *(("hr", 60), ("h", 60), ("days", 1440), ("day", 1440), ("d", 1440)),
)


def lead_minutes(value: str, reading: Reading) -> str:
    """A class's reminder lead in minutes ("90"), or in minutes, hours or days with the unit ("45分钟", "1.5 小时",
    "两个小时", "半小时", "1天", "2 hours"), read by :func:`services.everyday.quantity`: a whole number of minutes
    from 1 to 7 days ("0" and "-0" alike: refused)."""
    minutes = parse_count(value, *LEAD_MINUTES)
    if minutes is None:
        minutes = _lead_with_unit(value)
    if minutes is None:
        raise Invalid("course.bad_lead")
    return str(minutes)


def _lead_with_unit(value: str) -> int | None:
    text = " ".join(value.split()).lower()
    for unit, size in _LEAD_UNITS:
        if text.endswith(unit) and (number := text[: -len(unit)].strip()):
            amount = Decimal("0.5") if number in ("半", "半个") else quantity(number)
            if amount is None:
                return None
            minutes = amount * size
            if minutes != minutes.to_integral_value() or not LEAD_MINUTES[0] <= minutes <= LEAD_MINUTES[1]:
                return None
            return int(minutes)
    return None


def time_span(value: str, reading: Reading) -> str:
    """ "19:00-21:00" or "晚上7点到9点", kept as "19:00-21:00"."""
    start, end = parse_span(value, reading.now, reading.tz)
    return f"{start:%H:%M}-{end:%H:%M}"


def date_range(value: str, reading: Reading) -> list[str]:
    first, last = parse_date_range(value, reading.tz, reading.now)
    return [first.isoformat(), last.isoformat()]


def session_lines(value: str, reading: Reading) -> list[list[str]]:
    return [[s.isoformat(), e.isoformat()] for s, e in parse_session_lines(value, reading.tz, reading.now)]


Applies = Callable[[dict[str, Any]], bool]  # whether a question is asked, given the answers so far


def missing(order: Sequence[tuple[str, Applies]], draft: dict[str, Any]) -> list[str]:
    """The answers the form's draft (``{"values": …, "editing": …}``) still needs, in order: those that apply and
    are not given (a skipped optional answer is given: None); the answer being edited from the summary card (or
    whose buttons are being ticked) first, then any the edit opened (e.g. the dates of a course whose rule
    changed)."""
    values = draft.get("values") or {}
    editing = draft.get("editing")
    needed = [name for name, applies in order if applies(values) and name not in values and name != editing]
    return [editing, *needed] if editing else needed
