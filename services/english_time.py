"""Dates and times typed in English ("tomorrow 3pm", "next Tuesday morning", "Dec 5 2pm", "5 December 14:00",
"Friday at 10am"), read with the same rules as everyday Chinese (services/everyday.py applies them to what this
module finds: still to come, at most two years ahead, an unclear hour or weekday asked again).

The day is read by dateparser (a maintained library that knows English month and weekday names, "tomorrow",
"next Tuesday", "in 2 days"); the time of day is taken out first and read here, because dateparser fills a missing
time with the current one ("tomorrow" → tomorrow at the present minute) and drops a bare hour ("tomorrow at 3"
→ the present minute), where the bot must ask. dateparser is imported on first use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_AMPM = r"(?P<ap>[ap])\.?\s?m\.?(?![a-z])"
_CLOCKS = (  # the first that matches is the time of day; what is left names the day
    re.compile(rf"(?:\bat\s+)?\b(?P<h>\d{{1,2}})(?:[:.](?P<m>\d{{2}}))?\s*{_AMPM}", re.I),  # 3pm, 10:30 a.m.
    re.compile(r"(?:\bat\s+)?\b(?P<h>\d{1,2})[:：](?P<m>\d{2})\b", re.I),  # 14:00
    re.compile(r"\bat\s+(?P<h>\d{1,2})\b(?!\s*(?:st|nd|rd|th)\b)(?:\s*o'?clock)?", re.I),  # at 3, at 10 o'clock
    re.compile(r"\b(?P<h>\d{1,2})\s*o'?clock\b", re.I),
    re.compile(r"(?:\bat\s+)?\b(?P<noon>noon|midday)\b", re.I),
)
# a part of the day: the hour taken when none is typed (as 上午/下午/晚上), and whether a typed hour is p.m.
_PARTS = (
    (re.compile(r"\b(?:in\s+the\s+)?morning\b", re.I), time(9), False),
    (re.compile(r"\b(?:in\s+the\s+)?afternoon\b", re.I), time(14), True),
    (re.compile(r"\b(?:in\s+the\s+)?evening\b", re.I), time(19), True),
    (re.compile(r"\btonight\b", re.I), time(19), True),
    (re.compile(r"\b(?:at\s+)?night\b", re.I), time(19), True),
)
_WEEKDAY = re.compile(r"\b(?P<rel>next\s+|this\s+|coming\s+)?(?P<day>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\b", re.I)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FILLER = re.compile(r"\b(?:at|on|in\s+the|from)\b|[,@]", re.I)


@dataclass(frozen=True)
class Reading:
    """What an English text names: a local wall-clock moment (naive), the hour assumed for a part of the day, and
    why it must be asked again (``unclear``: 'hour' for a bare 1–6, 'weekday' for today's weekday, 'time' for a
    day without a time)."""

    local: datetime
    assumed: time | None = None
    unclear: str | None = None


def _parser(prefer: str, local_now: datetime) -> Any:
    """A dateparser reader for English against ``local_now`` (one per call: about 0.6 ms; its settings are fixed
    when it is made)."""
    from dateparser.date import DateDataParser

    settings = {"PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True, "RELATIVE_BASE": local_now}
    return DateDataParser(languages=["en"], settings=settings)


def _day(text: str, local_now: datetime) -> datetime | None:
    """The day ``text`` names (a weekday alone: the next one to come), None when it names none dateparser reads."""
    words = " ".join(_FILLER.sub(" ", text).split())
    if not words or words.lower() in ("today", "tonight"):
        return local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    prefer = "future" if _WEEKDAY.search(words) else "current_period"
    try:
        found = _parser(prefer, local_now).get_date_data(words)
    except (ValueError, OverflowError):
        return None
    if found.date_obj is None or found.period not in ("day", "time"):  # "December", "next week": no day named
        return None
    day: datetime = found.date_obj.replace(tzinfo=None)
    return day


def read(text: str, local_now: datetime) -> Reading | None:
    """``text`` read as an English date and time against ``local_now`` (naive local), or None when it is not one."""
    if not LATIN_WORD.search(text):
        return None
    rest, hour, minute, explicit = text, None, 0, False
    for pattern in _CLOCKS:
        found = pattern.search(rest)
        if found is None:
            continue
        groups = found.groupdict()
        if groups.get("noon"):
            hour, explicit = 12, True
        else:
            hour, minute = int(found["h"]), int(groups.get("m") or 0)
            if groups.get("ap"):
                if not 1 <= hour <= 12:
                    return None
                hour = hour % 12 + (12 if found["ap"].lower() == "p" else 0)
                explicit = True
            elif groups.get("m") is not None and found["h"].startswith("0"):
                explicit = True  # "09:30" leaves no doubt
        rest = rest[: found.start()] + " " + rest[found.end() :]
        break
    part = next(((p, at, pm) for p, at, pm in _PARTS if p.search(rest)), None)
    if part is not None:
        rest = part[0].sub(" ", rest)
        if re.search(r"\btonight\b", text, re.I):
            rest = f"today {rest}"
    day = _day(rest, local_now)
    if day is None:
        return None
    if found_time := _time_part(day, local_now, rest):
        return Reading(found_time)
    weekday = _WEEKDAY.search(rest)
    unclear_day = (  # "Tuesday 3pm" typed on a Tuesday: today or next week?
        weekday is not None
        and not weekday["rel"]
        and _DAYS.index(weekday["day"].lower()) == local_now.weekday()
        and "today" not in rest.lower()
    )
    if hour is None:
        if part is None:
            return Reading(day, unclear="weekday" if unclear_day else "time")
        return Reading(
            datetime.combine(day.date(), part[1]), assumed=part[1], unclear="weekday" if unclear_day else None
        )
    if part is not None and part[2] and hour < 12:
        hour, explicit = hour + 12, True
    elif part is not None:
        explicit = True
    if hour > 23 or minute > 59:
        return None
    local = datetime.combine(day.date(), time(hour, minute))
    if unclear_day:
        return Reading(local, unclear="weekday")
    return Reading(local, unclear=None if explicit or not 1 <= hour <= 6 else "hour")


def _time_part(day: datetime, local_now: datetime, rest: str) -> datetime | None:
    """A moment dateparser read with its own time ("in 2 hours"), kept as it read it."""
    return day if re.search(r"\b(?:hours?|minutes?|mins?)\b", rest, re.I) else None
