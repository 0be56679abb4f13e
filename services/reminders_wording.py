"""What a reminder says is true when it is sent: a reminder written or sent late (after a restart, or held by the
reader's quiet hours) counts the time really left instead of the lead it was planned with (“明天” for a visit that is
today, “还有 60 分钟” with 30 left). One sent on time keeps its planned words.

A reminder carries its ``timing`` (services/outbox.Notice): the instant it counts down to and the instant it was
due. The sender passes its payload through :func:`as_sent` in the reader's language just before sending it. A
reminder whose moment has passed is never sent at all: its outbox row expires when the event begins
(docs/events.md)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from i18n import label

ON_TIME = timedelta(minutes=5)  # sent within this of its due time, a reminder says what it was planned to say
# Marked 补发 only when later than a quarter of its lead (and than ON_TIME): its words already count the time really
# left, so the mark is for a delay that changes what the reader can still do — 20 minutes of an hour's notice is a
# third of the time to get ready (补发), 15 minutes of a day's notice changes nothing (not 补发; hostile s6 item 4).
LATE_MARK_SHARE = 4
LATE_KEYS = {  # what a late reminder says instead, with {when}: “今天” / “1 小时 30 分钟后” …
    "remind.competition.deadline_3d": "remind.late_deadline",
    "remind.competition.deadline_1d": "remind.late_deadline",
    "remind.competition.eve": "remind.late_eve",
    "booking.reminder": "remind.late_visit",
    "booking.reminder_for": "remind.late_visit_for",  # to staff, for a craftsman without Telegram
    "remind.course.lead": "remind.course.starts",  # a class reminder written before {left}: worded afresh
}
COUNTED = frozenset({"remind.course.starts"})  # keys whose {left} is worded when sent, on time too
WITHIN_MINUTES = 60  # a class this near is counted in minutes ("还有 60 分钟"); nearer than SAME_DAY in hours
SAME_DAY = 6 * 60  # further than this: the day and the time ("明天 19:00")


def timing(until: datetime, due: datetime) -> dict[str, str]:
    """A reminder's timing as its notice stores it."""
    return {"until": until.isoformat(), "due": due.isoformat()}


def marked_late(due: datetime, until: datetime, now: datetime) -> bool:
    """Whether a reminder due at ``due`` for ``until`` and written at ``now`` is marked 补发 (:data:`LATE_MARK_SHARE`)."""
    return now - due > max(ON_TIME, (until - due) / LATE_MARK_SHARE)


def lead_words(minutes: int, lang: str) -> str:
    """A length of time in words: "1 天", "2 小时", "1 小时 30 分钟", "45 分钟" (a course's reminder lead)."""
    if minutes >= 24 * 60 and minutes % (24 * 60) == 0:
        return label("course.lead_words.days", lang, n=minutes // (24 * 60))
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return label("course.lead_words.hours_minutes", lang, h=hours, n=rest)
    if hours:
        return label("course.lead_words.hours", lang, h=hours)
    return label("course.lead_words.minutes", lang, n=rest)


def left(until: datetime, now: datetime, tz: ZoneInfo, lang: str) -> str:
    """How long until a class begins, as its reminder says it: "还有 30 分钟" up to an hour, "还有 2 小时 15 分钟"
    within six hours, else the day and the time ("明天 19:00"), never "还有 1425 分钟"."""
    minutes = minutes_left(until, now)
    if minutes <= WITHIN_MINUTES:
        return label("remind.course.left_minutes", lang, n=minutes)
    if minutes < SAME_DAY:
        return label("remind.course.left_hours", lang, span=lead_words(minutes, lang))
    day = when(until, now, tz, lang)
    return label("remind.course.left_day", lang, day=day, time=until.astimezone(tz).strftime("%H:%M"))


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds() / 60))


def when(until: datetime, now: datetime, tz: ZoneInfo, lang: str) -> str:
    """How far ``until`` is from ``now``, in words: minutes, hours and minutes within six hours, else the day."""
    minutes = minutes_left(until, now)
    if minutes < 60:
        return label("remind.when.minutes", lang, n=minutes)
    if minutes < 6 * 60:
        hours, rest = divmod(minutes, 60)
        if rest == 0:
            return label("remind.when.hours", lang, h=hours)
        return label("remind.when.hours_minutes", lang, h=hours, n=rest)
    days = (until.astimezone(tz).date() - now.astimezone(tz).date()).days
    if days <= 0:
        return label("remind.when.today", lang)
    if days == 1:
        return label("remind.when.tomorrow", lang)
    return label("remind.when.days", lang, n=days)


def as_sent(payload: dict[str, Any], now: datetime, tz: ZoneInfo, lang: str) -> dict[str, Any]:
    """``payload`` as it must read at ``now``: unchanged when it has no timing or goes out on time (a key of
    :data:`COUNTED` gets its planned {left}); else counting from ``now`` (its key's late form, {when}, {minutes} and
    {left} the time really left)."""
    found = payload.get("timing")
    if not found:
        return payload
    until, due = datetime.fromisoformat(found["until"]), datetime.fromisoformat(found["due"])
    key, late = payload["key"], now - due > ON_TIME
    if not late and key not in COUNTED:
        return payload
    counted = now if late else due  # on time: the planned words
    values = {
        **payload.get("values", {}),
        "when": when(until, counted, tz, lang),
        "minutes": minutes_left(until, counted),
        "left": left(until, counted, tz, lang),
    }
    return {**payload, "key": LATE_KEYS.get(key, key) if late else key, "values": values}
