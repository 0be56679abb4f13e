"""休假 over booked visits: when a craftsman sets his time off (/profile), the visits he has booked on the days of his
leave are named to him, and the staff of each case's region are told. The visits stay booked (nothing is cancelled
behind the enterprise's back): he moves them with 🔁 改期 (offering new slots) or cancels them, as from any booking.
Slots he offered on those days that no enterprise has picked yet are withdrawn (named to him, and each enterprise
told, as when a solved case's slots are withdrawn, services/resolution.py): nobody can book him in his leave.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select, update

from buttons.booking import CancelAppointment, Reschedule
from db.database import Database
from db.models import Appointment, AppointmentStatus, Craftsman, Demand, Match, MatchStatus
from services.clock import Clock
from services.local_time import show as local
from services.local_time import weekday_key
from services.outbox import Button, Notice, Outbox
from services.staff_scope import StaffChats


@dataclass(frozen=True)
class VisitInLeave:
    """A booked visit of the craftsman that falls on a day of his leave."""

    appointment_id: int
    demand_id: int
    ticket: str
    starts_at: datetime


class TimeOff:
    def __init__(self, db: Database, clock: Clock, outbox: Outbox, staff: StaffChats, tz: ZoneInfo) -> None:
        self.db, self.clock, self.outbox, self.staff, self.tz = db, clock, outbox, staff, tz

    def lines(self, visits: list[VisitInLeave]) -> str:
        """One line a visit: "• ZQ-2026-000005  2026-12-02 14:30" (local time)."""
        return "\n".join(f"• {v.ticket}  {local(v.starts_at, self.tz)}" for v in visits)

    @staticmethod
    def buttons(visits: list[VisitInLeave]) -> list[list[Button]]:
        """🔁 改期 / ❌ 取消 for each visit, named by its ticket (the booking's own actions, conversations/booking.py)."""
        return [
            [
                Button("leave.reschedule", Reschedule(v.appointment_id), {"ticket": v.ticket}),
                Button("leave.cancel", CancelAppointment(v.appointment_id), {"ticket": v.ticket}),
            ]
            for v in visits
        ]

    def _in_leave(
        self, user_id: int, until: date, status: AppointmentStatus
    ) -> Select[tuple[int, int, str | None, datetime, int | None]]:
        """The craftsman's appointments in ``status`` still to come on or before ``until`` (his leave's last day,
        local), soonest first: (id, demand id, ticket, start, the enterprise's user)."""
        end = datetime.combine(until + timedelta(days=1), time(0), self.tz)
        return (
            select(Appointment.id, Demand.id, Demand.ticket, Appointment.starts_at, Demand.user_id)
            .join(Match, Match.id == Appointment.match_id)
            .join(Demand, Demand.id == Match.demand_id)
            .join(Craftsman, Craftsman.id == Match.craftsman_id)
            .where(
                Craftsman.user_id == user_id,
                Match.status == MatchStatus.ACCEPTED,
                Appointment.status == status,
                Appointment.starts_at > self.clock.now(),
                Appointment.starts_at < end,
            )
            .order_by(Appointment.starts_at, Appointment.id)
        )

    async def visits_in_leave(self, user_id: int, until: date) -> list[VisitInLeave]:
        """The craftsman's booked visits still to come on or before ``until`` (his leave's last day, local), soonest
        first."""
        async with self.db.session() as session:
            rows = await session.execute(self._in_leave(user_id, until, AppointmentStatus.BOOKED))
            return [VisitInLeave(a, d, ticket or "", at) for a, d, ticket, at, _ in rows.tuples()]

    async def waiting_offers(self, user_id: int) -> list[str]:
        """The tickets of the offers made to him still waiting for his answer: his leave stops new ones, not these."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(Demand.ticket)
                .join(Match, Match.demand_id == Demand.id)
                .join(Craftsman, Craftsman.id == Match.craftsman_id)
                .where(Craftsman.user_id == user_id, Match.status == MatchStatus.OFFERED)
                .order_by(Match.id)
            )
            return [ticket or "" for ticket in rows]

    async def withdraw_offers(self, user_id: int, name: str, until: date) -> list[VisitInLeave]:
        """The slots he offered in his leave (to ``until``) that no enterprise picked: withdrawn, and each
        enterprise told which (once per leave and set of slots); returned for him to be told."""
        now = self.clock.now()
        async with self.db.session() as session:
            rows = (await session.execute(self._in_leave(user_id, until, AppointmentStatus.OFFERED))).tuples().all()
            if rows:  # the rows just read are the ones withdrawn: one UPDATE, as booking.py withdraws replaced slots
                await session.execute(
                    update(Appointment)
                    .where(Appointment.id.in_([r[0] for r in rows]))
                    .values(status=AppointmentStatus.CANCELLED, updated_at=now)
                )
        by_demand: dict[tuple[int, int | None], list[VisitInLeave]] = {}
        for a, d, ticket, at, owner in rows:
            by_demand.setdefault((d, owner), []).append(VisitInLeave(a, d, ticket or "", at))
        for (_, owner), slots in by_demand.items():
            if owner is None:
                continue
            await self.outbox.put(
                [owner],
                "notice",
                f"leave:{user_id}:{until.isoformat()}:slots:{','.join(str(v.appointment_id) for v in slots)}",
                Notice(
                    "leave.slots_withdrawn_enterprise",
                    values={
                        "name": name,
                        "until": until.isoformat(),
                        "ticket": slots[0].ticket,
                        "times": " / ".join(local(v.starts_at, self.tz) for v in slots),
                    },
                    keys={"weekday": weekday_key(until)},
                ),
            )
        return [v for slots in by_demand.values() for v in slots]

    async def taken(self, user_id: int, name: str, until: date) -> list[VisitInLeave]:
        """He set his leave to end on ``until``: the visits booked in it (for him to be told), and each region's staff
        told of theirs, once per leave and set of visits."""
        visits = await self.visits_in_leave(user_id, until)
        by_chat: dict[int, list[VisitInLeave]] = {}
        for visit in visits:
            for chat in await self.staff.for_demand(visit.demand_id):
                by_chat.setdefault(chat, []).append(visit)
        for chat, theirs in by_chat.items():
            ids = ",".join(str(v.appointment_id) for v in theirs)
            await self.outbox.put(
                [chat],
                "notice",
                f"leave:{user_id}:{until.isoformat()}:{ids}",
                Notice(
                    "leave.staff_notice",
                    values={"name": name, "until": until.isoformat(), "visits": self.lines(theirs)},
                    keys={"weekday": weekday_key(until)},
                ),
            )
        return visits
