"""Offers made on the phone (mixed into :class:`services.casework.Casework`): a craftsman without a Telegram account
(imported with a phone only) cannot get an offer, so staff phone him (📞 致电, services/staff_queue.py) and record
what he said. Agreed: the demand is his exactly as if he had accepted an offer (matched, then accepted; the
enterprise and the region's staff are told), the steps and the audit entry naming the staffer who recorded it.
Declined: recorded as a decline, and staff are alerted with the next candidate as after any decline. Only staff of
the demand's region may record (services/staff_scope.py; refusals audited); a second press records nothing."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import Craftsman, Demand, DemandStatus, Match, MatchStatus, Role
from services.audit import AuditLog
from services.clock import Clock
from services.regions import RegionDirectory
from services.results import Done, Reason
from services.service_record import Stop, active_match, contact_values, move_match, transition
from services.staff_scope import require_in_scope
from services.talent_index import Candidate
from services.volunteering import QUEUED

AGREED, DECLINED = "match.phone_accept", "match.phone_decline"


class PhoneOffers:
    """Recording a phoned craftsman's answer (mixed into :class:`services.casework.Casework`)."""

    # what Casework supplies
    db: Database
    clock: Clock
    audit: AuditLog
    regions: RegionDirectory

    if TYPE_CHECKING:

        async def _check_offer(
            self,
            session: AsyncSession,
            demand: Demand | None,
            craftsman: Craftsman | None,
            by_staff: int | None = None,
            phoned: bool = False,
        ) -> None: ...

        async def _candidate(self, demand_id: int, craftsman_id: int) -> Candidate | None: ...

        async def _accepted_notices(
            self, match_id: int, demand_id: int, owner: int | None, ticket: str, name: str
        ) -> None: ...

        async def _alert_staff(
            self, demand_id: int, ticket: str, key: str, values: dict[str, Any], dedupe: str
        ) -> None: ...

    async def phone_answer(
        self, actor: int, role: Role | None, demand_id: int, craftsman_id: int, agreed: bool
    ) -> Done:
        """Record that ``craftsman_id``, phoned about ``demand_id``, agreed (``agreed``) or declined. Done with
        ``name`` and ``ticket`` (and the enterprise's contact for staff to pass on when he agreed), or with ``again``
        when that answer is recorded already. Refused: NOT_STAFF, OUT_OF_REGION (audited), NOT_FOUND, STALE (he has
        linked an account since: the queue offers to him now), and what an offer to him would be refused with
        (TAKEN, UNAVAILABLE, DECLINED, FULL)."""
        action = AGREED if agreed else DECLINED
        await self.audit.require_staff(actor, role, action, f"demand:{demand_id}")
        candidate = await self._candidate(demand_id, craftsman_id) if agreed else None
        try:
            async with self.db.session() as session:
                demand = await session.get(Demand, demand_id, with_for_update=True)
                craftsman = await session.get(Craftsman, craftsman_id)
                if demand is None or craftsman is None or demand.status is DemandStatus.DRAFT:
                    raise Stop(Reason.NOT_FOUND)
                await require_in_scope(session, self.regions, actor, demand)
                match = await session.scalar(
                    select(Match).where(Match.demand_id == demand_id, Match.craftsman_id == craftsman_id)
                )
                values = {"name": craftsman.name, "ticket": demand.ticket or ""}
                if match is not None and match.status is (MatchStatus.ACCEPTED if agreed else MatchStatus.DECLINED):
                    return Done(demand_id, match.id, {**values, "again": True})
                if craftsman.user_id is not None:
                    raise Stop(Reason.STALE)
                if agreed:
                    match_id = await self._agreed(session, actor, demand, craftsman, match, candidate)
                    values.update(await contact_values(session, demand))
                else:
                    match_id = await self._declined(session, actor, demand, craftsman_id, match)
                owner = demand.user_id
        except Stop as stop:  # another region's demand: audited
            await stop.audit(self.audit, actor, action)
            raise
        await self.audit.record(actor, action, f"demand:{demand_id}", craftsman=craftsman_id)
        if agreed:
            await self._accepted_notices(match_id, demand_id, owner, values["ticket"], values["name"])
        else:
            await self._alert_staff(
                demand_id,
                values["ticket"],
                "case.phone_declined_staff",
                {"name": values["name"]},
                f"match:{match_id}:phone_declined",
            )
        return Done(demand_id, match_id, {**values, "again": False})

    async def _agreed(
        self,
        session: AsyncSession,
        actor: int,
        demand: Demand,
        craftsman: Craftsman,
        match: Match | None,
        candidate: Candidate | None,
    ) -> int:
        """The demand offered and accepted in one go, as an offer he accepted would have it; the match id."""
        await self._check_offer(session, demand, craftsman, by_staff=actor, phoned=True)
        now = self.clock.now()
        if not (
            await transition(session, demand, DemandStatus.MATCHED, actor, now, note=craftsman.name)
            and await transition(session, demand, DemandStatus.ACCEPTED, actor, now, note=craftsman.name)
        ):
            raise Stop(Reason.TAKEN)  # another staffer's offer got there first
        match = await _moved(session, demand, craftsman.id, match, MatchStatus.ACCEPTED, actor, now, offered_at=now)
        if candidate is not None:
            match.score, match.reasons = candidate.score, json.dumps(candidate.reasons.as_json(), ensure_ascii=False)
            await session.flush()
        return match.id

    async def _declined(
        self, session: AsyncSession, actor: int, demand: Demand, craftsman_id: int, match: Match | None
    ) -> int:
        """His decline recorded (the matcher proposes him no more for this demand); the match id."""
        if demand.status not in QUEUED or await active_match(session, demand.id) is not None:
            raise Stop(Reason.TAKEN)
        now = self.clock.now()
        return (await _moved(session, demand, craftsman_id, match, MatchStatus.DECLINED, actor, now)).id


async def _moved(
    session: AsyncSession,
    demand: Demand,
    craftsman_id: int,
    match: Match | None,
    to: MatchStatus,
    actor: int,
    now: datetime,
    **values: Any,
) -> Match:
    """The pairing's match moved to ``to`` (made when there was none), decided ``now`` by the staffer ``actor``."""
    values["decided_at"] = now
    if match is None:
        match = Match(
            demand_id=demand.id, craftsman_id=craftsman_id, status=to, proposed_by=actor, created_at=now, **values
        )
        session.add(match)
        await session.flush()
        return match
    if not await move_match(session, match, to, now, proposed_by=actor, **values):
        raise Stop(Reason.STALE)
    return match
