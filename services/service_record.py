"""The service record: every status change of a demand, stored with who and when, and what the flow's services
share — the refusal raised inside a session (``Stop``), the demand's public brief (never its contact details), the
staff chats."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from db.models import Craftsman, Demand, DemandStatus, DemandStatusHistory, Enterprise, Match, MatchStatus
from db.results import rowcount
from services.audit import AuditLog
from services.results import Reason, Refused

SUMMARY = 300  # characters of the problem text a craftsman sees before accepting


INTERNAL, ENTERPRISE = "internal", "enterprise"  # who may read a step's note: staff (and the craftsman) / also /my


async def transition(
    session: AsyncSession,
    demand: Demand,
    to: DemandStatus,
    actor: int | None,
    now: datetime,
    *,
    from_: Iterable[DemandStatus] | None = None,
    note: str | None = None,
    visibility: str = INTERNAL,
) -> bool:
    """The one way a demand's status changes: compare-and-set, then the step is stored (from, to, who, when, why,
    and who may read the note). Returns whether it moved.

    The status moves only from one of ``from_`` (default: the status the caller read), checked in the same
    ``UPDATE … WHERE id = :id AND status = :seen`` that writes it, so two processes (the leader's sweep and
    another caller) cannot both move it: the one that finds no row changed gets False, writes no history and
    must skip its side effects. When another process moved it meanwhile to another status still in ``from_``,
    the step is tried again from there (the history names the real ``from``)."""
    allowed = frozenset(from_) if from_ is not None else frozenset({demand.status})
    for _ in range(len(allowed) + 1):
        seen = demand.status
        if seen not in allowed or seen is to:
            return False
        result = await session.execute(
            update(Demand)
            .where(Demand.id == demand.id, Demand.status == seen)
            .values(status=to, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if rowcount(result) == 1:
            set_committed_value(demand, "status", to)
            set_committed_value(demand, "updated_at", now)
            session.add(
                DemandStatusHistory(
                    demand_id=demand.id,
                    from_status=seen.value,
                    to_status=to.value,
                    actor_user_id=actor,
                    note=note,
                    visibility=visibility,
                    at=now,
                )
            )
            return True
        await session.refresh(demand, ["status", "updated_at"])  # someone else moved it: see where to
    return False


async def move_match(session: AsyncSession, match: Match, to: MatchStatus, now: datetime, **values: object) -> bool:
    """Move ``match`` from the status the caller read to ``to`` (with ``values``), compare-and-set as for a
    demand: False (nothing written) when another actor changed it first — an accept racing the offer's lapse."""
    seen = match.status
    result = await session.execute(
        update(Match)
        .where(Match.id == match.id, Match.status == seen)
        .values(status=to, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        await session.refresh(match)
        return False
    for name, value in {"status": to, "updated_at": now, **values}.items():
        set_committed_value(match, name, value)
    return True


async def active_match(session: AsyncSession, demand_id: int) -> Match | None:
    """The demand's offered or accepted match, if any (there is at most one)."""
    match: Match | None = await session.scalar(
        select(Match)
        .where(Match.demand_id == demand_id, Match.status.in_((MatchStatus.OFFERED, MatchStatus.ACCEPTED)))
        .limit(1)
    )
    return match


async def craftsmans_match(
    session: AsyncSession, user_id: int, match_id: int, status: MatchStatus, demand_in: tuple[DemandStatus, ...]
) -> tuple[Match, Demand, Craftsman]:
    """(match, demand, craftsman) when ``match_id`` is ``user_id``'s own, as the craftsman, still in ``status``
    with its demand in ``demand_in``; else Stop (NOT_YOURS for someone else's, audited by the caller)."""
    match = await session.get(Match, match_id, with_for_update=True)
    if match is None:
        raise Stop(Reason.NOT_FOUND)
    craftsman = await session.get(Craftsman, match.craftsman_id)
    if craftsman is None or craftsman.user_id != user_id:
        raise Stop(Reason.NOT_YOURS, f"match:{match_id}")
    demand = await session.get(Demand, match.demand_id, with_for_update=True)
    if match.status is not status or demand is None or demand.status not in demand_in:
        raise Stop(Reason.STALE)
    return match, demand, craftsman


async def craftsman_of_user(session: AsyncSession, user_id: int) -> Craftsman | None:
    craftsman: Craftsman | None = await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id))
    return craftsman


def brief(demand: Demand) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, keys, codes) describing a demand for a craftsman who has not accepted it: no enterprise, no
    contact. The summary is shown as the enterprise typed it; codes name its industry and region (Notice.industries
    and Notice.places: each reader reads them in their own language)."""
    values = {"ticket": demand.ticket or "", "summary": (demand.text or demand.training_topic or "")[:SUMMARY]}
    codes = {"industry": demand.industry or "", "region": demand.region_code or ""}
    keys = {
        "kind": f"demand.kind.{demand.kind.value}",
        "urgency": f"demand.urgency.{demand.urgency or 'normal'}",
        "mode": f"demand.mode.{demand.service_mode or 'onsite'}",
    }
    return values, keys, codes


async def contact_values(session: AsyncSession, demand: Demand) -> dict[str, Any]:
    """The enterprise's contact details: for the accepting craftsman and staff only."""
    enterprise = await session.get(Enterprise, demand.enterprise_id) if demand.enterprise_id else None
    return {
        "enterprise": enterprise.name if enterprise else "",
        "contact": demand.contact_name or "",
        "phone": demand.contact_phone or "",
    }


class Stop(Refused):
    """A refusal raised inside a database session to leave it (rolled back); the caller audits it once the session
    is closed (SQLite has a single connection), with :meth:`audit`, then raises it on. ``target`` names what someone
    else's press was about."""

    def __init__(self, reason: Reason, target: str | None = None, **values: Any) -> None:
        super().__init__(reason, **values)
        self.target = target

    async def audit(self, audit: AuditLog, actor: int, action: str) -> None:
        """Log the refusal of someone else's press (NOT_YOURS, on ``target``) or of another region's demand
        (OUT_OF_REGION, on ``target``, services/staff_scope.py); other refusals are not audited."""
        if self.reason is Reason.NOT_YOURS:
            await audit.record(actor, action, self.target, allowed=False)
        elif self.reason in (Reason.OUT_OF_REGION, Reason.HAS_ACCOUNT):  # staff acting for a craftsman with Telegram
            await audit.record(actor, action, self.target, allowed=False, reason=self.reason.value)
