"""职工夜校, the workers' side: the course cards a worker sees, enrolment with a waitlist, and giving a seat up.

A full course keeps a waitlist in order of arrival; when a seat frees the first in line takes it and is told.
Enrolment counts under a row lock on the course, so two workers cannot take the last seat together. Staff's side
(publishing, moving and cancelling sessions) is services/courses.py, whose ``Courses`` extends this class.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from db.models import Course, CourseSession, EventStatus, Subscription, SubscriptionKind
from db.results import rowcount
from services.events_common import EventService
from services.outbox import Notice


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


async def _lock(session: AsyncSession, course_id: int) -> bool:
    """Lock the course row before counting seats (PostgreSQL: a row lock; SQLite: the write lock), changing
    nothing; False when it is not published."""
    result = await session.execute(
        update(Course)
        .where(Course.id == course_id, Course.status == EventStatus.PUBLISHED)
        .values(revision=Course.revision, updated_at=Course.updated_at)
    )
    return bool(rowcount(result))


@dataclass(frozen=True)
class Clash:
    """A class of the course enrolled in that overlaps a class of another course the user is seated in."""

    other: str  # the other course's name
    other_starts: datetime
    other_ends: datetime
    starts: datetime
    ends: datetime


async def classes_left(session: AsyncSession, course_id: int, now: datetime) -> int:
    """How many classes of the course are still to come."""
    left = await session.scalar(
        select(func.count())
        .select_from(CourseSession)
        .where(
            CourseSession.course_id == course_id,
            CourseSession.status == EventStatus.PUBLISHED,
            CourseSession.starts_at > now,
        )
    )
    return left or 0


class CourseEnrolment(EventService[Course]):
    model, kind = Course, "course"

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
            has_future = await classes_left(session, course_id, now)
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

    async def clashes(self, user_id: int, course_id: int, limit: int = 3) -> list[Clash]:
        """The classes still to come of ``course_id`` that overlap a class of another published course the user is
        enrolled or waitlisted in, soonest first (at most ``limit``): told at enrolment, both seats kept."""
        now, mine, theirs = self.clock.now(), aliased(CourseSession), aliased(CourseSession)
        query = (
            select(Course.name, theirs.starts_at, theirs.ends_at, mine.starts_at, mine.ends_at)
            .select_from(mine)
            .join(
                theirs,
                and_(
                    theirs.course_id != mine.course_id, theirs.starts_at < mine.ends_at, theirs.ends_at > mine.starts_at
                ),
            )
            .join(Course, Course.id == theirs.course_id)
            .join(Subscription, Subscription.course_id == theirs.course_id)
            .where(
                mine.course_id == course_id,
                mine.status == EventStatus.PUBLISHED,
                mine.starts_at > now,
                theirs.status == EventStatus.PUBLISHED,
                theirs.starts_at > now,
                Course.status == EventStatus.PUBLISHED,
                Subscription.user_id == user_id,
                Subscription.kind.in_((SubscriptionKind.ENROLLED, SubscriptionKind.WAITLISTED)),
            )
            .order_by(mine.starts_at, theirs.starts_at)
            .limit(limit)
        )
        async with self.db.session() as session:
            return [Clash(*row) for row in (await session.execute(query)).all()]

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

    async def standing(self, user_id: int, course_id: int) -> SubscriptionKind | None:
        """Where the user stands in the course: a seat, a waitlist place, or nothing."""
        async with self.db.session() as session:
            kind: SubscriptionKind | None = await session.scalar(
                select(Subscription.kind).where(Subscription.user_id == user_id, Subscription.course_id == course_id)
            )
        return kind

    async def leave(
        self, user_id: int, course_id: int, asked_about: SubscriptionKind | None = None
    ) -> tuple[bool, int | None]:
        """Give up a seat or a waitlist place: (whether there was one, who was promoted into the freed seat).

        ``asked_about`` binds a confirmed leave to the standing its question named: when the user stands
        otherwise now (promoted from the waitlist since), nothing is given up and (False, None) is returned."""
        promoted = None
        async with self.db.session() as session:
            await _lock(session, course_id)
            mine = await session.scalar(
                select(Subscription).where(Subscription.user_id == user_id, Subscription.course_id == course_id)
            )
            if mine is None or (asked_about is not None and mine.kind is not asked_about):
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
            await self._notify(
                recipients,
                f"course:{course_id}:promoted:{promoted}:{now:%Y%m%dT%H%M%S}",
                Notice("course.promoted_notice", {"name": course.name}),
            )
        return True, promoted
