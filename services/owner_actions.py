"""What an enterprise may still do on its own demand from /my, besides withdrawing it: answer 问题解决了吗？ on a
resolved case (✅ 已解决 / ↩️ 未解决 of the current round) and move or cancel a booked visit still to come (🔁 改期 /
❌ 取消预约). These are the very buttons of the resolution notice and the appointment message: /my only offers them
again, and each press is checked by its own service (services/follow_up.py, services/booking.py) as ever."""

from __future__ import annotations

from db.database import Database
from db.models import Demand, DemandStatus
from services.appointments import SERVING, booked_ahead, visit_buttons
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
            booked = await booked_ahead(session, demand_id, self.clock.now())  # one that took place is no booking
        return visit_buttons(booked) if booked is not None else []
