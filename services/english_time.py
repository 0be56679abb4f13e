"""Dates and times typed in English ("tomorrow 3pm", "next Tuesday morning", "Dec 5 2pm", "5 December 14:00",
"Friday at 10am"), read with the same rules as everyday Chinese (services/everyday.py applies them to what this
module finds: still to come, at most two years ahead, an unclear hour or weekday asked again).

The day is read by dateparser (a maintained library that knows English month and weekday names, "tomorrow",
"next Tuesday", "in 2 days"); the time of day is taken out first and read here, because dateparser fills a missing
time with the current one ("tomorrow" → tomorrow at the present minute) and drops a bare hour ("tomorrow at 3"
→ the present minute), where the bot must ask. dateparser is imported on first use.

A span of hours typed where one time is asked ("tomorrow 2pm to 4pm", "Dec 3 2-4pm", "Thursday 9am-11am") is found
by :func:`span`: its start is read as one time, and its end is the first such clock time after the start (the
next morning when none is: "10pm to 6am"). A day typed with its month's name ("Feb 30", "31st of November") is
listed by :func:`month_days`, so that a day its month lacks is named as "2月30日" is."""

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
_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_MONTH_DAYS = (  # "Feb 30", "February 30th, 2027"; "30 Feb", "30th of February 2027"
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+(?P<y>\d{{4}})\b)?", re.I),
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _clock(name: str) -> str:
    return rf"(?P<{name}h>\d{{1,2}})(?:[:.](?P<{name}m>\d{{2}}))?(?:\s*(?P<{name}ap>[ap])\.?\s?m\.?(?![a-z]))?"


_SPAN = re.compile(
    rf"(?<![-/.\d])\b{_clock('s')}\s*(?P<sep>-|–|—|~|\bto\b|\buntil\b|\btill\b|\band\b)\s*{_clock('e')}(?![\d:/-])",
    re.I,  # not inside a date ("2026-12-05", "12/05-12/06")
)
_AFTER_MONTH = re.compile(rf"\b{_MONTH}\s*$", re.I)  # "Dec 3-5" names days, not hours


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
    if not LATIN_WORD.search(text) or span(text) is not None:  # a span is read by span(), where one is welcome
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


@dataclass(frozen=True)
class Span:
    """A span of hours in an English text: ``start``, the text with the span written as its start ("Dec 3 2-4pm"
    → "Dec 3 2:00pm"), to be read by :func:`read`; the end's clock time, and whether it said a.m. or p.m."""

    start: str
    end: time
    end_meridiem: bool


def span(text: str) -> Span | None:
    """The span of hours ``text`` holds ("2pm to 4pm", "2-4pm", "9am-11am", "14:00-16:00", "between 2 and 4pm",
    "2 to 4" after "afternoon"), or None. The start takes the end's a.m./p.m. when it has none, unless that puts
    it after the end ("11-1pm" is 11:00 to 13:00)."""
    if not LATIN_WORD.search(text):
        return None
    for found in _SPAN.finditer(text):
        if _AFTER_MONTH.search(text[: found.start()]) or (
            found["sep"].lower() == "and" and not re.search(r"\bbetween\b", text, re.I)
        ):
            continue
        sh, sm, eh, em = int(found["sh"]), int(found["sm"] or 0), int(found["eh"]), int(found["em"] or 0)
        twelve = [int(found[f"{side}h"]) for side in "se" if found[f"{side}ap"]]  # an a.m./p.m. hour is 1–12
        if max(sm, em) > 59 or max(sh, eh) > 23 or not all(1 <= h <= 12 for h in twelve):
            return None
        meridiem = (found["sap"] or found["eap"] or "").lower()
        if not found["sap"] and meridiem and _hour(sh, meridiem) > _hour(eh, meridiem):
            meridiem = "a" if meridiem == "p" else "p"  # "11-1pm": 11 a.m.
        typed = f"{found['sh']}:{sm:02d}" if found["sm"] else f"at {sh}"  # "06:00" keeps its leading zero: clear
        clock = f"{sh}:{sm:02d}{meridiem}m" if meridiem else typed
        before = re.sub(r"\bbetween\b", " ", text[: found.start()], flags=re.I)
        end = time(_hour(eh, found["eap"].lower()) if found["eap"] else eh, em)
        return Span(f"{before} {clock} {text[found.end() :]}".strip(), end, bool(found["eap"]))
    return None


def _hour(hour: int, meridiem: str) -> int:
    return hour % 12 + (12 if meridiem == "p" else 0)


def month_days(text: str) -> list[tuple[int | None, int, int]]:
    """(year or None, month, day) of every day ``text`` names with its month's name ("Feb 30" → (None, 2, 30))."""
    out = []
    for pattern in _MONTH_DAYS:
        for found in pattern.finditer(text):
            month = _MONTHS.index(found["mon"].lower()) + 1
            out.append((int(found["y"]) if found["y"] else None, month, int(found["d"])))
    return out
