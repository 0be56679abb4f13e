"""Resolution and 回访: the craftsman records the solution and the figures the union counts (workers trained,
economic benefit in yuan); the enterprise confirms or reopens; on confirming it rates the service 1–5 stars with
an optional comment (reminded once after 3 days), which updates the craftsman's rating and satisfaction rate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.follow_up import ConfirmSolved, RateCase, Reopen
from db.database import Database
from db.models import Appointment, AppointmentStatus, Craftsman, Demand, DemandStatus, Feedback, Match, MatchStatus
from services.audit import AuditLog
from services.booking import SERVING
from services.clock import Clock
from services.outbox import Button, Notice, Outbox
from services.service_record import (
    ENTERPRISE,
    Outcome,
    Result,
    StaffChats,
    Stop,
    contact_values,
    craftsman_of_user,
    craftsmans_match,
    transition,
)

REMIND_AFTER = timedelta(days=3)
MAX_SUMMARY, MAX_COMMENT = 1000, 500
MAX_TRAINED, MAX_BENEFIT = 100_000, Decimal("100000000000")


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


def stars_buttons(demand_id: int) -> list[list[Button]]:
    return [[Button("follow.star", RateCase(demand_id, n), {"n": n}) for n in range(1, 6)]]


class FollowUp:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, outbox: Outbox, staff: StaffChats) -> None:
        self.db, self.clock, self.audit, self.outbox, self.staff = db, clock, audit, outbox, staff

    # ------------------------------------------------------------------ the craftsman's cases
    async def cases(self, user_id: int) -> list[Case] | Result:
        async with self.db.session() as session:
            craftsman = await craftsman_of_user(session, user_id)
            if craftsman is None:
                return Result(Outcome.NOT_CRAFTSMAN)
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

    # ------------------------------------------------------------------ resolution
    async def resolve(self, user_id: int, match_id: int, summary: str, trained: int, benefit: Decimal) -> Result:
        if (
            not summary.strip()
            or len(summary) > MAX_SUMMARY
            or not 0 <= trained <= MAX_TRAINED
            or not Decimal(0) <= benefit < MAX_BENEFIT
        ):
            raise ValueError("out of range")
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                _, demand, craftsman = await craftsmans_match(session, user_id, match_id, MatchStatus.ACCEPTED, SERVING)
                values = await self._record_resolution(
                    session, demand, craftsman, user_id, summary, trained, benefit, now
                )
                await session.execute(
                    update(Appointment)
                    .where(Appointment.match_id == match_id, Appointment.status == AppointmentStatus.BOOKED)
                    .values(status=AppointmentStatus.DONE, updated_at=now)
                )
                owner, demand_id = demand.user_id, demand.id
        except Stop as stop:
            return await stop.settle(self.audit, user_id, "case.resolve")
        if owner:
            await self.outbox.put(
                [owner],
                "notice",
                f"demand:{demand_id}:resolved:{now.isoformat()}",
                Notice(
                    "follow.resolved_enterprise",
                    values=values,
                    buttons=[
                        [Button("follow.confirm", ConfirmSolved(demand_id)), Button("follow.reopen", Reopen(demand_id))]
                    ],
                ),
            )
        await self.outbox.put(
            await self.staff(),
            "notice",
            f"demand:{demand_id}:resolved:{now.isoformat()}",
            Notice("follow.resolved_staff", values=values),
        )
        return Result(Outcome.DONE, demand_id, match_id)

    @staticmethod
    async def _record_resolution(
        session: AsyncSession,
        demand: Demand,
        craftsman: Craftsman,
        user_id: int,
        summary: str,
        trained: int,
        benefit: Decimal,
        now: datetime,
    ) -> dict[str, str | int]:
        if not await transition(session, demand, DemandStatus.RESOLVED, user_id, now, from_=SERVING):
            raise Stop(Result(Outcome.STALE, demand.id, detail={"status": demand.status.value}))
        demand.solution_summary, demand.workers_trained = summary.strip(), trained
        demand.economic_benefit, demand.resolved_at = benefit, now
        return {
            "ticket": demand.ticket or "",
            "name": craftsman.name,
            "summary": demand.solution_summary,
            "trained": trained,
            "benefit": f"{benefit:,.2f}",
        }

    @staticmethod
    async def _owned_resolved(session: AsyncSession, user_id: int, demand_id: int) -> Demand:
        """The user's own demand ``demand_id``, resolved and waiting for them; else Stop."""
        demand = await session.get(Demand, demand_id, with_for_update=True)
        if demand is None:
            raise Stop(Result(Outcome.NOT_FOUND))
        if demand.user_id != user_id:
            raise Stop(Result(Outcome.NOT_YOURS, demand_id), f"demand:{demand_id}")
        if demand.status is not DemandStatus.RESOLVED:
            raise Stop(Result(Outcome.STALE, demand_id, detail={"status": demand.status.value}))
        return demand

    async def reopen(self, user_id: int, demand_id: int) -> Result:
        """The enterprise says the problem is not solved: back to the craftsman (``accepted``), who is told."""
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                demand = await self._owned_resolved(session, user_id, demand_id)
                if not await transition(session, demand, DemandStatus.ACCEPTED, user_id, now, note="reopened"):
                    raise Stop(Result(Outcome.STALE, demand_id, detail={"status": demand.status.value}))
                demand.resolved_at = None
                craftsman_user = await session.scalar(
                    select(Craftsman.user_id)
                    .join(Match)
                    .where(Match.demand_id == demand_id, Match.status == MatchStatus.ACCEPTED)
                )
                ticket = demand.ticket or ""
        except Stop as stop:
            return await stop.settle(self.audit, user_id, "case.reopen")
        for chats in ([craftsman_user] if craftsman_user else [], await self.staff()):
            await self.outbox.put(
                chats,
                "notice",
                f"demand:{demand_id}:reopened:{now.isoformat()}",
                Notice("follow.reopened_other", values={"ticket": ticket}),
            )
        return Result(Outcome.DONE, demand_id)

    async def rate(self, user_id: int, demand_id: int, stars: int) -> Result:
        """The enterprise confirms the solution with 1–5 stars: stored once, the craftsman's rating updated,
        the demand ``closed``."""
        if not 1 <= stars <= 5:
            raise ValueError("stars")
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                demand = await self._owned_resolved(session, user_id, demand_id)
                if not await transition(
                    session, demand, DemandStatus.CLOSED, user_id, now, note=f"{stars}★", visibility=ENTERPRISE
                ):
                    raise Stop(Result(Outcome.STALE, demand_id, detail={"status": demand.status.value}))
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
        except Stop as stop:
            return await stop.settle(self.audit, user_id, "case.rate")
        if craftsman_user:
            await self.outbox.put(
                [craftsman_user],
                "notice",
                f"demand:{demand_id}:rated",
                Notice("follow.rated_craftsman", values={"ticket": ticket, "stars": "★" * stars}),
            )
        return Result(Outcome.DONE, demand_id, detail={"ticket": ticket})

    async def comment(self, user_id: int, demand_id: int, text: str) -> Result:
        async with self.db.session() as session:
            feedback = await session.scalar(
                select(Feedback).where(Feedback.demand_id == demand_id, Feedback.from_user_id == user_id)
            )
            if feedback is None:
                return Result(Outcome.NOT_FOUND)
            feedback.comment = text.strip()[:MAX_COMMENT]
        return Result(Outcome.DONE, demand_id)

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
            owed = [(d.id, d.user_id, d.ticket or "") for d in rows if d.user_id]
            for demand in rows:
                demand.rating_reminded_at = now
        for demand_id, owner, ticket in owed:
            await self.outbox.put(
                [owner],
                "notice",
                f"demand:{demand_id}:rating_reminder",
                Notice(
                    "follow.rating_reminder",
                    values={"ticket": ticket},
                    buttons=[*stars_buttons(demand_id), [Button("follow.reopen", Reopen(demand_id))]],
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
