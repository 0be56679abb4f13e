"""Which reminders an event owes, and when: pure functions of the event's row, no database, no scheduler.

A reminder is identified by its key — event, kind and the UTC minute it is due — and that key is the outbox's
dedupe key, so however often a reminder is fired it is written once per recipient. Moving an event changes the
due times and so the keys: the new reminders are owed afresh and the old ones are withdrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

EVE_AT = time(9, 0)  # the day-before reminder goes out at 09:00 local
DEADLINE_LEADS = (("deadline_3d", timedelta(days=3)), ("deadline_1d", timedelta(days=1)))


@dataclass(frozen=True, slots=True)
class Reminder:
    event: str  # "competition:5", "session:12" or "appointment:3"
    what: str  # published | deadline_3d | deadline_1d | eve | lead | day | hour
    at: datetime  # due (UTC)
    expires: datetime  # no use after this: the deadline passed or the event began
    chain: str  # within a chain a later reminder supersedes an earlier one (3 days, then 1 day left)

    @property
    def key(self) -> str:
        return f"{self.event}:{self.what}:{self.at:%Y%m%dT%H%M}Z"

    @property
    def kind(self) -> str:
        return self.event.split(":", 1)[0]

    @property
    def event_id(self) -> int:
        return int(self.event.split(":", 1)[1])


@dataclass(frozen=True, slots=True)
class CompetitionTimes:
    id: int
    published_at: datetime | None
    revised_at: datetime | None
    registration_deadline: datetime | None
    starts_at: datetime


@dataclass(frozen=True, slots=True)
class SessionTimes:
    id: int
    starts_at: datetime
    remind_minutes: int
    owed_from: datetime | None  # the course's publication or the session's last move, whichever is later


def competition_plan(c: CompetitionTimes, tz: ZoneInfo) -> list[Reminder]:
    """The publication notice (owed at publication) and the deadline and day-before reminders (owed when due
    after the competition was published or last moved)."""
    if c.published_at is None:
        return []
    event = f"competition:{c.id}"
    owed_from = max(c.published_at, c.revised_at or c.published_at)
    closes = c.registration_deadline or c.starts_at
    plan = [Reminder(event, "published", c.published_at, closes, "published")]
    if c.registration_deadline is not None:
        plan += [
            Reminder(event, what, c.registration_deadline - lead, c.registration_deadline, "deadline")
            for what, lead in DEADLINE_LEADS
        ]
    day_before = (c.starts_at.astimezone(tz) - timedelta(days=1)).date()
    plan.append(
        Reminder(
            event,
            "eve",
            datetime.combine(day_before, EVE_AT, tzinfo=tz).astimezone(c.starts_at.tzinfo),
            c.starts_at,
            "eve",
        )
    )
    return [r for r in plan if r.what == "published" or owed_from < r.at < r.expires]


def session_plan(s: SessionTimes) -> list[Reminder]:
    at = s.starts_at - timedelta(minutes=s.remind_minutes)
    if s.owed_from is not None and at <= s.owed_from:
        return []
    return [Reminder(f"session:{s.id}", "lead", at, s.starts_at, "lead")]


APPOINTMENT_LEADS = (("day", timedelta(days=1)), ("hour", timedelta(hours=1)))


@dataclass(frozen=True, slots=True)
class AppointmentTimes:
    id: int
    starts_at: datetime
    booked_at: datetime | None


def appointment_plan(a: AppointmentTimes) -> list[Reminder]:
    """专家问诊预约: a day and an hour before, each owed only when it falls after the booking."""
    plan = [
        Reminder(f"appointment:{a.id}", what, a.starts_at - lead, a.starts_at, "appointment")
        for what, lead in APPOINTMENT_LEADS
    ]
    return [r for r in plan if a.booked_at is None or r.at > a.booked_at]


def catch_up(plan: list[Reminder], now: datetime) -> tuple[list[Reminder], list[Reminder], list[Reminder]]:
    """Split a plan at ``now``: (still to come, due and still useful, due but useless).

    Of the due reminders of one chain only the latest is still useful, and only before it expires."""
    future = [r for r in plan if r.at > now]
    due = sorted((r for r in plan if r.at <= now), key=lambda r: r.at)
    latest = {r.chain: r for r in due}
    useful = [r for r in latest.values() if now < r.expires]
    useless = [r for r in due if r not in useful]
    return future, useful, useless
