"""The staff queue half of the casework (mixed into :class:`services.casework.Casework`): demands waiting for a
craftsman with their best candidates and volunteers, and 清单匹配 — the best assignment of the whole queue at once,
which staff confirm and which is then offered pair by pair."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import AuditEntry, Craftsman, Demand, DemandStatus, Match, MatchStatus, Role
from services.assignment import Plan, plan_for
from services.audit import AuditLog
from services.clock import Clock
from services.matching import Matcher
from services.regions import RegionDirectory
from services.results import BY_HAND, Done, Reason, Refused
from services.service_record import Stop, active_match
from services.staff_scope import covered, require_in_scope
from services.talent import CraftsmanCard
from services.talent_index import Candidate, available
from services.volunteering import QUEUED


@dataclass(frozen=True)
class QueueItem:
    demand_id: int
    ticket: str
    status: DemandStatus
    text: str
    industry: str | None
    region_code: str | None
    urgency: str | None
    candidates: list[Candidate]
    volunteers: list[tuple[int, str]]  # (match id, craftsman name) waiting for staff


@dataclass(frozen=True)
class Found:
    """A craftsman found by 🔍 搜索工匠 for one demand: his open cases against his capacity, and why the demand cannot
    be offered to him now (FULL, UNAVAILABLE: on leave or not published, DECLINED: he turned it down), None when it
    can (a craftsman without Telegram is phoned: ``card.user_id`` is None)."""

    card: CraftsmanCard
    load: int
    refusal: Reason | None
    has_phone: bool = False


@dataclass(frozen=True)
class PlanReport:
    """What /match_all's ✅ did: offered, skipped because the case changed meanwhile, and the pairs staff must
    settle by hand (demand id, NO_ACCOUNT or UNREACHABLE refusal naming the craftsman and phone)."""

    done: int
    changed: int
    by_hand: list[tuple[int, Refused]]


_T = TypeVar("_T", bound=tuple[Any, ...])


def _waiting(query: Select[_T]) -> Select[_T]:
    """Queued demands that no craftsman holds: nobody has an open offer or has accepted."""
    return query.where(
        Demand.status.in_(QUEUED),
        ~exists().where(Match.demand_id == Demand.id, Match.status.in_((MatchStatus.OFFERED, MatchStatus.ACCEPTED))),
    )


def _in_scope(query: Select[_T], scope: frozenset[str] | None) -> Select[_T]:
    """Only the demands of the regions in ``scope`` (None: every region's)."""
    return query if scope is None else query.where(Demand.region_code.in_(sorted(scope)))


class StaffQueue:
    """The queue and 清单匹配 (mixed into :class:`services.casework.Casework`)."""

    # what Casework supplies
    db: Database
    clock: Clock
    matcher: Matcher
    audit: AuditLog
    regions: RegionDirectory

    if TYPE_CHECKING:

        async def offer(self, actor: int, role: Role | None, demand_id: int, craftsman_id: int) -> Done: ...

    async def queue(self, actor: int, role: Role | None, limit: int = 10, k: int = 3) -> list[QueueItem]:
        """Demands waiting for a craftsman in the staffer's region (services/staff_scope.py), urgent and oldest
        first, each with its best ``k`` candidates. Refused(NOT_STAFF) for anyone else (audited)."""
        await self.audit.require_staff(actor, role, "queue.list", "queue")
        async with self.db.session() as session:
            scope = await covered(session, self.regions, actor)
            waiting = (
                await session.scalars(
                    _in_scope(_waiting(select(Demand)), scope)
                    .order_by((Demand.urgency == "urgent").desc(), Demand.submitted_at, Demand.id)
                    .limit(limit)
                )
            ).all()
            volunteers = await self._volunteers(session, [d.id for d in waiting])
        return [await self._item(d, volunteers, k) for d in waiting]

    async def queue_item(self, actor: int, role: Role | None, demand_id: int, k: int = 3) -> QueueItem:
        """One demand as the queue shows it; Refused: NOT_STAFF, NOT_FOUND, OUT_OF_REGION (someone else's region's
        demand, audited once the session is closed)."""
        await self.audit.require_staff(actor, role, "queue.view", f"demand:{demand_id}")
        try:
            async with self.db.session() as session:
                d = await self._in_scope(session, actor, demand_id)
                volunteers = await self._volunteers(session, [d.id])
        except Stop as stop:
            await stop.audit(self.audit, actor, "queue.view")
            raise
        return await self._item(d, volunteers, k)

    async def _in_scope(self, session: AsyncSession, actor: int, demand_id: int) -> Demand:
        """Inside a session: demand ``demand_id`` when ``actor`` works on it; Refused(NOT_FOUND) for none (or a
        draft), Stop(OUT_OF_REGION) for another region's (services/staff_scope.py)."""
        d = await session.get(Demand, demand_id)
        if d is None or d.status is DemandStatus.DRAFT:
            raise Refused(Reason.NOT_FOUND)
        await require_in_scope(session, self.regions, actor, d)
        return d

    async def _item(self, d: Demand, volunteers: dict[int, list[tuple[int, str]]], k: int) -> QueueItem:
        """A demand as the queue shows it: with its ``k`` best candidates (fresh) and its volunteers."""
        return QueueItem(
            d.id,
            d.ticket or "",
            d.status,
            d.text or d.training_topic or "",
            d.industry,
            d.region_code,
            d.urgency,
            await self.matcher.for_demand(d.id, k),
            volunteers.get(d.id, []),
        )

    async def standing(self, actor: int, role: Role | None, demand_id: int, cards: list[CraftsmanCard]) -> list[Found]:
        """The craftsmen found for demand ``demand_id``, each with his load and what stops an offer to him now (the
        rules of the offer itself, services/casework.py ``_check_offer``): a search lists no 派给 that can only fail.
        Refused: NOT_STAFF (audited)."""
        await self.audit.require_staff(actor, role, "queue.find", f"demand:{demand_id}")
        ids = [c.id for c in cards]
        today = self.clock.now().date()  # as the offer reads it
        async with self.db.session() as session:
            loads = await Matcher.loads(session, ids)
            phones = dict(
                (await session.execute(select(Craftsman.id, Craftsman.phone).where(Craftsman.id.in_(ids))))
                .tuples()
                .all()
            )
            declined = await _declined(session, demand_id)

        def refusal(c: CraftsmanCard) -> Reason | None:
            if not available(True, c.status, c.paused_until, today):
                return Reason.UNAVAILABLE
            if c.id in declined:
                return Reason.DECLINED
            return Reason.FULL if loads.get(c.id, 0) >= c.capacity else None

        return [Found(c, loads.get(c.id, 0), refusal(c), bool((phones.get(c.id) or "").strip())) for c in cards]

    @staticmethod
    async def _volunteers(session: AsyncSession, demand_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        rows = await session.execute(
            select(Match.demand_id, Match.id, Craftsman.name)
            .join(Craftsman)
            .where(Match.demand_id.in_(demand_ids), Match.volunteered.is_(True), Match.status == MatchStatus.PROPOSED)
        )
        out: dict[int, list[tuple[int, str]]] = {}
        for demand_id, match_id, name in rows.all():
            out.setdefault(demand_id, []).append((match_id, name))
        return out

    # ------------------------------------------------------------------ 清单匹配: the whole queue at once
    async def plan_all(self, actor: int, role: Role | None, limit: int = 1000) -> Plan:
        """The best assignment of every queued demand in the staffer's region (up to ``limit``), for staff to
        confirm."""
        await self.audit.require_staff(actor, role, "match.plan_all", "queue")
        async with self.db.session() as session:
            scope = await covered(session, self.regions, actor)
            ids = (
                await session.scalars(
                    _in_scope(_waiting(select(Demand.id)), scope).order_by(Demand.submitted_at, Demand.id).limit(limit)
                )
            ).all()
        queries = {demand_id: await self.matcher.query_of(demand_id) for demand_id in ids}
        return await plan_for(self.matcher, {d: q for d, q in queries.items() if q is not None})

    async def apply_plan(self, actor: int, role: Role | None, pairs: list[tuple[int, int]]) -> PlanReport:
        """Offer each (demand, craftsman) pair of a confirmed plan: how many were offered, and why the others
        were not — the craftsman has no Telegram account (staff phone them, or pick another when there is no
        phone either), or the case changed in the meantime."""
        await self.audit.require_staff(actor, role, "match.apply_plan", "queue")
        done, changed, by_hand = 0, 0, list[tuple[int, Refused]]()
        for demand_id, craftsman_id in pairs:
            try:
                await self.offer(actor, role, demand_id, craftsman_id)
            except Refused as refusal:
                if refusal.reason in BY_HAND:
                    by_hand.append((demand_id, refusal))
                else:
                    changed += 1
            else:
                done += 1
        return PlanReport(done, changed, by_hand)

    async def phone_to_call(self, actor: int, role: Role | None, demand_id: int, craftsman_id: int) -> Done:
        """The phone staff call a candidate on who has no Telegram account (an offer cannot reach him): Done with
        ``name`` and ``phone``, given once to each staffer for a demand (the handing-over is audited); pressed again,
        Done with ``name`` and ``again`` (the phone is in the earlier message; hostile4 item 6). Refused: NOT_STAFF,
        NOT_FOUND, OUT_OF_REGION (audited), UNREACHABLE (no phone either), STALE (he has linked an account since:
        the queue item offers to him now), TAKEN (the demand has a craftsman) and DECLINED (he declined it), both
        audited. Done also has ``declined``: the candidates who declined it (their buttons leave the card)."""
        await self.audit.require_staff(actor, role, "queue.call", f"demand:{demand_id}")
        target = f"demand:{demand_id}:craftsman:{craftsman_id}"
        try:
            async with self.db.session() as session:
                demand = await self._in_scope(session, actor, demand_id)
                craftsman = await session.get(Craftsman, craftsman_id)
                taken = demand.status not in QUEUED or await active_match(session, demand_id) is not None
                declined = await _declined(session, demand_id)
                given = await session.scalar(
                    select(AuditEntry.id)
                    .where(
                        AuditEntry.actor_user_id == actor,
                        AuditEntry.action == "queue.call",
                        AuditEntry.target == target,
                        AuditEntry.allowed.is_(True),
                    )
                    .limit(1)
                )
        except Stop as stop:
            await stop.audit(self.audit, actor, "queue.call")
            raise
        if craftsman is None:
            raise Refused(Reason.NOT_FOUND)
        if craftsman.user_id is not None:
            raise Refused(Reason.STALE)
        for reason, stopped in ((Reason.TAKEN, taken), (Reason.DECLINED, craftsman_id in declined)):
            if stopped:  # an old card's button: his phone is of no use now
                await self.audit.record(actor, "queue.call", target, allowed=False, reason=reason.value)
                raise Refused(reason)
        phone = (craftsman.phone or "").strip()
        if not phone:
            raise Refused(Reason.UNREACHABLE, name=craftsman.name, phone="")
        values = {"name": craftsman.name, "declined": declined}
        if given is not None:
            return Done(demand_id, values={**values, "again": True})
        await self.audit.record(actor, "queue.call", target)
        return Done(demand_id, values={**values, "phone": phone, "again": False})

    async def tickets(self, demand_ids: list[int]) -> dict[int, str]:
        async with self.db.session() as session:
            rows = await session.execute(select(Demand.id, Demand.ticket).where(Demand.id.in_(demand_ids)))
            return {demand_id: ticket or "" for demand_id, ticket in rows.all()}


async def _declined(session: AsyncSession, demand_id: int) -> frozenset[int]:
    """The craftsmen who declined demand ``demand_id`` (or let the offer lapse)."""
    rows = await session.scalars(
        select(Match.craftsman_id).where(
            Match.demand_id == demand_id, Match.status.in_((MatchStatus.DECLINED, MatchStatus.EXPIRED))
        )
    )
    return frozenset(rows.all())
