"""企业点菜、劳模工匠做菜、工会送菜: from a submitted demand to a craftsman who accepted it.

Staff see the queue with the matcher's candidates and offer the demand to one craftsman (or escalate it to the
provincial team); the craftsman accepts or declines; an offer unanswered for 48 hours lapses and staff are
alerted with the next candidate. Craftsmen may also volunteer for open demands (揭榜, services/volunteering.py),
which staff confirm.

Every action names its actor and is checked here against the database — the role for staff actions, the
craftsman's own account for answers to an offer — never against callback data. The enterprise's contact details
go to the craftsman only once they have accepted.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.casework import AcceptOffer, DeclineOffer
from buttons.queue import CallCraftsman, OfferTo, ShowQueueItem
from db.database import Database
from db.models import (
    Craftsman,
    Demand,
    DemandStatus,
    DemandStatusHistory,
    Match,
    MatchStatus,
    Role,
    ServiceTeam,
    TeamLevel,
)
from services.audit import AuditLog
from services.clock import Clock
from services.matching import Matcher
from services.outbox import Button, Notice, Outbox
from services.phone_offers import PhoneOffers
from services.regions import RegionDirectory
from services.results import Done, Reason, Refused
from services.service_record import (
    Stop,
    active_match,
    brief,
    contact_values,
    craftsmans_match,
    move_match,
    transition,
)
from services.staff_queue import StaffQueue
from services.staff_scope import StaffChats, require_in_scope
from services.talent_index import Candidate, available
from services.volunteering import QUEUED, Volunteering

OFFER_HOURS = 48
MAX_NOTE = 500


class Casework(StaffQueue, Volunteering, PhoneOffers):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        outbox: Outbox,
        matcher: Matcher,
        regions: RegionDirectory,
        staff: StaffChats,
    ) -> None:
        self.db, self.clock, self.audit, self.outbox, self.matcher = db, clock, audit, outbox, matcher
        self.regions, self.staff = regions, staff

    # ------------------------------------------------------------------ offering a demand to a craftsman
    async def offer(self, actor: int, role: Role | None, demand_id: int, craftsman_id: int) -> Done:
        """Staff offer ``demand_id`` to ``craftsman_id``: the demand becomes ``matched`` and the craftsman gets
        the problem summary with 接受 / 婉拒. Refused when the demand or the craftsman cannot take it."""
        await self.audit.require_staff(actor, role, "match.offer", f"demand:{demand_id}")
        candidate = await self._candidate(demand_id, craftsman_id)
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                demand = await session.get(Demand, demand_id, with_for_update=True)
                craftsman = await session.get(Craftsman, craftsman_id)
                await self._check_offer(session, demand, craftsman, by_staff=actor)
                # _check_offer refused a missing demand or craftsman, and one without an account
                assert demand is not None and craftsman is not None and craftsman.user_id is not None
                if not await transition(session, demand, DemandStatus.MATCHED, actor, now, note=craftsman.name):
                    raise Refused(Reason.TAKEN)  # another staffer's offer got there first
                match = await session.scalar(
                    select(Match).where(Match.demand_id == demand_id, Match.craftsman_id == craftsman_id)
                )
                if match is None:
                    match = Match(demand_id=demand_id, craftsman_id=craftsman_id, created_at=now)
                    session.add(match)
                match.status, match.offered_at, match.proposed_by = MatchStatus.OFFERED, now, actor
                match.updated_at = now
                if candidate is not None:
                    match.score, match.reasons = (
                        candidate.score,
                        json.dumps(candidate.reasons.as_json(), ensure_ascii=False),
                    )
                await session.flush()
                match_id, user_id, name = match.id, craftsman.user_id, craftsman.name
                values, keys, codes = brief(demand)
                owner = demand.user_id
        except Stop as stop:  # another region's demand (audited); the other refusals are not
            await stop.audit(self.audit, actor, "match.offer")
            raise
        values["hours"] = OFFER_HOURS
        await self.outbox.put(
            [user_id],
            "notice",
            f"match:{match_id}:offer:{now.isoformat()}",
            Notice(
                "case.offer",
                values=values,
                keys=keys,
                industries={"industry": codes["industry"]},
                places={"region": codes["region"]},
                buttons=[
                    [Button("case.accept", AcceptOffer(match_id)), Button("case.decline", DeclineOffer(match_id))]
                ],
            ),
            urgent=True,
        )
        if owner:
            await self.outbox.put(
                [owner],
                "notice",
                f"demand:{demand_id}:matched:{match_id}",
                Notice("case.matched_enterprise", values={"ticket": values["ticket"]}),
            )  # named once he accepts: never who declined
        await self.audit.record(actor, "match.offer", f"demand:{demand_id}", craftsman=craftsman_id)
        return Done(demand_id, match_id, {"name": name})

    async def _check_offer(
        self,
        session: AsyncSession,
        demand: Demand | None,
        craftsman: Craftsman | None,
        by_staff: int | None = None,
        phoned: bool = False,
    ) -> None:
        """Stop with the refusal when ``demand`` cannot be offered to ``craftsman`` now — by the staffer ``by_staff``
        (None: the craftsman volunteers), who works on their own region's demands only (services/staff_scope.py);
        ``phoned``: staff offered it on the phone, so no Telegram account is needed (services/phone_offers.py)."""
        if demand is None or craftsman is None or demand.status is DemandStatus.DRAFT:
            raise Stop(Reason.NOT_FOUND)
        if by_staff is not None:
            await require_in_scope(session, self.regions, by_staff, demand)
        if demand.status not in QUEUED or await active_match(session, demand.id) is not None:
            raise Stop(Reason.TAKEN)
        if not available(craftsman.active, craftsman.status, craftsman.paused_until, self.clock.now().date()):
            raise Stop(Reason.UNAVAILABLE)
        if craftsman.user_id is None and not phoned:
            phone = (craftsman.phone or "").strip()
            raise Stop(Reason.NO_ACCOUNT if phone else Reason.UNREACHABLE, name=craftsman.name, phone=phone)
        earlier = await session.scalar(
            select(Match.status).where(Match.demand_id == demand.id, Match.craftsman_id == craftsman.id)
        )
        if earlier in (MatchStatus.DECLINED, MatchStatus.EXPIRED):
            raise Stop(Reason.DECLINED)
        load = (await Matcher.loads(session, [craftsman.id])).get(craftsman.id, 0)
        if load >= craftsman.capacity:
            raise Stop(Reason.FULL)

    async def _candidate(self, demand_id: int, craftsman_id: int) -> Candidate | None:
        """The matcher's view of this pairing (score and reasons), when the craftsman is in the index."""
        query = await self.matcher.query_of(demand_id)
        return await self.matcher.explain(query, craftsman_id) if query is not None else None

    # ------------------------------------------------------------------ the craftsman answers
    async def accept(self, user_id: int, match_id: int) -> Done:
        """The craftsman accepts: the demand is ``accepted``; they get the enterprise's contact details (in
        ``detail``), the enterprise and staff are told. On leave, he may (no new offers come, but one made before
        is his to answer): ``leave`` is its last day, for him to be told the visit comes after it."""
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                match, demand, craftsman = await _open_offer(session, user_id, match_id)
                if not await move_match(
                    session, match, MatchStatus.ACCEPTED, now, decided_at=now
                ) or not await transition(session, demand, DemandStatus.ACCEPTED, user_id, now, note=craftsman.name):
                    raise Stop(Reason.STALE)  # it lapsed in the same moment
                contact = await contact_values(session, demand)
                owner, ticket, name = demand.user_id, demand.ticket or "", craftsman.name
                on_leave = craftsman.paused_until is not None and craftsman.paused_until >= now.date()  # as available()
                leave = craftsman.paused_until.isoformat() if on_leave and craftsman.paused_until else ""
        except Stop as stop:
            await stop.audit(self.audit, user_id, "match.accept")
            raise
        await self._accepted_notices(match_id, demand.id, owner, ticket, name)
        return Done(demand.id, match_id, {**contact, "ticket": ticket, "name": name, "leave": leave})

    async def _accepted_notices(self, match_id: int, demand_id: int, owner: int | None, ticket: str, name: str) -> None:
        if owner:
            await self.outbox.put(
                [owner],
                "notice",
                f"match:{match_id}:accepted",
                Notice("case.accepted_enterprise", values={"ticket": ticket, "name": name}),
            )
        await self.outbox.put(
            await self.staff.for_demand(demand_id),
            "notice",
            f"match:{match_id}:accepted",
            Notice("case.accepted_staff", values={"ticket": ticket, "name": name}),
        )

    async def may_decline(self, user_id: int, match_id: int) -> Done:
        """Whether the craftsman's offer can still be declined, asked when 婉拒 is pressed, before the reason is
        typed: DONE, or the refusal :meth:`decline` would give (an offer accepted, withdrawn or someone else's)."""
        try:
            async with self.db.session() as session:
                _, demand, _ = await _open_offer(session, user_id, match_id)
                return Done(demand.id, match_id)
        except Stop as stop:
            await stop.audit(self.audit, user_id, "match.decline")
            raise

    async def decline(self, user_id: int, match_id: int, reason: str) -> Done:
        """The craftsman declines with a reason: the demand goes back to the queue and staff are alerted with
        the next candidate."""
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                match, demand, craftsman = await _open_offer(session, user_id, match_id)
                back = await self._back_to_queue(session, demand)
                if not await move_match(
                    session, match, MatchStatus.DECLINED, now, decided_at=now, decline_reason=reason[:MAX_NOTE]
                ) or not await transition(session, demand, back, user_id, now, note=reason[:MAX_NOTE]):
                    raise Stop(Reason.STALE)
                demand_id, ticket, name, owner = demand.id, demand.ticket or "", craftsman.name, demand.user_id
        except Stop as stop:
            await stop.audit(self.audit, user_id, "match.decline")
            raise
        if owner:  # never who declined, nor why: only that the union looks further
            await self.outbox.put(
                [owner],
                "notice",
                f"match:{match_id}:declined",
                Notice("case.declined_enterprise", values={"ticket": ticket}),
            )
        await self._alert_staff(
            demand_id,
            ticket,
            "case.declined_staff",
            {"name": name, "reason": reason[:MAX_NOTE]},
            f"match:{match_id}:declined",
        )
        return Done(demand_id, match_id)

    @staticmethod
    async def _back_to_queue(session: AsyncSession, demand: Demand) -> DemandStatus:
        """Submitted again — or escalated, when it was escalated before."""
        escalated = await session.scalar(
            select(DemandStatusHistory.id)
            .where(
                DemandStatusHistory.demand_id == demand.id,
                DemandStatusHistory.to_status == DemandStatus.ESCALATED.value,
            )
            .limit(1)
        )
        return DemandStatus.ESCALATED if escalated else DemandStatus.SUBMITTED

    async def _alert_staff(self, demand_id: int, ticket: str, key: str, values: dict[str, Any], dedupe: str) -> None:
        """Tell staff, naming the next candidate someone can reach, one press away: 派给 him when he has a Telegram
        account, 📞 致电 (his phone) when staff must call him."""
        best = next((c for c in await self.matcher.for_demand(demand_id) if c.reachable), None)
        buttons = [[Button("queue.show", ShowQueueItem(demand_id))]]
        values = {**values, "ticket": ticket, "next": best.name if best else "—"}
        if best is not None:
            press = (
                Button("queue.offer_to", OfferTo(demand_id, best.craftsman_id), {"name": best.name})
                if best.user_id is not None
                else Button("queue.call_to", CallCraftsman(demand_id, best.craftsman_id), {"name": best.name})
            )
            buttons.insert(0, [press])
        await self.outbox.put(
            await self.staff.for_demand(demand_id),
            "notice",
            dedupe,
            Notice(key, values=values, buttons=buttons),
            urgent=True,
        )

    async def expire_offers(self) -> int:
        """Offers unanswered for 48 hours lapse: the demand goes back to the queue, the craftsman is told, staff
        are alerted with the next candidate. Returns how many lapsed."""
        now = self.clock.now()
        lapsed = []
        async with self.db.session() as session:
            rows = (
                await session.scalars(
                    select(Match)
                    .where(Match.status == MatchStatus.OFFERED, Match.offered_at <= now - timedelta(hours=OFFER_HOURS))
                    .with_for_update()
                )
            ).all()
            for match in rows:
                if not await move_match(session, match, MatchStatus.EXPIRED, now, decided_at=now):
                    continue  # answered in the same moment: the answer stands
                demand = await session.get(Demand, match.demand_id, with_for_update=True)
                craftsman = await session.get(Craftsman, match.craftsman_id)
                if demand is not None and demand.status is DemandStatus.MATCHED:
                    await transition(
                        session, demand, await self._back_to_queue(session, demand), None, now, note="no answer in 48 h"
                    )
                lapsed.append((match.id, match.demand_id, demand.ticket if demand else "", craftsman))
        for match_id, demand_id, ticket, craftsman in lapsed:
            if craftsman is not None and craftsman.user_id:
                await self.outbox.put(
                    [craftsman.user_id],
                    "notice",
                    f"match:{match_id}:expired",
                    Notice("case.offer_lapsed", values={"ticket": ticket or ""}),
                )
            await self._alert_staff(
                demand_id,
                ticket or "",
                "case.lapsed_staff",
                {"name": craftsman.name if craftsman else "", "hours": OFFER_HOURS},
                f"match:{match_id}:expired",
            )
        return len(lapsed)

    # ------------------------------------------------------------------ escalation
    async def may_escalate(
        self, actor: int, role: Role | None, demand_id: int, action: str = "demand.escalate"
    ) -> Done:
        """Whether ``actor`` may escalate demand ``demand_id`` (or look for a craftsman for it: ``action``
        queue.find), asked when the button is pressed, before the note (or the query) is typed: Done, or the
        refusal :meth:`escalate` would give — NOT_STAFF, NOT_FOUND, OUT_OF_REGION (audited as ``action``)."""
        await self.audit.require_staff(actor, role, action, f"demand:{demand_id}")
        try:
            async with self.db.session() as session:
                await self._in_scope(session, actor, demand_id)
        except Stop as stop:  # another region's demand: audited
            await stop.audit(self.audit, actor, action)
            raise
        return Done(demand_id)

    async def escalate(self, actor: int, role: Role | None, demand_id: int, note: str) -> Done:
        """Hand a queued demand to the provincial team, with a note; the matcher then looks province-wide."""
        await self.audit.require_staff(actor, role, "demand.escalate", f"demand:{demand_id}")
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                demand = await session.get(Demand, demand_id, with_for_update=True)
                if demand is None or demand.status is DemandStatus.DRAFT:
                    raise Refused(Reason.NOT_FOUND)
                await require_in_scope(session, self.regions, actor, demand)
                if demand.status not in QUEUED or await active_match(session, demand_id) is not None:
                    raise Refused(Reason.TAKEN)
                if not await transition(session, demand, DemandStatus.ESCALATED, actor, now, note=note[:MAX_NOTE]):
                    raise Refused(Reason.TAKEN)
                province = (demand.region_code or "")[:2]
                team = (
                    await session.scalar(
                        select(ServiceTeam.name)
                        .where(ServiceTeam.level == TeamLevel.PROVINCE, ServiceTeam.region_code.startswith(province))
                        .limit(1)
                    )
                    if province
                    else None
                )
                ticket, owner = demand.ticket or "", demand.user_id
        except Stop as stop:  # another region's demand: audited
            await stop.audit(self.audit, actor, "demand.escalate")
            raise
        await self.audit.record(actor, "demand.escalate", f"demand:{demand_id}", note=note[:MAX_NOTE])
        await self.outbox.put(
            await self.staff.for_demand(demand_id),
            "notice",
            f"demand:{demand_id}:escalated:{now.isoformat()}",
            Notice(
                "case.escalated_staff",
                values={"ticket": ticket, "note": note[:MAX_NOTE]},
                labels={"team": team or ""},
                buttons=[[Button("queue.show", ShowQueueItem(demand_id))]],
            ),
        )
        if owner:
            await self.outbox.put(
                [owner],
                "notice",
                f"demand:{demand_id}:escalated:{now.isoformat()}",
                Notice("case.escalated_enterprise", values={"ticket": ticket}),
            )
        return Done(demand_id, values={"team": team or ""})


async def _open_offer(session: AsyncSession, user_id: int, match_id: int) -> tuple[Match, Demand, Craftsman]:
    """The craftsman's own offer still waiting for his answer (accept, decline), or Stop with the refusal."""
    return await craftsmans_match(session, user_id, match_id, MatchStatus.OFFERED, (DemandStatus.MATCHED,))
