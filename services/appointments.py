"""The appointments of a case (专家问诊预约) as the other services read them: which demand statuses are a case being
served, visits that took place, the booked visit still to come, a booking's buttons, and who is acting on a case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.booking import CancelAppointment, Reschedule
from db.models import Appointment, AppointmentStatus, Craftsman, Demand, DemandStatus, Match, MatchStatus
from services.outbox import Button

SERVING = (DemandStatus.ACCEPTED, DemandStatus.SCHEDULED, DemandStatus.IN_SERVICE)


async def taken_place(session: AsyncSession, match_id: int, now: datetime) -> None:
    """The case's booked visits whose time has passed took place: they are ``done`` (never cancelled, so that
    exports and figures count them)."""
    await session.execute(
        update(Appointment)
        .where(
            Appointment.match_id == match_id,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at <= now,
        )
        .values(status=AppointmentStatus.DONE, updated_at=now)
    )


async def booked_ahead(session: AsyncSession, demand_id: int, now: datetime) -> int | None:
    """The id of the demand's booked visit still to come (its accepted craftsman's; the soonest), or None."""
    found: int | None = await session.scalar(
        select(Appointment.id)
        .join(Match, Match.id == Appointment.match_id)
        .where(
            Match.demand_id == demand_id,
            Match.status == MatchStatus.ACCEPTED,
            Appointment.status == AppointmentStatus.BOOKED,
            Appointment.starts_at > now,
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    )
    return found


def visit_buttons(appointment_id: int) -> list[list[Button]]:
    """A booking's 🔁 改期 / ❌ 取消预约: under the appointment message and in the enterprise's /my."""
    return [
        [
            Button("booking.reschedule", Reschedule(appointment_id)),
            Button("booking.cancel", CancelAppointment(appointment_id)),
        ]
    ]


@dataclass(frozen=True)
class Party:
    """Who is acting on a case: the enterprise (the demand's owner) or the accepted craftsman — or a staffer for a
    craftsman without Telegram (``by``)."""

    side: str  # enterprise | craftsman
    match: Match
    demand: Demand
    craftsman: Craftsman
    by: int | None = None  # the staffer acting for a craftsman without Telegram (services/stand_in.py)
    by_name: str = ""

    @property
    def other(self) -> int | None:
        return self.craftsman.user_id if self.side == "enterprise" else self.demand.user_id


@dataclass(frozen=True)
class AppointmentCard:
    id: int
    match_id: int
    ticket: str
    starts_at: datetime
    place: str | None
    link: str | None
    status: AppointmentStatus
