"""A demand that ends before its service — withdrawn by the enterprise (/my → 撤回) or by its erasure (/delete_me)
— releases whoever holds it: every match still open (a staff proposal, a 揭榜, an offer, an accepted case) is
withdrawn, a visit offered or booked is cancelled, and the craftsman who knows of it (an offer, a case, his own
揭榜) is told politely, by the ticket alone: no contact, no description. An offer not yet delivered is not sent.
A withdrawal in /my tells the staff whose region the demand is in too, with its reason (as a decline is told).

:func:`release` runs inside the transaction that withdraws the demand; :meth:`Release.tell` after it commits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.demands import OpenDemand
from db.models import Appointment, AppointmentStatus, Craftsman, Demand, Match, MatchStatus
from services.outbox import Button, Notice, Outbox
from services.service_record import move_match
from services.staff_scope import StaffChats

OPEN_MATCHES = (MatchStatus.PROPOSED, MatchStatus.OFFERED, MatchStatus.ACCEPTED)
OPEN_VISITS = (AppointmentStatus.OFFERED, AppointmentStatus.BOOKED)

VisitsCancelled = Callable[[list[str]], Awaitable[object]]  # Reminders.refresh: the visits' reminders go


def words_pending(pending: Mapping[str, object] | None, demand_id: int) -> bool:
    """Whether 跳过 (其他原因 without words) may withdraw ``demand_id``: only while the user's question for the
    words of that very demand is open (``pending``: what /my's withdrawal keeps of it for that user). Once it is
    answered or /cancel'led, an old 跳过 withdraws nothing — a withdrawal cannot be undone."""
    return pending is not None and pending.get("demand") == demand_id


@dataclass
class Release:
    """What a withdrawal released: the craftsmen to tell (match id, Telegram id, whether he knows of the demand
    only by an offer), the visits cancelled, and the enterprise's reason (None: erased, not withdrawn in /my)."""

    ticket: str = ""
    craftsmen: list[tuple[int, int, bool]] = field(default_factory=list)
    visits: list[int] = field(default_factory=list)
    demand_id: int = 0
    reason: str | None = None

    async def tell(
        self, outbox: Outbox, visits_cancelled: VisitsCancelled | None, staff: StaffChats | None = None
    ) -> None:
        """After the commit: the craftsmen, the visits' reminders, and ``staff`` (the demand's region's) when given
        and the enterprise gave a reason."""
        for match_id, user_id, by_offer in self.craftsmen:
            await outbox.withdraw(f"match:{match_id}:", kind="notice")  # an offer still waiting to be delivered
            if by_offer and not await outbox.delivered(f"match:{match_id}:offer:", user_id):
                continue  # the offer never reached him: there is nothing to take back
            await outbox.put(
                [user_id],
                "notice",
                f"match:{match_id}:withdrawn",
                Notice("case.withdrawn_craftsman", values={"ticket": self.ticket}),
            )
        if self.visits and visits_cancelled is not None:
            await visits_cancelled([f"appointment:{i}" for i in self.visits])
        if staff is not None and self.reason is not None:
            await outbox.put(
                await staff.for_demand(self.demand_id),
                "notice",
                f"demand:{self.demand_id}:withdrawn",
                Notice(
                    "case.withdrawn_staff",
                    values={"ticket": self.ticket, "reason": self.reason},
                    buttons=[[Button("demand.open", OpenDemand(self.demand_id))]],
                ),
            )


async def release(session: AsyncSession, demand: Demand, now: datetime, reason: str | None = None) -> Release:
    """Withdraw ``demand``'s open matches and visits (the demand itself is moved by the caller); ``reason``, the
    enterprise's, when it withdrew the demand itself."""
    released = Release(ticket=demand.ticket or "", demand_id=demand.id, reason=reason)
    matches = (
        await session.scalars(
            select(Match).where(Match.demand_id == demand.id, Match.status.in_(OPEN_MATCHES)).with_for_update()
        )
    ).all()
    for match in matches:
        knows = match.status is not MatchStatus.PROPOSED or match.volunteered  # a staff proposal was never sent
        by_offer = match.status is MatchStatus.OFFERED and not match.volunteered  # known if the offer went out
        if not await move_match(session, match, MatchStatus.WITHDRAWN, now, decided_at=now):
            continue  # answered in the same moment: the demand is withdrawn all the same
        craftsman = await session.get(Craftsman, match.craftsman_id)
        if knows and craftsman is not None and craftsman.user_id:
            released.craftsmen.append((match.id, craftsman.user_id, by_offer))
    released.visits = list(
        (
            await session.scalars(
                select(Appointment.id)
                .join(Match, Match.id == Appointment.match_id)
                .where(Match.demand_id == demand.id, Appointment.status.in_(OPEN_VISITS))
            )
        ).all()
    )
    if released.visits:
        await session.execute(
            update(Appointment)
            .where(Appointment.id.in_(released.visits))
            .values(status=AppointmentStatus.CANCELLED, updated_at=now)
        )
    return released
