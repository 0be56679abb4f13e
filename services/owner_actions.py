"""What an enterprise may still do on its own demand from /my, besides withdrawing it: answer 问题解决了吗？ on a
resolved case (✅ 已解决 / ↩️ 未解决 of the current round), move or cancel a booked visit still to come (🔁 改期 /
❌ 取消预约), pick one of the slots on offer that can still be booked — or, when none can, ask the craftsman for
other times (🔁 请劳模工匠另提供时间, hostile4 items 4 and 5). These are the very buttons of the resolution notice and the appointment message: /my only offers them
again, and each press is checked by its own service (services/follow_up.py, services/booking.py) as ever."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.booking import AskOtherTimes, PickSlot
from db.database import Database
from db.models import Appointment, AppointmentStatus, Demand, DemandStatus, Match, MatchStatus
from services.appointments import SERVING, booked_ahead, visit_buttons
from services.clock import Clock
from services.local_time import show as local
from services.outbox import Button
from services.resolution import answer_buttons, round_of
from services.slot_reading import booked_elsewhere, clash


class OwnerActions:
    db: Database
    clock: Clock
    tz: ZoneInfo

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
            slots = await self._slot_buttons(session, demand_id)  # a reschedule's slots too, while the booking stands
            return (visit_buttons(booked) if booked is not None else []) + slots

    async def slots_waiting(self, demand_ids: list[int]) -> set[int]:
        """Which of ``demand_ids`` have slots still to come on offer on their accepted match: /my's next step is to
        pick one (hostile4 item 5: it said 服务进行中 while a follow-up's slot card waited)."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(Match.demand_id)
                .join(Appointment, Appointment.match_id == Match.id)
                .where(
                    Match.demand_id.in_(demand_ids),
                    Match.status == MatchStatus.ACCEPTED,
                    Appointment.status == AppointmentStatus.OFFERED,
                    Appointment.starts_at > self.clock.now(),
                )
            )
            return set(rows.all())

    async def slots_on_offer(self, user_id: int) -> list[tuple[int, datetime]]:
        """Every slot on offer on ``user_id``'s own demands that can still be booked (appointment id, start), in
        time order: what a time the enterprise types may name (conversations/typed_replies.py)."""
        async with self.db.session() as session:
            demand_ids = await session.scalars(
                select(Demand.id).where(Demand.user_id == user_id, Demand.status.in_(SERVING))
            )
            offers = [await self._bookable(session, demand_id) for demand_id in demand_ids.all()]
        found = [slot for offer in offers if offer is not None for slot in offer[1]]
        return sorted(found, key=lambda slot: slot[1])

    async def _slot_buttons(self, session: AsyncSession, demand_id: int) -> list[list[Button]]:
        """The slot card's buttons for the slots on offer still to come that the craftsman can still be booked
        for; 🔁 请劳模工匠另提供时间 when slots are on offer but none can be booked; nothing when none are on offer."""
        offer = await self._bookable(session, demand_id)
        if offer is None:
            return []
        match_id, bookable = offer
        if not bookable:
            return [[Button("booking.ask_other_times", AskOtherTimes(match_id))]]
        return [[Button("booking.slot", PickSlot(i), {"at": local(at, self.tz)})] for i, at in bookable]

    async def _bookable(self, session: AsyncSession, demand_id: int) -> tuple[int, list[tuple[int, datetime]]] | None:
        """The demand's accepted match and its slots on offer still to come that the craftsman can still be booked
        for (id, start); None when no slot is on offer at all."""
        now = self.clock.now()
        match = await session.scalar(
            select(Match).where(Match.demand_id == demand_id, Match.status == MatchStatus.ACCEPTED).limit(1)
        )
        if match is None:
            return None
        offered = (
            await session.execute(
                select(Appointment.id, Appointment.starts_at)
                .where(
                    Appointment.match_id == match.id,
                    Appointment.status == AppointmentStatus.OFFERED,
                    Appointment.starts_at > now,
                )
                .order_by(Appointment.starts_at)
            )
        ).all()
        if not offered:
            return None
        elsewhere = await booked_elsewhere(session, match.craftsman_id, match.id, now)
        return match.id, [(i, at) for i, at in offered if clash(at, elsewhere) is None]
