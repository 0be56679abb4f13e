"""职工夜校: courses and their sessions, enrolment with a waitlist, and staff moving or cancelling sessions.

A weekly rule is expanded into dated sessions with APScheduler's cron trigger. A full course keeps a waitlist in
order of arrival; when a seat frees the first in line takes it and is told. Enrolment counts under a row lock on
the course, so two workers cannot take the last seat together.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import Course, CourseSession, EventStatus, Role, Subscription, SubscriptionKind
from db.results import rowcount
from services.audience import Audience, batches
from services.audit import AuditLog
from services.clock import Clock
from services.event_notices import session_values
from services.local_time import WEEKDAYS
from services.outbox import Notice, Outbox
from services.regions import RegionDirectory
from services.reminders import Reminders
from services.validation import Invalid

MAX_SESSIONS = 120
TEXT_LIMITS = {"name": 100, "teacher": 60, "place": 200, "link": 500, "description": 1000}
SEATED = (SubscriptionKind.ENROLLED, SubscriptionKind.WAITLISTED)


class Seat(str, enum.Enum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    ALREADY_ENROLLED = "already_enrolled"
    ALREADY_WAITLISTED = "already_waitlisted"
    GONE = "gone"  # cancelled, over, or never existed


@dataclass(frozen=True)
class Enrolment:
    seat: Seat
    position: int = 0  # on the waitlist, 1 = next in line


@dataclass(frozen=True)
class CourseCard:
    """A course as lists show it: its next session, seats taken, and where the asking user stands."""

    course: Course
    next_session: CourseSession | None
    sessions_left: int
    enrolled: int
    waitlisted: int
    mine: SubscriptionKind | None


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


def check(values: dict[str, Any], sessions: list[tuple[datetime, datetime]], now: datetime) -> None:
    if not values.get("name"):
        raise Invalid("course.need_name")
    for name, limit in TEXT_LIMITS.items():
        if values.get(name) and len(values[name]) > limit:
            raise Invalid("input.too_long", max=limit, length=len(values[name]))
    capacity = values.get("capacity")
    if capacity is not None and not 1 <= capacity <= 10_000:
        raise Invalid("course.bad_capacity", value=capacity)
    if not 0 <= values.get("remind_minutes", 60) <= 7 * 24 * 60:
        raise Invalid("course.bad_lead")
    if not sessions:
        raise Invalid("course.no_sessions")
    if len(sessions) > MAX_SESSIONS:
        raise Invalid("course.too_many_sessions", max=MAX_SESSIONS)
    if min(s for s, _ in sessions) <= now:
        raise Invalid("course.session_past")


async def _lock(session: AsyncSession, course_id: int) -> bool:
    """Lock the course row before counting seats (PostgreSQL: a row lock; SQLite: the write lock), changing
    nothing; False when it is not published."""
    result = await session.execute(
        update(Course)
        .where(Course.id == course_id, Course.status == EventStatus.PUBLISHED)
        .values(revision=Course.revision, updated_at=Course.updated_at)
    )
    return bool(rowcount(result))


class Courses:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        outbox: Outbox,
        audience: Audience,
        reminders: Reminders,
        regions: RegionDirectory,
        tz: ZoneInfo,
        remind_minutes: int = 60,
    ) -> None:
        self.db, self.clock, self.audit, self.outbox = db, clock, audit, outbox
        self.audience, self.reminders, self.regions, self.tz = audience, reminders, regions, tz
        self.remind_minutes = remind_minutes

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
        check(values, sessions, now)
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
                status=EventStatus.PUBLISHED,
                created_by=actor,
                published_at=now,
                created_at=now,
                updated_at=now,
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

    async def cancel(self, actor: int, role: Role | None, course_id: int) -> Course | None:
        """Cancel the whole course: everyone enrolled or waiting is told once; its reminders are withdrawn."""
        target = f"course:{course_id}"
        await self.audit.require_staff(actor, role, "course.cancel", target)
        now = self.clock.now()
        async with self.db.session() as session:
            course = await session.get(Course, course_id, with_for_update=True)
            if course is None or course.status is not EventStatus.PUBLISHED:
                return None
            course.status, course.revision, course.updated_at = EventStatus.CANCELLED, course.revision + 1, now
            ids = list(
                (await session.scalars(select(CourseSession.id).where(CourseSession.course_id == course_id))).all()
            )
        await self.audit.record(actor, "course.cancel", target)
        await self.reminders.refresh([f"session:{i}" for i in ids])
        await self._tell(
            course.id, f"course:{course_id}:cancelled", Notice("course.cancelled_notice", {"name": course.name}), SEATED
        )
        return course

    async def change_session(
        self, actor: int, role: Role | None, session_id: int, starts_at: datetime | None = None
    ) -> CourseSession | None:
        """Move a session to ``starts_at`` (same length), or cancel it when None. Those enrolled are told once;
        the session's reminder is rescheduled or withdrawn."""
        target = f"session:{session_id}"
        action = "course.move_session" if starts_at else "course.cancel_session"
        await self.audit.require_staff(actor, role, action, target)
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
            else:
                row.starts_at, row.ends_at = starts_at, starts_at + (row.ends_at - row.starts_at)
            row.revised_at = now
            await session.flush()
            new = session_values(course, row, self.tz)
        await self.audit.record(actor, action, target)
        await self.reminders.refresh([target])
        key = "course.session_cancelled_notice" if starts_at is None else "course.session_moved_notice"
        await self._tell(
            course.id,
            f"{target}:changed:{now:%Y%m%dT%H%M%S}",
            Notice(key, {**new, "old_start": old["start"]}),
            (SubscriptionKind.ENROLLED,),
        )
        return row

    async def _tell(self, course_id: int, key: str, notice: Notice, kinds: tuple[SubscriptionKind, ...]) -> None:
        recipients = await self.audience.subscribers(course_id=course_id, kinds=kinds)
        await self.outbox.put_batches(batches(recipients, self.clock.now(), self.tz), "notice", key, notice)

    # ------------------------------------------------------------------ everyone
    async def get(self, course_id: int) -> Course | None:
        async with self.db.session() as session:
            return await session.get(Course, course_id)

    async def sessions(self, course_id: int, upcoming_only: bool = True) -> list[CourseSession]:
        query = select(CourseSession).where(CourseSession.course_id == course_id).order_by(CourseSession.starts_at)
        if upcoming_only:
            query = query.where(
                CourseSession.status == EventStatus.PUBLISHED, CourseSession.starts_at > self.clock.now()
            )
        async with self.db.session() as session:
            return list((await session.scalars(query)).all())

    async def cards(
        self, user_id: int, region_code: str | None = None, is_staff: bool = False, only_mine: bool = False
    ) -> list[CourseCard]:
        """Published courses with a session still to come, in the user's region (staff: all), soonest first."""
        now = self.clock.now()
        next_start = (
            select(CourseSession.course_id, func.min(CourseSession.starts_at).label("next"), func.count().label("left"))
            .where(CourseSession.status == EventStatus.PUBLISHED, CourseSession.starts_at > now)
            .group_by(CourseSession.course_id)
            .subquery()
        )
        query = (
            select(Course, next_start.c.next, next_start.c.left)
            .join(next_start, next_start.c.course_id == Course.id)
            .where(Course.status == EventStatus.PUBLISHED)
            .order_by(next_start.c.next, Course.id)
        )
        if not is_staff and not only_mine:
            query = query.where(
                or_(Course.region_code.is_(None), Course.region_code.in_(self.regions.ancestors(region_code)))
            )
        async with self.db.session() as session:
            mine: dict[int | None, SubscriptionKind] = dict(
                (
                    await session.execute(
                        select(Subscription.course_id, Subscription.kind).where(
                            Subscription.user_id == user_id, Subscription.course_id.is_not(None)
                        )
                    )
                )
                .tuples()
                .all()
            )
            if only_mine:
                query = query.where(Course.id.in_(list(mine)))
            rows = (await session.execute(query)).all()
            counts: dict[tuple[int, SubscriptionKind], int] = {}
            if rows:
                counted = await session.execute(
                    select(Subscription.course_id, Subscription.kind, func.count())
                    .where(Subscription.course_id.in_([c.id for c, _, _ in rows]))
                    .group_by(Subscription.course_id, Subscription.kind)
                )
                counts = {(cid, kind): n for cid, kind, n in counted.all()}
            cards = []
            for course, next_at, left in rows:
                upcoming = await session.scalar(
                    select(CourseSession)
                    .where(
                        CourseSession.course_id == course.id,
                        CourseSession.starts_at == next_at,
                        CourseSession.status == EventStatus.PUBLISHED,
                    )
                    .limit(1)
                )
                cards.append(
                    CourseCard(
                        course,
                        upcoming,
                        left,
                        counts.get((course.id, SubscriptionKind.ENROLLED), 0),
                        counts.get((course.id, SubscriptionKind.WAITLISTED), 0),
                        mine.get(course.id),
                    )
                )
        return cards

    async def enrol(self, user_id: int, course_id: int) -> Enrolment:
        """Take a seat, or a place on the waitlist when the course is full."""
        now = self.clock.now()
        async with self.db.session() as session:
            locked = await _lock(session, course_id)
            has_future = await session.scalar(
                select(func.count())
                .select_from(CourseSession)
                .where(
                    CourseSession.course_id == course_id,
                    CourseSession.status == EventStatus.PUBLISHED,
                    CourseSession.starts_at > now,
                )
            )
            if not locked or not has_future:
                return Enrolment(Seat.GONE)
            course = await session.get(Course, course_id)
            assert course is not None  # _lock updated its row
            mine = await session.scalar(
                select(Subscription).where(Subscription.user_id == user_id, Subscription.course_id == course_id)
            )
            if mine is not None:
                if mine.kind is SubscriptionKind.ENROLLED:
                    return Enrolment(Seat.ALREADY_ENROLLED)
                return Enrolment(Seat.ALREADY_WAITLISTED, await self._position(session, mine))
            taken = (
                await session.scalar(
                    select(func.count())
                    .select_from(Subscription)
                    .where(Subscription.course_id == course_id, Subscription.kind == SubscriptionKind.ENROLLED)
                )
                or 0
            )
            full = course.capacity is not None and taken >= course.capacity
            row = Subscription(
                user_id=user_id,
                course_id=course_id,
                created_at=now,
                kind=SubscriptionKind.WAITLISTED if full else SubscriptionKind.ENROLLED,
            )
            session.add(row)
            await session.flush()
            if full:
                return Enrolment(Seat.WAITLISTED, await self._position(session, row))
        return Enrolment(Seat.ENROLLED)

    @staticmethod
    async def _position(session: AsyncSession, row: Subscription) -> int:
        ahead = await session.scalar(
            select(func.count())
            .select_from(Subscription)
            .where(
                Subscription.course_id == row.course_id,
                Subscription.kind == SubscriptionKind.WAITLISTED,
                or_(
                    Subscription.created_at < row.created_at,
                    (Subscription.created_at == row.created_at) & (Subscription.id < row.id),
                ),
            )
        )
        return (ahead or 0) + 1

    async def leave(self, user_id: int, course_id: int) -> tuple[bool, int | None]:
        """Give up a seat or a waitlist place: (whether there was one, who was promoted into the freed seat)."""
        promoted = None
        async with self.db.session() as session:
            await _lock(session, course_id)
            mine = await session.scalar(
                select(Subscription).where(Subscription.user_id == user_id, Subscription.course_id == course_id)
            )
            if mine is None:
                return False, None
            await session.delete(mine)
            course = await session.get(Course, course_id)
            if mine.kind is SubscriptionKind.ENROLLED and course is not None and course.status is EventStatus.PUBLISHED:
                first = await session.scalar(
                    select(Subscription)
                    .where(Subscription.course_id == course_id, Subscription.kind == SubscriptionKind.WAITLISTED)
                    .order_by(Subscription.created_at, Subscription.id)
                    .limit(1)
                )
                if first is not None:
                    first.kind, promoted = SubscriptionKind.ENROLLED, first.user_id
        if promoted is not None:
            assert course is not None  # a seat is handed on only in a published course
            now = self.clock.now()
            recipients = [r for r in await self.audience.subscribers(course_id=course_id) if r.user_id == promoted]
            await self.outbox.put_batches(
                batches(recipients, now, self.tz),
                "notice",
                f"course:{course_id}:promoted:{promoted}:{now:%Y%m%dT%H%M%S}",
                Notice("course.promoted_notice", {"name": course.name}),
            )
        return True, promoted
