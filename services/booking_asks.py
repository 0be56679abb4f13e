"""The enterprise's requests for other times (mixed into :class:`services.booking.Booking`): when none of the slots
on offer can be booked any more (the craftsman was booked near them on another case meanwhile), the enterprise is
given 🔁 请劳模工匠另提供时间, and its press asks the craftsman — or, for a craftsman without Telegram, the staff who
act for him (services/stand_in.py) — for new slots, once an offer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.booking import AskOtherTimes, OfferSlots
from db.models import Appointment, AppointmentStatus
from services.outbox import Button, Notice
from services.results import Done, Reason, Refused
from services.service_record import Stop
from services.slot_reading import Booked, clash
from services.stand_in import ActingFor, stand_ins


class OtherTimes(ActingFor):
    """Asking for other times (mixed into :class:`services.booking.Booking`; acting for a craftsman without
    Telegram is its base: who hears the request for him)."""

    @staticmethod
    async def _bookable(session: AsyncSession, match_id: int, elsewhere: Sequence[Booked], now: datetime) -> int:
        """How many slots still to come of the case's offer clash with none of the craftsman's other visits."""
        offered = await session.scalars(
            select(Appointment.starts_at).where(
                Appointment.match_id == match_id,
                Appointment.status == AppointmentStatus.OFFERED,
                Appointment.starts_at > now,
            )
        )
        return sum(clash(at, elsewhere) is None for at in offered)

    async def _no_slot_left(self, owner: int, values: dict[str, Any]) -> None:
        """No slot of the offer can be booked any more: the enterprise gets a message with a button asking the
        craftsman for other times (once per offer; the pop-up says the same)."""
        match_id = values["match"]
        async with self.db.session() as session:
            latest = await session.scalar(select(func.max(Appointment.id)).where(Appointment.match_id == match_id))
        await self.outbox.put(
            [owner],
            "notice",
            f"match:{match_id}:no_slot_left:{latest}",
            Notice(
                "booking.no_slot_left",
                values={key: values[key] for key in ("ticket", "name", "at")},
                buttons=[[Button("booking.ask_other_times", AskOtherTimes(match_id))]],
            ),
        )

    async def ask_other_times(self, user_id: int, match_id: int) -> Done:
        """The enterprise, none of whose offered slots can be booked, asks the craftsman for other times: he is
        told (for one without Telegram, the staff who act for him: services/stand_in.py), with 📅 提供预约时段 (one request an offer: ``again`` when it was already sent)."""
        try:
            async with self.db.session() as session:
                party = await self._party(session, user_id, match_id, side="enterprise")
                latest = await session.scalar(select(func.max(Appointment.id)).where(Appointment.match_id == match_id))
                ticket, helper = party.demand.ticket or "", party.craftsman.user_id
        except Stop as stop:
            await stop.audit(self.audit, user_id, "booking.other_times")
            raise
        chats = [helper] if helper is not None else await stand_ins(self.db, self.staff, match_id)
        if not chats:  # a craftsman with an account (he pressed 接受), erased meanwhile
            raise Refused(Reason.STALE)
        asked = await self.outbox.put(
            chats,
            "notice",
            f"match:{match_id}:other_times:{latest}",
            Notice(
                "booking.other_times_asked" if helper is not None else "booking.other_times_asked_for",
                values={"ticket": ticket, "name": party.craftsman.name},
                buttons=[[Button("booking.offer_slots", OfferSlots(match_id))]],
            ),
        )
        return Done(party.demand.id, match_id, {"again": not asked})
