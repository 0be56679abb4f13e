"""专家问诊预约: after accepting, the craftsman offers time slots; the enterprise picks one; both are reminded a
day and an hour before (through the reminders); either side may cancel or ask to reschedule, and the other side
is told. When the booked time comes the service is ``in_service``.

Only the two parties of the case may act on its appointments — and, for a craftsman without Telegram, the staff
covering the case, for him (services/stand_in.py); anyone else is refused and audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.booking import OfferSlots, PickSlot
from db.database import Database
from db.models import Appointment, AppointmentStatus, Craftsman, Demand, DemandStatus, Match, MatchStatus, Role
from services.appointments import SERVING, AppointmentCard, Party, taken_place, visit_buttons
from services.audit import AuditLog
from services.booking_asks import OtherTimes
from services.clock import Clock
from services.local_time import show as local
from services.outbox import Button, Notice, Outbox
from services.reminders import Reminders
from services.results import Done, Reason, Refused
from services.service_record import ENTERPRISE, Stop, transition
from services.slot_reading import MAX_SLOTS, SlotReading, booked_at, booked_elsewhere, clash, read_slots
from services.staff_scope import StaffChats
from services.stand_in import CANCEL, OFFER, stand_ins


class Booking(OtherTimes):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        outbox: Outbox,
        reminders: Reminders,
        tz: ZoneInfo,
        staff: StaffChats,
    ) -> None:
        self.db, self.clock, self.audit, self.outbox, self.reminders, self.tz = db, clock, audit, outbox, reminders, tz
        self.staff = staff  # who acts for a craftsman without Telegram, and hears what he would (services/stand_in.py)

    async def _party(
        self, session: AsyncSession, user_id: int, match_id: int, side: str | None = None, role: Role | None = None
    ) -> Party:
        """``user_id`` as a party of the open case ``match_id`` (the given ``side`` only, when named) — or, given
        their ``role``, a staffer acting for a craftsman without Telegram (services/stand_in.py); else Stop."""
        match = await session.get(Match, match_id, with_for_update=True)
        if match is None:
            raise Stop(Reason.NOT_FOUND)
        demand = await session.get(Demand, match.demand_id, with_for_update=True)
        craftsman = await session.get(Craftsman, match.craftsman_id)
        assert demand is not None and craftsman is not None  # a match's foreign keys (ON DELETE CASCADE)
        found = (
            "craftsman"
            if craftsman is not None and craftsman.user_id == user_id
            else "enterprise"
            if demand is not None and demand.user_id == user_id
            else None
        )
        if found is None and role is not None and side in (None, "craftsman"):
            party = await self._acting(session, user_id, role, match, demand, craftsman)
        elif found is None or (side is not None and found != side):
            raise Stop(Reason.NOT_YOURS, f"match:{match_id}")
        else:
            party = Party(found, match, demand, craftsman)
        if match.status is not MatchStatus.ACCEPTED or demand.status not in SERVING:
            raise Stop(Reason.STALE, status=demand.status.value)
        return party

    def _card(self, a: Appointment, ticket: str) -> AppointmentCard:
        return AppointmentCard(a.id, a.match_id, ticket, a.starts_at, a.place, a.link, a.status)

    # ------------------------------------------------------------------ offering and picking
    async def read_slots(
        self, user_id: int, match_id: int, text: str, kept: Sequence[datetime], role: Role | None = None
    ) -> SlotReading:
        """The slots the craftsman (or staff acting for him, ``role``) typed for case ``match_id`` (one a line)
        added to those ``kept``; each line that cannot be used says why (services/slot_reading.py), one at a time
        of another visit of his too, on a day of his leave, or the time this case is already booked for."""
        now = self.clock.now()
        async with self.db.session() as session:
            mine = (
                await session.execute(select(Craftsman.id, Craftsman.paused_until).where(Craftsman.user_id == user_id))
            ).first()
            craftsman_id, paused_until = (mine.id, mine.paused_until) if mine is not None else (None, None)
            if craftsman_id is None and role is not None:
                try:
                    craftsman = (await self._party(session, user_id, match_id, "craftsman", role)).craftsman
                    craftsman_id, paused_until = craftsman.id, craftsman.paused_until
                except Stop:  # not his to act for: offer_slots refuses it (audited)
                    craftsman_id = None
            booked = await booked_elsewhere(session, craftsman_id, match_id, now) if craftsman_id is not None else []
            standing = await booked_at(session, match_id, now)
        return read_slots(text, kept, booked, self.tz, now, standing, paused_until)

    async def offer_slots(
        self,
        user_id: int,
        match_id: int,
        slots: list[datetime],
        place: str | None,
        link: str | None,
        role: Role | None = None,
    ) -> Done:
        """The craftsman offers up to six future slots (replacing any still on offer); the enterprise gets one
        button per slot. While a booking stands this is a reschedule: the enterprise is told which booking a new
        slot would replace, and that it stands until one is picked (``booked`` in the values). A slot within two
        hours of another visit of his booked on another case is refused (``CLASH``). Staff (``role``) may offer
        them for a craftsman without Telegram: audited, and the enterprise is told who offered them for him."""
        now = self.clock.now()
        slots = sorted({s for s in slots if s > now})[:MAX_SLOTS]
        if not slots:
            raise Refused(Reason.STALE, status="past")
        try:
            async with self.db.session() as session:
                party = await self._party(session, user_id, match_id, "craftsman", role)
                elsewhere = await booked_elsewhere(session, party.craftsman.id, match_id, now)
                taken = next((found for found in (clash(at, elsewhere) for at in slots) if found is not None), None)
                if taken is not None:
                    raise Stop(Reason.CLASH, at=local(taken.at, self.tz))
                standing = await booked_at(session, match_id, now)
                if standing is not None and standing in slots:  # "moved" to the time it already has
                    raise Stop(Reason.SAME_TIME, at=local(standing, self.tz))
                ids = await self._replace_slots(session, match_id, slots, place, link, now)
                ticket, owner, name = party.demand.ticket or "", party.demand.user_id, party.craftsman.name
        except Stop as stop:
            await stop.audit(self.audit, user_id, "booking.offer")
            raise
        booked = local(standing, self.tz) if standing is not None else ""
        acting = "_for" if party.by is not None else ""  # "工会工作人员 张敏 代 周建华 …"
        if party.by is not None:
            await self.audit.record(party.by, OFFER, f"match:{match_id}", craftsman=party.craftsman.id)
        if owner:
            await self.outbox.put(
                [owner],
                "notice",
                f"match:{match_id}:slots:{ids[0][0]}",  # one notice per offer, even two in the same second
                Notice(
                    ("booking.slots_rescheduled" if booked else "booking.slots_offered") + acting,
                    values={
                        "ticket": ticket,
                        "name": name,
                        "place": place or link or "",
                        "booked": booked,
                        "staff": party.by_name,
                    },
                    buttons=[
                        [Button("booking.slot", PickSlot(appointment_id), {"at": local(at, self.tz)})]
                        for appointment_id, at in ids
                    ],
                ),
            )
        return Done(party.demand.id, match_id, {"count": len(ids), "booked": booked})

    @staticmethod
    async def _replace_slots(
        session: AsyncSession, match_id: int, slots: list[datetime], place: str | None, link: str | None, now: datetime
    ) -> list[tuple[int, datetime]]:
        """Slots still on offer are withdrawn; the new ones are stored. Returns (id, start) of each."""
        await session.execute(
            update(Appointment)
            .where(Appointment.match_id == match_id, Appointment.status == AppointmentStatus.OFFERED)
            .values(status=AppointmentStatus.CANCELLED, updated_at=now)
        )
        rows = [
            Appointment(
                match_id=match_id,
                starts_at=s,
                place=place,
                link=link,
                status=AppointmentStatus.OFFERED,
                created_at=now,
                updated_at=now,
            )
            for s in slots
        ]
        session.add_all(rows)
        await session.flush()
        return [(r.id, r.starts_at) for r in rows]

    async def pick(self, user_id: int, appointment_id: int) -> Done:
        """The enterprise books one offered slot: the others (and a booking it replaces) are cancelled, the
        demand is ``scheduled``, both sides get the appointment and the reminders are planned. A slot the
        craftsman was booked near on another case meanwhile is refused (``CLASH``)."""
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                appointment, party = await self._appointment(
                    session, user_id, appointment_id, AppointmentStatus.OFFERED, side="enterprise"
                )
                if appointment.starts_at <= now:
                    raise Stop(Reason.STALE, status="past")
                elsewhere = await booked_elsewhere(session, party.craftsman.id, party.match.id, now)
                taken = clash(appointment.starts_at, elsewhere)
                if taken is not None:
                    left = await self._bookable(session, party.match.id, elsewhere, now)
                    raise Stop(
                        Reason.CLASH if left else Reason.NO_SLOT_LEFT,
                        at=local(taken.at, self.tz),
                        ticket=party.demand.ticket or "",
                        name=party.craftsman.name,
                        match=party.match.id,
                    )
                card, chats, name, replaced, was = await self._book(session, user_id, appointment, party, now)
        except Stop as stop:
            await stop.audit(self.audit, user_id, "booking.pick")
            if stop.reason is Reason.NO_SLOT_LEFT:
                await self._no_slot_left(user_id, stop.values)
            raise
        await self.reminders.refresh([f"appointment:{i}" for i in [*replaced, appointment_id]])
        values = {**self._values(card, name), "was": local(was, self.tz) if was is not None else ""}
        await self.outbox.put(
            chats,
            "notice",
            f"appointment:{appointment_id}:booked",
            Notice(
                "booking.rebooked" if was is not None else "booking.booked",
                values=values,
                buttons=visit_buttons(card.id),
            ),
        )
        if party.craftsman.user_id is None:  # the staff acting for him, to phone him; their 改期 / 取消 act for him
            notice = Notice("booking.booked_for", values=values, buttons=visit_buttons(card.id))
            await self._tell_stand_ins(card.match_id, f"appointment:{appointment_id}:booked", notice)
        return Done(party.demand.id, card.match_id, {"at": local(card.starts_at, self.tz)})

    async def _book(
        self, session: AsyncSession, user_id: int, appointment: Appointment, party: Party, now: datetime
    ) -> tuple[AppointmentCard, list[int], str, Sequence[int], datetime | None]:
        """Book ``appointment``; cancel the other slots and a future booking it replaces (whose start is returned
        last); a booked visit whose time has passed took place: it is ``done``. The case is ``scheduled``."""
        await taken_place(session, party.match.id, now)
        others = (
            await session.execute(
                select(Appointment.id, Appointment.status, Appointment.starts_at).where(
                    Appointment.match_id == party.match.id,
                    Appointment.id != appointment.id,
                    Appointment.status.in_((AppointmentStatus.OFFERED, AppointmentStatus.BOOKED)),
                )
            )
        ).all()
        replaced = [row.id for row in others]
        was = next((row.starts_at for row in others if row.status is AppointmentStatus.BOOKED), None)
        await session.execute(
            update(Appointment)
            .where(Appointment.id.in_(replaced))
            .values(status=AppointmentStatus.CANCELLED, updated_at=now)
        )
        appointment.status, appointment.booked_at, appointment.updated_at = AppointmentStatus.BOOKED, now, now
        if party.demand.status is not DemandStatus.SCHEDULED and not await transition(
            session,
            party.demand,
            DemandStatus.SCHEDULED,
            user_id,
            now,
            note=local(appointment.starts_at, self.tz),
            visibility=ENTERPRISE,
        ):
            raise Stop(Reason.STALE, status=party.demand.status.value)
        card = self._card(appointment, party.demand.ticket or "")
        chats = [c for c in (party.demand.user_id, party.craftsman.user_id) if c]
        return card, chats, party.craftsman.name, replaced, was

    def _values(self, card: AppointmentCard, name: str) -> dict[str, str]:
        return {
            "ticket": card.ticket,
            "at": local(card.starts_at, self.tz),
            "place": card.place or "",
            "link": card.link or "",
            "name": name,
        }

    # ------------------------------------------------------------------ changing a booking
    async def _appointment(
        self,
        session: AsyncSession,
        user_id: int,
        appointment_id: int,
        status: AppointmentStatus,
        side: str | None = None,
        role: Role | None = None,
    ) -> tuple[Appointment, Party]:
        """The appointment, in ``status``, of a case ``user_id`` is a party of (or acts on for its craftsman, given
        their ``role``); else Stop."""
        appointment = await session.get(Appointment, appointment_id, with_for_update=True)
        if appointment is None:
            raise Stop(Reason.NOT_FOUND)
        party = await self._party(session, user_id, appointment.match_id, side, role)
        if appointment.status is not status:
            raise Stop(Reason.STALE, status=appointment.status.value)
        return appointment, party

    async def cancel(self, user_id: int, appointment_id: int, role: Role | None = None) -> Done:
        """Either side cancels a booked appointment (staff, ``role``, for a craftsman without Telegram): the case
        goes back to ``accepted`` (the craftsman may offer new slots), the other side is told, the reminders are
        withdrawn."""
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                appointment, party = await self._appointment(
                    session, user_id, appointment_id, AppointmentStatus.BOOKED, role=role
                )
                appointment.status, appointment.updated_at = AppointmentStatus.CANCELLED, now
                if party.demand.status is not DemandStatus.ACCEPTED and not await transition(
                    session,
                    party.demand,
                    DemandStatus.ACCEPTED,
                    user_id,
                    now,
                    from_=(DemandStatus.SCHEDULED, DemandStatus.IN_SERVICE),
                    note="appointment cancelled",
                ):
                    raise Stop(Reason.STALE, status=party.demand.status.value)
                card, other, side = self._card(appointment, party.demand.ticket or ""), party.other, party.side
                match_id, name, phone_only = party.match.id, party.craftsman.name, party.craftsman.user_id is None
        except Stop as stop:
            await stop.audit(self.audit, user_id, "booking.cancel")
            raise
        await self.reminders.refresh([f"appointment:{appointment_id}"])
        if party.by is not None:
            await self.audit.record(party.by, CANCEL, f"match:{match_id}", appointment=appointment_id)
        buttons = [[Button("booking.offer_slots", OfferSlots(match_id))]] if side == "enterprise" else None
        notice = Notice(
            "booking.cancelled_other" if party.by is None else "booking.cancelled_for",
            values={**self._values(card, name), "staff": party.by_name},
            keys={"who": f"booking.side.{side}"},
            buttons=buttons,
        )
        dedupe = f"appointment:{appointment_id}:cancelled"
        if other:
            await self.outbox.put([other], "notice", dedupe, notice)
        elif side == "enterprise" and phone_only:  # the staff acting for him, to phone him and offer anew
            await self._tell_stand_ins(match_id, dedupe, replace(notice, key="booking.cancelled_other_for"))
        return Done(party.demand.id, match_id, {"at": local(card.starts_at, self.tz)})

    async def ask_reschedule(self, user_id: int, appointment_id: int, role: Role | None = None) -> Done:
        """The enterprise asks for another time: the craftsman (for one without Telegram, the staff acting for him)
        is asked to offer new slots (the booking stands until one is picked). A craftsman who wants to reschedule
        simply offers new slots (and so do staff for him, ``role``)."""
        try:
            async with self.db.session() as session:
                appointment, party = await self._appointment(
                    session, user_id, appointment_id, AppointmentStatus.BOOKED, role=role
                )
                card, side, other = self._card(appointment, party.demand.ticket or ""), party.side, party.other
                match_id, name = party.match.id, party.craftsman.name
                latest = await session.scalar(select(func.max(Appointment.id)).where(Appointment.match_id == match_id))
        except Stop as stop:
            await stop.audit(self.audit, user_id, "booking.reschedule")
            raise
        if side == "enterprise":
            # one open request a visit: it is answered when he offers slots (a newer appointment row); for a
            # craftsman without Telegram, the staff acting for him are asked
            chats = [other] if other else await stand_ins(self.db, self.staff, match_id)
            asked = await self.outbox.put(
                chats,
                "notice",
                f"appointment:{appointment_id}:reschedule:{latest}",
                Notice(
                    "booking.reschedule_asked" if other else "booking.reschedule_asked_for",
                    values=self._values(card, name),
                    buttons=[[Button("booking.offer_slots", OfferSlots(match_id))]],
                ),
            )
            return Done(party.demand.id, match_id, {"side": side, "again": not asked})
        return Done(party.demand.id, match_id, {"side": side, "again": False})

    async def start_due(self) -> int:
        """Cases whose booked time has come are ``in_service``; return how many this call moved (a sweep
        running at the same moment elsewhere moves the others)."""
        now = self.clock.now()
        async with self.db.session() as session:
            rows = (
                await session.scalars(
                    select(Demand)
                    .join(Match, Match.demand_id == Demand.id)
                    .join(Appointment, Appointment.match_id == Match.id)
                    .where(
                        Appointment.status == AppointmentStatus.BOOKED,
                        Appointment.starts_at <= now,
                        Demand.status == DemandStatus.SCHEDULED,
                    )
                )
            ).all()
            return sum(
                [
                    await transition(
                        session, demand, DemandStatus.IN_SERVICE, None, now, from_=(DemandStatus.SCHEDULED,)
                    )
                    for demand in rows
                ]
            )
