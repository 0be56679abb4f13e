"""Staff acting for a craftsman without Telegram (a phone-only craftsman: a phone, no account) on a case he agreed
to on the phone (services/phone_offers.py). He cannot press the buttons of his own steps, so the staffer covering
the case does it for him after phoning him, through the same services: offering the slots and the place, moving
or cancelling the visit (services/booking.py), recording the result (services/resolution.py).

Who may: staff (or admins) whose region covers the demand (services/staff_scope.py), for a craftsman who has no
Telegram account; a craftsman with one acts himself (Reason.HAS_ACCOUNT, audited), anyone else's press is someone
else's button (NOT_YOURS, audited). Every act is audited with the staffer as its actor (:data:`ACTED`), and the
enterprise is told who acted for whom. What would go to the craftsman goes to :func:`stand_ins`: the staffer who
last acted for him on the case, or the staff of the demand's region."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import AuditEntry, Craftsman, Demand, Match, MatchStatus, Role, User
from services.appointments import SERVING, Party
from services.audit import STAFF_ROLES, AuditLog, staff_role
from services.outbox import Notice, Outbox
from services.regions import RegionDirectory
from services.results import Done, Reason
from services.service_record import Stop
from services.staff_scope import StaffChats, covered, require_in_scope, within

OFFER, CANCEL, RESOLVE = "booking.offer_for", "booking.cancel_for", "case.resolve"
ACTED = (OFFER, CANCEL, RESOLVE)  # audited acts for him, on ``match:<id>``: the latest names his stand-in


async def require_acting_for(
    session: AsyncSession,
    regions: RegionDirectory,
    actor: int,
    role: Role | None,
    match: Match,
    demand: Demand,
    craftsman: Craftsman,
) -> None:
    """Inside a session: Stop unless ``actor`` (``role`` read from the database) may act for the craftsman of case
    ``match``: NOT_YOURS for anyone not staff, OUT_OF_REGION for another region's demand, HAS_ACCOUNT for a
    craftsman with Telegram (all audited by the caller with ``Stop.audit``)."""
    if not staff_role(role):
        raise Stop(Reason.NOT_YOURS, f"match:{match.id}")
    await require_in_scope(session, regions, actor, demand)
    if craftsman.user_id is not None:
        raise Stop(Reason.HAS_ACCOUNT, f"match:{match.id}", name=craftsman.name)


async def staff_name(session: AsyncSession, actor: int) -> str:
    """The staffer's name as the enterprise reads it (张敏)."""
    row = (await session.execute(select(User.first_name, User.last_name).where(User.id == actor))).first()
    if row is None:
        return ""
    first, last = row
    return " ".join(part for part in (first, last) if part)


async def stand_ins(db: Database, staff: StaffChats, match_id: int) -> list[int]:
    """Who hears what would go to the phone-only craftsman of case ``match_id``: the staffer who last acted for him
    on it (or recorded his agreement on the phone) while still staff covering the demand; else the staff whose
    region covers it (:meth:`StaffChats.for_demand`). Empty for a craftsman with Telegram (he is told himself)."""
    async with db.session() as session:
        found = (
            await session.execute(
                select(Match.proposed_by, Demand.id, Demand.region_code, Craftsman.user_id)
                .join(Demand, Demand.id == Match.demand_id)
                .join(Craftsman, Craftsman.id == Match.craftsman_id)
                .where(Match.id == match_id)
            )
        ).first()
        if found is None or found.user_id is not None:
            return []
        acted = await session.scalar(
            select(AuditEntry.actor_user_id)
            .where(AuditEntry.target == f"match:{match_id}", AuditEntry.action.in_(ACTED), AuditEntry.allowed)
            .order_by(AuditEntry.id.desc())
            .limit(1)
        )
        for candidate in (acted, found.proposed_by):
            if candidate is None:
                continue
            role = await session.scalar(select(User.role).where(User.id == candidate))
            if role in STAFF_ROLES and within(await covered(session, staff.regions, candidate), found.region_code):
                return [candidate]
        demand_id = found.id
    return await staff.for_demand(demand_id)


class ActingFor:
    """Booking's side of acting for a phone-only craftsman (mixed into :class:`services.booking.Booking`)."""

    db: Database
    audit: AuditLog
    outbox: Outbox
    staff: StaffChats

    if TYPE_CHECKING:

        async def _party(
            self,
            session: AsyncSession,
            user_id: int,
            match_id: int,
            side: str | None = None,
            role: Role | None = None,
        ) -> Party: ...

    async def _acting(
        self, session: AsyncSession, actor: int, role: Role | None, match: Match, demand: Demand, craftsman: Craftsman
    ) -> Party:
        """``actor`` as the craftsman's side of the case, acting for him (:func:`require_acting_for`); else Stop."""
        await require_acting_for(session, self.staff.regions, actor, role, match, demand, craftsman)
        return Party("craftsman", match, demand, craftsman, by=actor, by_name=await staff_name(session, actor))

    async def may_offer(self, user_id: int, match_id: int, role: Role | None = None) -> Done:
        """Whether ``user_id`` may offer slots for case ``match_id`` now, asked when 📅 提供预约时段 is pressed (the
        craftsman, or staff acting for one without Telegram): Done with his ``name`` and ``acting`` (a staffer acts
        for him), or the refusal :meth:`offer_slots` would give (audited as booking.offer)."""
        try:
            async with self.db.session() as session:
                party = await self._party(session, user_id, match_id, "craftsman", role)
                values = {"name": party.craftsman.name, "acting": party.by is not None}
                return Done(party.demand.id, match_id, values)
        except Stop as stop:
            await stop.audit(self.audit, user_id, "booking.offer")
            raise

    async def phone_case(self, demand_id: int) -> tuple[int, str] | None:
        """The case of demand ``demand_id`` being served whose accepted craftsman has no Telegram: (match id, his
        name) — what staff may act on for him — or None."""
        async with self.db.session() as session:
            found = (
                await session.execute(
                    select(Match.id, Craftsman.name)
                    .join(Demand, Demand.id == Match.demand_id)
                    .join(Craftsman, Craftsman.id == Match.craftsman_id)
                    .where(
                        Match.demand_id == demand_id,
                        Match.status == MatchStatus.ACCEPTED,
                        Demand.status.in_(SERVING),
                        Craftsman.user_id.is_(None),
                    )
                )
            ).first()
        return (found.id, found.name) if found is not None else None

    async def _tell_stand_ins(self, match_id: int, dedupe: str, notice: Notice) -> None:
        """What the phone-only craftsman of case ``match_id`` would have been told, to his :func:`stand_ins`."""
        chats = await stand_ins(self.db, self.staff, match_id)
        if chats:
            await self.outbox.put(chats, "notice", dedupe, notice)
