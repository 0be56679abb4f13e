"""A course's dates as staff type them (/new_course): a range of days for a weekly rule ("2026-12-01 至 2026-12-31",
"下周一到下周五") and class lines, one a line ("2026-12-02 19:00-21:00", "12月2日晚上7点到9点").

Every line that cannot be a class is named with its reason, in the words of the slot reader
(services/slot_reading.py) and of :mod:`services.time_checks`: past, too far, a day or a month that does not exist,
a class ending before it starts (one ends on its own day: "23:00-01:00" is refused, quoted whole), a start without
an end, the same class twice or two classes of the course at once. The examples are still to come, counted from the
clock (:func:`examples`), as every time example is.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from services import english_time, everyday, time_checks
from services.local_time import SESSION_LINE_RE, parse_date, parse_moment, parse_span
from services.validation import Invalid

RANGE_DAYS = 30  # the example range: from three days on, a month of classes
_DATE_ANYWHERE = re.compile(r"(?:(\d{4})\s*[-/.年]\s*)?(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_SPAN_PARTS = re.compile(r"^\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*[-–—~至到]+\s*(\d{1,2})\s*[:：]\s*(\d{2})\s*$")

# a line's reason, said short when several lines are wrong (the example is said once, for all of them)
LINE_KEYS = {
    "everyday.past": "time.line.past",
    "everyday.too_far": "time.line.too_far",
    "everyday.no_such_day": "time.line.no_such_day",
    "everyday.no_such_day_year": "time.line.no_such_day",
}


def examples(now: datetime, tz: ZoneInfo) -> dict[str, str]:
    """Examples still to come for the course's date questions: a range ("2026-12-04 至 2027-01-03") and class lines
    ("2026-12-04 19:00-21:00", "12月11日晚上7点到9点"), from three days on (like :func:`time_checks.example`)."""
    first = now.astimezone(tz).date() + timedelta(days=3)
    later = first + timedelta(days=7)
    return {
        "example_from": first.isoformat(),
        "example_to": (first + timedelta(days=RANGE_DAYS)).isoformat(),
        "example_line": f"{first.isoformat()} 19:00-21:00",
        "example_line_cn": f"{later.month}月{later.day}日晚上7点到9点",
    }


# ---------------------------------------------------------------------------------------------- a range of days
def parse_date_range(text: str, tz: ZoneInfo, now: datetime) -> tuple[date, date]:
    """ "2026-12-01 至 2026-12-31" or "12-01 12-31" → (first, last) local dates, first ≤ last, from today to at
    most two years ahead (a course's dates: the same rule as every time still to come). Refusals give a range
    still to come as their example."""
    time_checks.real_days(text, now, tz)
    found = [m.group(0) for m in _DATE_ANYWHERE.finditer(text)]
    if len(found) != 2:
        days = everyday.date_range(text, now, tz)  # "下周一到下周五"
        if days is None:
            raise Invalid("time.bad_range", value=time_checks.shown(text), **examples(now, tz))
        first, last = days
    else:
        first, last = parse_date(found[0], tz, now), parse_date(found[1], tz, now)
    if last < first:  # "2026-12-31 至 2026-12-01"
        raise Invalid("time.range_reversed", value=time_checks.shown(text), **examples(now, tz))
    if first < now.astimezone(tz).date():
        raise Invalid("time.range_past", value=time_checks.shown(text), **examples(now, tz))
    time_checks.near_enough(last, text, now, tz)
    return first, last


# ---------------------------------------------------------------------------------------------- class lines
def parse_session_lines(text: str, tz: ZoneInfo, now: datetime) -> list[tuple[datetime, datetime]]:
    """One class a line, "2026-12-02 19:00-21:00" or "12月2日晚上7点到9点" (local) → UTC (start, end) pairs, sorted,
    each still to come, at most two years ahead, and no two overlapping. One bad line is refused with its own
    reason; several with ``time.bad_session_lines``, every one named (``lines``: one :class:`Invalid` a line)."""
    sessions: list[tuple[str, tuple[datetime, datetime]]] = []
    bad: list[Invalid] = []
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        try:
            found = _session_line(line, tz, now)
        except Invalid as exc:
            bad.append(exc)
            continue
        other = next(((typed, span) for typed, span in sessions if span[0] < found[1] and span[1] > found[0]), None)
        if other is None:
            sessions.append((line, found))
        else:  # two classes of one course at once: the rule a class moved is held to (services/courses.py)
            key = "time.why.same_class" if other[1] == found else "time.why.overlaps"
            bad.append(_why(line, Invalid(key, other=time_checks.shown(other[0])), now, tz))
    if len(bad) == 1:
        raise bad[0]
    if bad:
        lines = [_line(exc) for exc in bad]
        raise Invalid("time.bad_session_lines", count=len(bad), lines=lines, **examples(now, tz))
    if not sessions:
        raise _why(text, Invalid("time.why.unread"), now, tz)
    return sorted(span for _, span in sessions)


def _why(line: str, why: Invalid, now: datetime, tz: ZoneInfo) -> Invalid:
    """The refusal of one class line for a reason of its own (``why``, a ``time.why.*`` message)."""
    return Invalid("time.bad_session_line", value=time_checks.shown(line), why=[why], **examples(now, tz))


def _line(exc: Invalid) -> Invalid:
    """One line's refusal as a line of the reply naming several."""
    if exc.key == "time.bad_session_line":
        return Invalid("time.line.why", value=exc.values["value"], why=exc.values["why"])
    return Invalid(LINE_KEYS.get(exc.key, "time.line.unread"), **exc.values)


def _session_line(line: str, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """One line of a course's dates, read, checked (a real day and time, an end after the start, still to come,
    within two years)."""
    time_checks.real_days(line, now, tz)
    folded = time_checks.fold(line) or line
    if time_checks.impossible(folded):  # "13月1日", "下午25点"
        month = time_checks.month_out_of_range(folded)
        why = Invalid("time.why.no_such_month", month=month) if month else Invalid("time.why.impossible")
        raise _why(line, why, now, tz)
    if english_time.span(line) is not None:  # "Dec 18 7pm-9pm": read as a slot line reads it
        return _english_line(line, tz, now)
    match = SESSION_LINE_RE.match(line)
    day = _day(match[1], tz, now) if match else None
    if match and day is not None:
        parts = _SPAN_PARTS.match(match[2])
        if parts and (int(parts[3]), int(parts[4])) <= (int(parts[1]), int(parts[2])):  # "23:00-01:00"
            raise _why(line, Invalid("time.why.end_before_start"), now, tz)
        try:
            first, last = parse_span(match[2])
        except Invalid:
            raise _why(line, Invalid("time.why.unread"), now, tz) from None
        start = datetime.combine(day, first, tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day, last, tzinfo=tz).astimezone(UTC)
    else:
        found = everyday.session(line, now, tz)  # "12月2日晚上7点到9点"
        if found is None:
            raise _unusable(line, tz, now)
        start, end = found
    if start <= now:
        raise time_checks.asked_again("everyday.past", line, now, tz)
    time_checks.near_enough(start.astimezone(tz).date(), line, now, tz)
    return start, end


def _english_line(line: str, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime]:
    """A class line with an English span ("Dec 18 7pm-9pm", "Friday 7-9pm"), read by the slot lines' reader
    (:func:`everyday.span_start`: still to come, within two years); a class ends on the day it starts."""
    try:
        found = everyday.span_start(line, tz, now, future=True)
    except Invalid as exc:
        if exc.key == "everyday.span_reversed":
            raise _why(line, Invalid("time.why.end_before_start"), now, tz) from None
        if exc.key == "time.bad_datetime":
            raise _why(line, Invalid("time.why.unread"), now, tz) from None
        raise
    if found is None or found.until is None:
        raise _why(line, Invalid("time.why.unread"), now, tz)
    if found.until.astimezone(tz).date() != found.at.astimezone(tz).date():  # "10pm-6am": over midnight
        raise _why(line, Invalid("time.why.end_before_start"), now, tz)
    return found.at, found.until


def _day(text: str, tz: ZoneInfo, now: datetime) -> date | None:
    """The day before a line's "19:00-21:00" when it is a date ("2026-12-02", "12月2日"); None for other words
    ("下周三"), which the everyday reader reads with the times."""
    try:
        return parse_date(text, tz, now)
    except Invalid as exc:
        if exc.key != "time.bad_date":
            raise
        return None


def _unusable(line: str, tz: ZoneInfo, now: datetime) -> Invalid:
    """Why a line read as no class is none: a span ending before it starts ("今天上午9点到8点"), one moment (past:
    "昨天晚上7点"; else no end: "12月3日晚上7点"), or nothing readable as a class ("明天晚上", "下周一到下周五")."""
    span = everyday.clock_span(line, now, tz)
    if span is not None and span[1] <= span[0]:
        return _why(line, Invalid("time.why.end_before_start"), now, tz)
    try:
        moment = parse_moment(line, tz, now, future=True)
    except Invalid as exc:
        return exc if exc.key in LINE_KEYS else _why(line, Invalid("time.why.unread"), now, tz)
    if moment.assumed is not None:  # "明天晚上": no hour at all
        return _why(line, Invalid("time.why.unread"), now, tz)
    return _why(line, Invalid("time.why.no_end"), now, tz)
