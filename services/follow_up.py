"""回访: the enterprise confirms a resolution (recorded by services/resolution.py) or reopens it; on confirming it
rates the service 1–5 stars with an optional comment (reminded once after 3 days), which updates the craftsman's
rating and satisfaction rate. The craftsman's open cases (/tasks) are listed here too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.follow_up import RateCase, Reopen
from db.database import Database
from db.models import (
    Appointment,
    AppointmentStatus,
    Craftsman,
    Demand,
    DemandStatus,
    DemandStatusHistory,
    Feedback,
    Match,
    MatchStatus,
)
from services.appointments import SERVING, booked_ahead
from services.audit import AuditLog
from services.clock import Clock
from services.outbox import Button, Notice, Outbox
from services.reminders import Reminders
from services.resolution import Resolution, round_of
from services.results import Done, Reason, Refused
from services.service_record import (
    ENTERPRISE,
    Stop,
    contact_values,
    craftsman_of_user,
    transition,
)
from services.staff_scope import StaffChats
from services.time_checks import fold

REMIND_AFTER = timedelta(days=3)
MAX_COMMENT = 500


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    mean: float | None
    satisfied: float | None  # share of 4–5 stars


@dataclass(frozen=True)
class Case:
    """One of the craftsman's cases, as /tasks lists it."""

    match_id: int
    demand_id: int
    ticket: str
    match_status: MatchStatus
    demand_status: DemandStatus
    text: str
    enterprise: str | None  # shown only once accepted
    contact: str | None
    phone: str | None
    booked_at: object | None  # the booked appointment's start


_STAR_MARKS = "★⭐🌟"
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\ufe0f"))  # zero-width, emoji style
_NUMBER = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_STARS = re.compile(
    rf"(?:给|打)?(?P<n>[1-5一二两三四五])(?:颗星|个星|星|分|stars?|[{_STAR_MARKS}])?(?:好评)?"
    rf"|(?P<marks>[{_STAR_MARKS}]{{1,5}})"
)
_END_MARKS = "!！。.~～ "


def read_stars(text: str) -> int | None:
    """A rating typed at the star question instead of pressed: "5", "５", "五", "5星", "五颗星", "给5星", "打5分",
    "5⭐", "★★★★", "五星！" (also traditional and full-width; zero-width characters ignored), or None when ``text`` is
    not 1–5 stars: only a bare number or one said in stars or points ("3人" is three people, not a rating; "²" a
    superscript)."""
    if any(unicodedata.decomposition(ch).startswith(("<super>", "<sub>")) for ch in text):
        return None  # "²" folds to 2, but is no rating typed (the console's demo enterprise typed it by mistake)
    folded = (fold(text.translate(_INVISIBLE)) or "").replace(" ", "").rstrip(_END_MARKS)
    found = _STARS.fullmatch(folded)
    if found is None:
        return None
    return _NUMBER[found["n"]] if found["n"] else len(found["marks"])


LEGACY_ROUND = 0  # what a button sent before rounds existed carries (buttons/follow_up.py's default)


async def _resolved_once(session: AsyncSession, demand_id: int) -> bool:
    """Whether the demand was resolved only once: then a button without a round (sent before rounds existed) can
    only be of this round, and still confirms or rates it."""
    times = await session.scalar(
        select(func.count())
        .select_from(DemandStatusHistory)
        .where(DemandStatusHistory.demand_id == demand_id, DemandStatusHistory.to_status == DemandStatus.RESOLVED.value)
    )
    return times == 1


def stars_buttons(demand_id: int, round_: int) -> list[list[Button]]:
    return [[Button("follow.star", RateCase(demand_id, n, round_), {"n": n}) for n in range(1, 6)]]


@dataclass(frozen=True)
class Awaiting:
    """A user's resolved demands waiting for them (:meth:`FollowUp.awaiting`): ``rating``, (demand id, round) of
    those whose day-3 reminder asked for stars; ``confirmation``, the tickets of those only asked 问题解决了吗？."""

    rating: tuple[tuple[int, int], ...]
    confirmation: tuple[str, ...]


class FollowUp(Resolution):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        outbox: Outbox,
        staff: StaffChats,
        reminders: Reminders,
        tz: ZoneInfo,
    ) -> None:
        self.db, self.clock, self.audit, self.outbox, self.staff = db, clock, audit, outbox, staff
        self.reminders, self.tz = reminders, tz

    # ------------------------------------------------------------------ the craftsman's cases
    async def cases(self, user_id: int) -> list[Case]:
        async with self.db.session() as session:
            craftsman = await craftsman_of_user(session, user_id)
            if craftsman is None:
                raise Refused(Reason.NOT_CRAFTSMAN)
            rows = (
                await session.execute(
                    select(Match, Demand)
                    .join(Demand, Demand.id == Match.demand_id)
                    .where(
                        Match.craftsman_id == craftsman.id,
                        ((Match.status == MatchStatus.OFFERED) & (Demand.status == DemandStatus.MATCHED))
                        | (
                            (Match.status == MatchStatus.ACCEPTED)
                            & Demand.status.in_((*SERVING, DemandStatus.RESOLVED))
                        ),
                    )
                    .order_by(Demand.id)
                )
            ).all()
            out = []
            for match, demand in rows:
                # the contact only once accepted, as with the offer itself
                contact = await contact_values(session, demand) if match.status is MatchStatus.ACCEPTED else {}
                booked = await session.scalar(
                    select(Appointment.starts_at).where(
                        Appointment.match_id == match.id, Appointment.status == AppointmentStatus.BOOKED
                    )
                )
                out.append(
                    Case(
                        match.id,
                        demand.id,
                        demand.ticket or "",
                        match.status,
                        demand.status,
                        (demand.text or demand.training_topic or "")[:200],
                        contact.get("enterprise"),
                        contact.get("contact"),
                        contact.get("phone"),
                        booked,
                    )
                )
            return out

    @staticmethod
    async def _owned_resolved(session: AsyncSession, user_id: int, demand_id: int, round_: int) -> Demand:
        """The user's own demand ``demand_id``, resolved in round ``round_`` and waiting for them; else Stop (STALE
        for a press or answer of another round: the case was reopened, and maybe resolved again, since)."""
        demand = await session.get(Demand, demand_id, with_for_update=True)
        if demand is None:
            raise Stop(Reason.NOT_FOUND)
        if demand.user_id != user_id:
            raise Stop(Reason.NOT_YOURS, f"demand:{demand_id}")
        if demand.status is not DemandStatus.RESOLVED:
            raise Stop(Reason.STALE, status=demand.status.value)
        if round_of(demand) != round_ and not (round_ == LEGACY_ROUND and await _resolved_once(session, demand_id)):
            raise Stop(Reason.STALE, status=demand.status.value)
        return demand

    async def confirm(self, user_id: int, demand_id: int, round_: int) -> Done:
        """✅ 已解决 pressed: DONE when it is the current round's (the stars are asked next), else the refusal."""
        try:
            async with self.db.session() as session:
                await self._owned_resolved(session, user_id, demand_id, round_)
        except Stop as stop:
            await stop.audit(self.audit, user_id, "case.confirm")
            raise
        return Done(demand_id)

    async def still_asked(self, user_id: int, demand_id: int, round_: int | None) -> bool:
        """Whether the star question of round ``round_`` still waits for the user (asked again after a restart)."""
        async with self.db.session() as session:
            demand = await session.get(Demand, demand_id)
            return (
                demand is not None
                and demand.user_id == user_id
                and demand.status is DemandStatus.RESOLVED
                and round_of(demand) == round_
            )

    async def reopen(self, user_id: int, demand_id: int, round_: int) -> Done:
        """The enterprise says the problem is not solved: back to the craftsman, who is told — ``scheduled`` when
        a booked visit is still to come (it stays booked and reminded), else ``accepted``."""
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                demand = await self._owned_resolved(session, user_id, demand_id, round_)
                ahead = await booked_ahead(session, demand_id, now)
                back = DemandStatus.SCHEDULED if ahead is not None else DemandStatus.ACCEPTED
                if not await transition(session, demand, back, user_id, now, note="reopened"):
                    raise Stop(Reason.STALE, status=demand.status.value)
                demand.resolved_at = demand.rating_reminded_at = None  # typed stars wait for the next reminder
                craftsman_user = await session.scalar(
                    select(Craftsman.user_id)
                    .join(Match)
                    .where(Match.demand_id == demand_id, Match.status == MatchStatus.ACCEPTED)
                )
                ticket = demand.ticket or ""
        except Stop as stop:
            await stop.audit(self.audit, user_id, "case.reopen")
            raise
        told = (  # the craftsman carries on; staff follow the case up with him
            ([craftsman_user] if craftsman_user else [], "follow.reopened_other", ""),
            (await self.staff.for_demand(demand_id), "follow.reopened_staff", ":staff"),
        )
        for chats, key, part in told:
            await self.outbox.put(
                chats,
                "notice",
                f"demand:{demand_id}:reopened:{now.isoformat()}{part}",
                Notice(key, values={"ticket": ticket}),
            )
        return Done(demand_id)

    async def rate(self, user_id: int, demand_id: int, stars: int, round_: int) -> Done:
        """The enterprise confirms the solution of round ``round_`` with 1–5 stars: stored once, the craftsman's
        rating updated, the demand ``closed``."""
        if not 1 <= stars <= 5:
            raise ValueError("stars")
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                demand = await self._owned_resolved(session, user_id, demand_id, round_)
                if not await transition(
                    session, demand, DemandStatus.CLOSED, user_id, now, note=f"{stars}★", visibility=ENTERPRISE
                ):
                    raise Stop(Reason.STALE, status=demand.status.value)
                craftsman = await session.scalar(
                    select(Craftsman)
                    .join(Match)
                    .where(Match.demand_id == demand_id, Match.status == MatchStatus.ACCEPTED)
                    .with_for_update()
                )
                session.add(
                    Feedback(
                        demand_id=demand_id, from_user_id=user_id, from_role="enterprise", stars=stars, created_at=now
                    )
                )
                if craftsman is not None:
                    craftsman.rating_sum += stars
                    craftsman.rating_count += 1
                ticket, craftsman_user = demand.ticket or "", craftsman.user_id if craftsman else None
                dropped = await self._drop_visits_ahead(session, demand_id, now)
        except Stop as stop:
            await stop.audit(self.audit, user_id, "case.rate")
            raise
        await self.reminders.refresh([f"appointment:{i}" for i in dropped])
        if craftsman_user:
            await self.outbox.put(
                [craftsman_user],
                "notice",
                f"demand:{demand_id}:rated",
                Notice("follow.rated_craftsman", values={"ticket": ticket, "stars": "★" * stars}),
            )
        return Done(demand_id, values={"ticket": ticket})

    @staticmethod
    async def _drop_visits_ahead(session: AsyncSession, demand_id: int, now: datetime) -> list[int]:
        """A case closed before its booked visit (staff closed it early): the visit is cancelled. Returns ids."""
        ids = list(
            (
                await session.scalars(
                    select(Appointment.id)
                    .join(Match, Match.id == Appointment.match_id)
                    .where(
                        Match.demand_id == demand_id,
                        Appointment.status == AppointmentStatus.BOOKED,
                        Appointment.starts_at > now,
                    )
                )
            ).all()
        )
        if ids:
            await session.execute(
                update(Appointment)
                .where(Appointment.id.in_(ids))
                .values(status=AppointmentStatus.CANCELLED, updated_at=now)
            )
        return ids

    async def comment(self, user_id: int, demand_id: int, text: str) -> Done:
        async with self.db.session() as session:
            feedback = await session.scalar(
                select(Feedback).where(Feedback.demand_id == demand_id, Feedback.from_user_id == user_id)
            )
            if feedback is None:
                raise Refused(Reason.NOT_FOUND)
            feedback.comment = text.strip()[:MAX_COMMENT]
        return Done(demand_id)

    async def awaiting(self, user_id: int) -> Awaiting:
        """The user's resolved demands waiting for them, read once: those whose day-3 reminder of the current round
        asked for stars and that are not rated yet (what stars typed outside any question may be for), and those that
        only asked 问题解决了吗？ so far. A digit typed before the reminder neither confirms nor rates (after ✅ the star
        question itself reads typed stars); a reopen clears the reminder."""
        async with self.db.session() as session:
            found = (
                await session.scalars(
                    select(Demand)
                    .where(Demand.user_id == user_id, Demand.status == DemandStatus.RESOLVED)
                    .order_by(Demand.id)
                )
            ).all()
        return Awaiting(
            tuple((d.id, round_of(d)) for d in found if d.rating_reminded_at is not None),
            tuple(d.ticket or "" for d in found if d.rating_reminded_at is None),
        )

    async def remind_ratings(self) -> int:
        """Three days after resolution, remind an enterprise that has not confirmed or rated — once."""
        now = self.clock.now()
        async with self.db.session() as session:
            rows = (
                await session.scalars(
                    select(Demand).where(
                        Demand.status == DemandStatus.RESOLVED,
                        Demand.resolved_at <= now - REMIND_AFTER,
                        Demand.rating_reminded_at.is_(None),
                    )
                )
            ).all()
            owed = [(d.id, d.user_id, d.ticket or "", round_of(d)) for d in rows if d.user_id]
            for demand in rows:
                demand.rating_reminded_at = now
        for demand_id, owner, ticket, round_ in owed:
            await self.outbox.put(
                [owner],
                "notice",
                f"demand:{demand_id}:rating_reminder:{round_}",  # each round's own reminder
                Notice(
                    "follow.rating_reminder",
                    values={"ticket": ticket},
                    buttons=[*stars_buttons(demand_id, round_), [Button("follow.reopen", Reopen(demand_id, round_))]],
                ),
            )
        return len(owed)

    async def satisfaction(self, craftsman_id: int | None = None) -> Satisfaction:
        """Ratings of one craftsman (or of everyone): count, mean, share of 4–5 stars."""
        query = select(func.count(), func.avg(Feedback.stars), func.sum(case((Feedback.stars >= 4, 1), else_=0))).where(
            Feedback.from_role == "enterprise"
        )
        if craftsman_id is not None:
            query = query.join(
                Match, (Match.demand_id == Feedback.demand_id) & (Match.status == MatchStatus.ACCEPTED)
            ).where(Match.craftsman_id == craftsman_id)
        async with self.db.session() as session:
            count, mean, good = (await session.execute(query)).one()
        if not count:
            return Satisfaction(0, None, None)
        return Satisfaction(count, round(float(mean), 2), round((good or 0) / count, 3))
