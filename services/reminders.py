"""Reminders that are never missed and never doubled.

The database is the source of truth. The schedule — one APScheduler job per reminder still to come — is derived
from it: rebuilt at start and for one event whenever that event changes, kept in memory, never pickled. A fired
job writes outbox rows keyed by the reminder (event, kind, due time) and the recipient, in one transaction, so a
reminder fired twice is written once. Reminders that fell due while the bot was down are written on start when
still useful (marked 补发 when later than a quarter of their lead: services/reminders_wording.marked_late); the rest are dropped and logged.

Quiet hours: each recipient's row waits until their quiet hours end, unless that would be after the event begins.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import Row, select

from db import unit_of_work
from db.database import Database
from db.models import (
    Appointment,
    AppointmentStatus,
    Competition,
    Course,
    CourseSession,
    Craftsman,
    Demand,
    EventStatus,
    Match,
    OutboxStatus,
    User,
)
from services.audience import Audience, Recipient, batches
from services.clock import Clock
from services.event_notices import appointment_notice, competition_notice, session_notice
from services.local_time import QuietHours
from services.outbox import Notice, Outbox
from services.reminder_plan import (
    AppointmentTimes,
    CompetitionTimes,
    Reminder,
    SessionTimes,
    appointment_plan,
    catch_up,
    competition_plan,
    session_plan,
)
from services.reminders_wording import marked_late, timing
from services.staff_scope import StaffChats
from services.stand_in import stand_ins

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=7)  # at start, events that began this recently are checked for reminders missed while down


@dataclass
class Rebuild:
    """What a rebuild of the schedule found."""

    scheduled: int = 0
    caught_up: int = 0  # due while the bot was down, still useful, written now (those not written before)
    dropped: list[str] = field(default_factory=list)  # due while the bot was down, useless now, never written


def _competition_times(c: Competition) -> CompetitionTimes:
    return CompetitionTimes(c.id, c.published_at, c.revised_at, c.registration_deadline, c.starts_at)


class Reminders:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        outbox: Outbox,
        audience: Audience,
        tz: ZoneInfo,
        staff: StaffChats | None = None,
    ) -> None:
        self.db, self.clock, self.outbox, self.audience, self.tz = db, clock, outbox, audience, tz
        self.staff = staff  # who is reminded for a craftsman without Telegram (services/stand_in.py)
        self.scheduler = AsyncIOScheduler(timezone=tz, job_defaults={"misfire_grace_time": None, "coalesce": True})
        self.after_fire: Callable[[], Awaitable[object]] | None = None  # e.g. flush the sender

    # ------------------------------------------------------------------ the plan, from the database
    async def _plans(self, events: list[str] | None = None) -> dict[str, list[Reminder]]:
        """event → its reminders, for every published event that has not begun or began within LOOKBACK
        (or just ``events``)."""
        now = self.clock.now()
        competition_ids = session_ids = appointment_ids = None
        if events is not None:
            competition_ids = [int(e.split(":")[1]) for e in events if e.startswith("competition:")]
            session_ids = [int(e.split(":")[1]) for e in events if e.startswith("session:")]
            appointment_ids = [int(e.split(":")[1]) for e in events if e.startswith("appointment:")]
        plans: dict[str, list[Reminder]] = {e: [] for e in events or []}
        async with self.db.session() as session:
            query = select(Competition).where(Competition.status == EventStatus.PUBLISHED)
            query = (
                query.where(Competition.id.in_(competition_ids))
                if competition_ids is not None
                else query.where(Competition.starts_at > now - LOOKBACK)
            )
            for c in (await session.scalars(query)).all():
                plans[f"competition:{c.id}"] = competition_plan(_competition_times(c), self.tz)
            sessions = (
                select(
                    CourseSession.id,
                    CourseSession.starts_at,
                    Course.remind_minutes,
                    Course.published_at,
                    CourseSession.revised_at,
                )
                .join(Course, Course.id == CourseSession.course_id)
                .where(Course.status == EventStatus.PUBLISHED, CourseSession.status == EventStatus.PUBLISHED)
            )
            sessions = (
                sessions.where(CourseSession.id.in_(session_ids))
                if session_ids is not None
                else sessions.where(CourseSession.starts_at > now - LOOKBACK)
            )
            for sid, starts_at, minutes, published_at, revised_at in (await session.execute(sessions)).all():
                owed_from = max((t for t in (published_at, revised_at) if t is not None), default=None)
                plans[f"session:{sid}"] = session_plan(SessionTimes(sid, starts_at, minutes, owed_from))
            appointments = select(Appointment.id, Appointment.starts_at, Appointment.booked_at).where(
                Appointment.status == AppointmentStatus.BOOKED
            )
            appointments = (
                appointments.where(Appointment.id.in_(appointment_ids))
                if appointment_ids is not None
                else appointments.where(Appointment.starts_at > now - LOOKBACK)
            )
            for aid, starts_at, booked_at in (await session.execute(appointments)).all():
                plans[f"appointment:{aid}"] = appointment_plan(AppointmentTimes(aid, starts_at, booked_at))
        return plans

    # ------------------------------------------------------------------ the schedule
    async def start(self, autorun: bool = True) -> Rebuild:
        """Rebuild the schedule from the database and start it. ``autorun=False`` (tests, with a manual clock)
        leaves firing to :meth:`run_due`."""
        report = await self.rebuild()
        if not self.scheduler.running:
            self.scheduler.start(paused=not autorun)
        return report

    @property
    def running(self) -> bool:
        """Whether this process keeps the schedule (it leads: runtime/leading.py)."""
        return bool(self.scheduler.running)

    async def clock_moved(self) -> Rebuild | None:
        """The clock was moved on (the console's ``:clock``): the schedule is derived afresh at the new time, as at
        a start — what fell due meanwhile is written (the latest of each chain, 补发) and the rest runs by the
        clock's new offset; what was written is delivered. None when this process keeps no schedule."""
        if not self.running:
            return None
        report = await self.rebuild()
        if self.after_fire is not None:
            await self.after_fire()
        return report

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    async def rebuild(self) -> Rebuild:
        self.scheduler.remove_all_jobs()
        return await self._apply(await self._plans())

    async def refresh(self, events: list[str]) -> Rebuild:
        """An event changed (moved, cancelled, a session added): re-derive its jobs and withdraw what it no
        longer owes."""
        prefixes = tuple(f"{event}:" for event in events)  # a job's id is its reminder's key
        for job in self.scheduler.get_jobs():
            if job.id.startswith(prefixes):
                job.remove()
        plans = await self._plans(events)
        for event, plan in plans.items():
            await self.outbox.withdraw(f"{event}:", keep=[r.key for r in plan])
        return await self._apply(plans)

    async def _apply(self, plans: dict[str, list[Reminder]]) -> Rebuild:
        now, report = self.clock.now(), Rebuild()
        useful, useless = [], []
        for plan in plans.values():
            future, due_useful, due_useless = catch_up(plan, now)
            useful += due_useful
            useless += due_useless
            for reminder in future:
                self._schedule(reminder)
                report.scheduled += 1
        written = await self.outbox.written([r.key for r in useful + useless])
        for reminder in useful:  # just derived from the database and not yet written: no need to check again
            if reminder.key not in written:
                report.caught_up += await self._write(reminder, now) > 0
        for reminder in useless:
            if reminder.key not in written:
                report.dropped.append(reminder.key)
                log.warning(
                    "reminder dropped: fell due while the bot was down and is of no use now",
                    extra={"reminder": reminder.key, "due": reminder.at.isoformat()},
                )
                await self._write(reminder, now, OutboxStatus.EXPIRED)
        return report

    def _schedule(self, reminder: Reminder) -> None:
        self.scheduler.add_job(
            self._fired,
            DateTrigger(run_date=self.clock.real(reminder.at)),  # when the clock (the console's stage) shows it
            args=[reminder],
            id=reminder.key,
            replace_existing=True,
        )

    async def _fired(self, reminder: Reminder) -> None:
        if await self.fire(reminder) and self.after_fire is not None:
            await self.after_fire()

    async def run_due(self) -> int:
        """Fire every scheduled reminder whose time has come by the clock (what a running scheduler does by
        itself); return how many outbox rows were written."""
        now, written = self.clock.now(), 0
        for job in sorted(self.scheduler.get_jobs(), key=lambda j: j.args[0].at):
            if job.args[0].at <= now:  # the reminder's time by the clock (the job's run time is the system clock's)
                job.remove()
                written += await self.fire(job.args[0])
        return written

    def pending(self) -> list[Reminder]:
        """The reminders scheduled and not yet fired, soonest first."""
        return sorted((job.args[0] for job in self.scheduler.get_jobs()), key=lambda r: r.at)

    # ------------------------------------------------------------------ firing: writing the outbox rows
    async def fire(self, reminder: Reminder) -> int:
        """Write ``reminder`` for its recipients once; return how many rows were new. A reminder the event no
        longer owes (it moved or was cancelled since the job was made), already written, or no longer useful
        writes nothing."""
        current = (await self._plans([reminder.event])).get(reminder.event, [])
        if reminder not in current:
            log.info("stale reminder skipped", extra={"reminder": reminder.key})
            return 0
        if await self.outbox.written([reminder.key]):  # written in one transaction: all or none
            return 0
        now = self.clock.now()
        if now >= reminder.expires:
            log.info("reminder dropped: too late to be of use", extra={"reminder": reminder.key})
            return 0
        return await self._write(reminder, now)

    async def _write(self, reminder: Reminder, now: datetime, status: OutboxStatus = OutboxStatus.PENDING) -> int:
        """The outbox rows of ``reminder``, one per current recipient, in one transaction. EXPIRED records a
        reminder missed while the bot was down: who missed what, kept, never sent."""
        notice, recipients = await self._content(reminder)
        if notice is None or not recipients:
            return 0
        owed = [(notice, recipients)]
        if reminder.kind == "appointment":  # a craftsman without Telegram: the staff acting for him, to phone him
            owed += await self._stand_in_content(reminder.event_id, notice)
        written = 0
        unit = nullcontext() if unit_of_work.current(self.db) is not None else self.db.unit_of_work()
        async with unit:  # all of them or none (a reminder written once is never written again)
            for content, people in owed:
                if reminder.what != "published":  # a countdown: worded from when it is sent if that is late
                    content = replace(content, timing=timing(reminder.expires, reminder.at))
                written += await self.outbox.put_batches(
                    batches(people, now, self.tz, reminder.expires),
                    "reminder",
                    reminder.key,
                    content,
                    late=marked_late(reminder.at, reminder.expires, now),
                    expires_at=reminder.expires,
                    status=status,
                )
        return written

    async def _content(self, reminder: Reminder) -> tuple[Notice | None, list[Recipient]]:
        if reminder.kind == "appointment":
            return await self._appointment_content(reminder)
        competition: Competition | None = None
        found: Row[tuple[CourseSession, Course]] | None = None
        async with self.db.session() as session:
            if reminder.kind == "competition":
                competition = await session.get(Competition, reminder.event_id)
            else:
                found = (
                    await session.execute(
                        select(CourseSession, Course)
                        .join(Course, Course.id == CourseSession.course_id)
                        .where(CourseSession.id == reminder.event_id)
                    )
                ).first()
        if competition is not None:
            notice = competition_notice(competition, reminder.what, self.tz)
            if reminder.what == "published":
                return notice, await self.audience.publication(competition.industry_section, competition.region_code)
            return notice, await self.audience.subscribers(competition_id=competition.id)
        if found is None:
            return None, []
        course_session, course = found
        return session_notice(course, course_session, self.tz), await self.audience.subscribers(course_id=course.id)

    async def _appointment_content(self, reminder: Reminder) -> tuple[Notice | None, list[Recipient]]:
        """Both parties of a booked consultation: the enterprise's filer and the craftsman."""
        async with self.db.session() as session:
            found = (
                await session.execute(
                    select(Appointment, Demand.ticket, Demand.user_id, Craftsman.name, Craftsman.user_id)
                    .join(Match, Match.id == Appointment.match_id)
                    .join(Demand, Demand.id == Match.demand_id)
                    .join(Craftsman, Craftsman.id == Match.craftsman_id)
                    .where(Appointment.id == reminder.event_id)
                )
            ).first()
            if found is None:
                return None, []
            appointment, ticket, owner, name, craftsman_user = found
            people = [p for p in (owner, craftsman_user) if p]
            rows = (
                await session.execute(
                    select(User.id, User.quiet_start_minute, User.quiet_end_minute).where(
                        User.id.in_(people), User.blocked_at.is_(None)
                    )
                )
            ).all()
        recipients = [Recipient(user_id, QuietHours(start, end)) for user_id, start, end in rows]
        return appointment_notice(appointment, ticket or "", name, reminder.what, self.tz), recipients

    async def _stand_in_content(self, appointment_id: int, notice: Notice) -> list[tuple[Notice, list[Recipient]]]:
        """A visit of a craftsman without Telegram: its reminder, said to be for him, to the staff acting for him
        (services/stand_in.py: the staffer who last acted, else the region's staff), in their quiet hours."""
        async with self.db.session() as session:
            match_id = await session.scalar(select(Appointment.match_id).where(Appointment.id == appointment_id))
        chats = await stand_ins(self.db, self.staff, match_id) if self.staff and match_id is not None else []
        if not chats:
            return []
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(User.id, User.quiet_start_minute, User.quiet_end_minute).where(User.id.in_(chats))
                )
            ).all()
        quiet = {user_id: QuietHours(start, end) for user_id, start, end in rows}
        people = [Recipient(chat, quiet.get(chat, QuietHours(0, 0))) for chat in chats]  # a group: no quiet hours
        return [(replace(notice, key="booking.reminder_for"), people)]
