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
LATE_KEYS = {  # what a late reminder says instead, with {when}: “今天” / “1 小时 30 分钟后” …
    "remind.competition.deadline_3d": "remind.late_deadline",
    "remind.competition.deadline_1d": "remind.late_deadline",
    "remind.competition.eve": "remind.late_eve",
    "booking.reminder": "remind.late_visit",
}


def timing(until: datetime, due: datetime) -> dict[str, str]:
    """A reminder's timing as its notice stores it."""
    return {"until": until.isoformat(), "due": due.isoformat()}


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
    """``payload`` as it must read at ``now``: unchanged when it has no timing or goes out on time; else counting
    from ``now`` (its key's late form, {when} and {minutes} the time really left)."""
    found = payload.get("timing")
    if not found:
        return payload
    until, due = datetime.fromisoformat(found["until"]), datetime.fromisoformat(found["due"])
    if now - due <= ON_TIME:
        return payload
    values = {**payload.get("values", {}), "when": when(until, now, tz, lang), "minutes": minutes_left(until, now)}
    return {**payload, "key": LATE_KEYS.get(payload["key"], payload["key"]), "values": values}
