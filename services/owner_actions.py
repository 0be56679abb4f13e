"""What an enterprise may still do on its own demand from /my, besides withdrawing it: answer 问题解决了吗？ on a
resolved case (✅ 已解决 / ↩️ 未解决 of the current round) and move or cancel a booked visit still to come (🔁 改期 /
❌ 取消预约). These are the very buttons of the resolution notice and the appointment message: /my only offers them
again, and each press is checked by its own service (services/follow_up.py, services/booking.py) as ever."""

from __future__ import annotations

from sqlalchemy import select

from db.database import Database
from db.models import Appointment, AppointmentStatus, Demand, DemandStatus, Match, MatchStatus
from services.booking import SERVING, visit_buttons
from services.clock import Clock
from services.outbox import Button
from services.resolution import answer_buttons, round_of


class OwnerActions:
    db: Database
    clock: Clock

    async def owner_actions(self, demand_id: int, user_id: int) -> list[list[Button]]:
        """The rows of buttons /my shows under ``user_id``'s own demand ``demand_id`` (none for anyone else's)."""
        async with self.db.session() as session:
            demand = await session.get(Demand, demand_id)
            if demand is None or demand.user_id != user_id:
                return []
            if demand.status is DemandStatus.RESOLVED:
                return answer_buttons(demand.id, round_of(demand))
            if demand.status not in SERVING:
                return []
            booked = await session.scalar(
                select(Appointment.id)
                .join(Match, Match.id == Appointment.match_id)
                .where(
                    Match.demand_id == demand_id,
                    Match.status == MatchStatus.ACCEPTED,
                    Appointment.status == AppointmentStatus.BOOKED,
                    Appointment.starts_at > self.clock.now(),  # a visit that has taken place is no booking to move
                )
                .order_by(Appointment.starts_at)
                .limit(1)
            )
        return visit_buttons(booked) if booked is not None else []
