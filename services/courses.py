"""职工夜校: staff publish a course with its dated sessions, move or cancel a session, cancel the course.

A weekly rule is expanded into dated sessions with APScheduler's cron trigger. The workers' side (course cards,
enrolment with a waitlist) is services/course_enrolment.py; ``Courses`` is both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Course, CourseSession, EventStatus, Role, SubscriptionKind
from services.course_enrolment import CourseEnrolment, classes_left
from services.event_fields import LEAD_MINUTES
from services.event_notices import session_values
from services.events_common import check_texts, published_stamps
from services.local_time import WEEKDAYS, show
from services.outbox import Notice
from services.validation import Invalid

MAX_SESSIONS = 120
TEXT_LIMITS = {"name": 100, "teacher": 60, "place": 200, "link": 500, "description": 1000}
SEATED = (SubscriptionKind.ENROLLED, SubscriptionKind.WAITLISTED)


def expand_weekly(
    days: list[str], start: time, end: time, first: date, last: date, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """Every session of "each <days> from <start> to <end>, <first> to <last>" (local), as UTC (start, end)."""
    if not days or any(d not in WEEKDAYS for d in days) or last < first or end <= start:
        raise Invalid("course.bad_rule")
    trigger = CronTrigger(
        day_of_week=",".join(days),
        hour=start.hour,
        minute=start.minute,
        timezone=tz,
        start_date=datetime.combine(first, time(0, 0), tzinfo=tz),
        end_date=datetime.combine(last, time(23, 59), tzinfo=tz),
    )
    length = datetime.combine(first, end) - datetime.combine(first, start)
    out: list[tuple[datetime, datetime]] = []
    fire = trigger.get_next_fire_time(None, datetime.combine(first, time(0, 0), tzinfo=tz))
    while fire is not None:
        if len(out) >= MAX_SESSIONS:
            raise Invalid("course.too_many_sessions", max=MAX_SESSIONS)
        out.append((fire.astimezone(UTC), (fire + length).astimezone(UTC)))
        fire = trigger.get_next_fire_time(fire, fire + timedelta(minutes=1))
    return out


def span_shown(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> str:
    """A class as people read it: "2026-12-02 19:00–21:00" (local)."""
    return show(starts_at, tz) + "–" + ends_at.astimezone(tz).strftime("%H:%M")


def check(values: dict[str, Any], sessions: list[tuple[datetime, datetime]], now: datetime, tz: ZoneInfo) -> None:
    check_texts("course", values, TEXT_LIMITS)
    capacity = values.get("capacity")
    if capacity is not None and not 1 <= capacity <= 10_000:
        raise Invalid("course.bad_capacity", value=capacity)
    if not LEAD_MINUTES[0] <= values.get("remind_minutes", 60) <= LEAD_MINUTES[1]:
        raise Invalid("course.bad_lead")
    if not sessions:
        raise Invalid("course.no_sessions")
    if len(sessions) > MAX_SESSIONS:
        raise Invalid("course.too_many_sessions", max=MAX_SESSIONS)
    if min(s for s, _ in sessions) <= now:
        raise Invalid("course.session_past")
    for (_, ends), (starts, _) in pairwise(sorted(sessions)):
        if starts < ends:  # two classes of one course at once (the form names the lines: services/course_times.py)
            raise Invalid("course.sessions_overlap", when=show(starts, tz))


@dataclass(eq=False)
class Courses(CourseEnrolment):
    remind_minutes: int = 60  # a session's reminder lead unless the course says (COURSE_REMINDER_MINUTES)

    # ------------------------------------------------------------------ staff
    async def create(
        self,
        actor: int,
        role: Role | None,
        values: dict[str, Any],
        sessions: list[tuple[datetime, datetime]],
        rule: dict[str, Any] | None = None,
    ) -> Course:
        await self.audit.require_staff(actor, role, "course.create")
        now = self.clock.now()
        values = {"remind_minutes": self.remind_minutes, **values}
        await self.require_region(actor, "course.create", None, values.get("region_code"))
        check(values, sessions, now, self.tz)
        async with self.db.session() as session:
            course = Course(
                **{
                    k: values.get(k)
                    for k in (
                        "name",
                        "teacher",
                        "place",
                        "link",
                        "capacity",
                        "region_code",
                        "description",
                        "remind_minutes",
                    )
                },
                schedule_rule=rule,
                **published_stamps(actor, now),
            )
            session.add(course)
            await session.flush()
            rows = [CourseSession(course_id=course.id, starts_at=s, ends_at=e) for s, e in sorted(sessions)]
            session.add_all(rows)
            await session.flush()
            ids = [r.id for r in rows]
        await self.audit.record(actor, "course.create", f"course:{course.id}", sessions=len(ids))
        await self.reminders.refresh([f"session:{i}" for i in ids])
        return course

    async def _cancelling(self, session: AsyncSession, course: Course, now: datetime) -> list[str]:
        """The whole course goes: the reminders of all its sessions are withdrawn."""
        ids = (await session.scalars(select(CourseSession.id).where(CourseSession.course_id == course.id))).all()
        return [f"session:{i}" for i in ids]

    async def _tell_cancelled(self, course: Course) -> None:
        notice = Notice("course.cancelled_notice", {"name": course.name})
        await self._tell(course.id, f"course:{course.id}:cancelled", notice, SEATED)

    async def may_change_session(self, actor: int, role: Role | None, session_id: int, action: str) -> None:
        """:meth:`may_change` for one session of a course (its course's region): asked at the press of 改期 or
        取消 of a class, before the new time or the confirmation is asked."""
        target = f"session:{session_id}"
        await self.audit.require_staff(actor, role, action, target)
        async with self.db.session() as session:
            found = (
                await session.execute(
                    select(Course.region_code).join(CourseSession).where(CourseSession.id == session_id)
                )
            ).first()
        if found is not None:
            await self.require_region(actor, action, target, found.region_code)

    async def session_open(self, session_id: int) -> bool:
        """Whether session ``session_id`` is published and still to come (what :meth:`change_session` can change)."""
        async with self.db.session() as session:
            row = await session.get(CourseSession, session_id)
            return row is not None and row.status is EventStatus.PUBLISHED and row.starts_at > self.clock.now()

    async def change_session(
        self, actor: int, role: Role | None, session_id: int, starts_at: datetime | None = None
    ) -> CourseSession | None:
        """Move a session to ``starts_at`` (same length), or cancel it when None. Those enrolled are told once;
        the session's reminder is rescheduled or withdrawn. Refused(OUT_OF_REGION), audited, for a staffer of
        another region than the course's."""
        target = f"session:{session_id}"
        action = "course.move_session" if starts_at else "course.cancel_session"
        last = False
        await self.may_change_session(actor, role, session_id, action)
        now = self.clock.now()
        if starts_at is not None and starts_at <= now:
            raise Invalid("course.session_past")
        async with self.db.session() as session:
            row = await session.get(CourseSession, session_id, with_for_update=True)
            if row is None or row.status is not EventStatus.PUBLISHED or row.starts_at <= now:
                return None
            course = await session.get(Course, row.course_id)
            assert course is not None  # a session's course is a foreign key
            old = session_values(course, row, self.tz)
            if starts_at is None:
                row.status = EventStatus.CANCELLED
                await session.flush()
                last = not await classes_left(session, row.course_id, now)
            else:
                ends_at = starts_at + (row.ends_at - row.starts_at)
                await self._refuse_clash(session, row, starts_at, ends_at)
                row.starts_at, row.ends_at = starts_at, ends_at
            row.revised_at = now
            await session.flush()
            new = session_values(course, row, self.tz)
        await self.audit.record(actor, action, target)
        await self.reminders.refresh([target])
        key = "course.session_cancelled_notice" if starts_at is None else "course.session_moved_notice"
        if starts_at is None and last:  # no class of the course remains: it is over, and its students are told so
            key = "course.last_session_cancelled_notice"
        await self._tell(
            course.id,
            f"{target}:changed:{now:%Y%m%dT%H%M%S}",
            Notice(key, {**new, "old_start": old["start"]}),
            SEATED if last else (SubscriptionKind.ENROLLED,),
        )
        return row

    async def classes_left(self, course_id: int) -> int:
        """How many classes of the course are still to come (0: cancelling its last made it over)."""
        async with self.db.session() as session:
            return await classes_left(session, course_id, self.clock.now())

    async def _refuse_clash(
        self, session: AsyncSession, row: CourseSession, starts_at: datetime, ends_at: datetime
    ) -> None:
        """Invalid naming the class of the same course that a session moved to ``starts_at``–``ends_at`` would
        overlap (two classes of one course at once): course.session_clash when it starts at that very time, else
        course.session_overlap with both spans ("20:00–22:00" asked, "19:00–21:00" there)."""
        other = (
            await session.execute(
                select(CourseSession.starts_at, CourseSession.ends_at)
                .where(
                    CourseSession.course_id == row.course_id,
                    CourseSession.id != row.id,
                    CourseSession.status == EventStatus.PUBLISHED,
                    CourseSession.starts_at < ends_at,
                    CourseSession.ends_at > starts_at,
                )
                .order_by(CourseSession.starts_at)
                .limit(1)
            )
        ).first()
        if other is None:
            return
        if other.starts_at == starts_at:
            raise Invalid("course.session_clash", when=show(other.starts_at, self.tz))
        raise Invalid(
            "course.session_overlap",
            asked=span_shown(starts_at, ends_at, self.tz),
            there=span_shown(other.starts_at, other.ends_at, self.tz),
        )

    async def _tell(self, course_id: int, key: str, notice: Notice, kinds: tuple[SubscriptionKind, ...]) -> None:
        await self._notify(await self.audience.subscribers(course_id=course_id, kinds=kinds), key, notice)

    # ------------------------------------------------------------------ everyone
    async def sessions(self, course_id: int, upcoming_only: bool = True) -> list[CourseSession]:
        query = select(CourseSession).where(CourseSession.course_id == course_id).order_by(CourseSession.starts_at)
        if upcoming_only:
            query = query.where(
                CourseSession.status == EventStatus.PUBLISHED, CourseSession.starts_at > self.clock.now()
            )
        async with self.db.session() as session:
            return list((await session.scalars(query)).all())
