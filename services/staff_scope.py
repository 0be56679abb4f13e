"""Where a staffer's work lies: a staffer with a region (``users.region_code``, a GB/T 2260 code) works on the
demands of enterprises in that region or below it — a city staffer on the city's, a province staffer on the whole
province's; a staffer without a region (provincial or federation level) on every region's. A demand keeps its
enterprise's region (``demands.region_code``, copied at submission); one without a region is for staff without a
region only. The same rule serves /queue, a queue item, a demand opened by id, 清单匹配, an offer, an escalation
and confirming a 揭榜 volunteer."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import Demand, User
from services.audit import AuditLog
from services.regions import RegionDirectory
from services.results import Reason
from services.service_record import Stop

OUT_OF_REGION = Reason.OUT_OF_REGION


async def covered(session: AsyncSession, regions: RegionDirectory, actor: int) -> frozenset[str] | None:
    """The region codes ``actor`` works on (their region and every region under it), or None for all of them."""
    region = await session.scalar(select(User.region_code).where(User.id == actor))
    return None if region is None else frozenset(regions.descendants(region))


async def in_scope(db: Database, regions: RegionDirectory, actor: int, region_code: str | None) -> bool:
    """Whether a demand of ``region_code`` lies where ``actor`` works (a session of its own)."""
    async with db.session() as session:
        return within(await covered(session, regions, actor), region_code)


def within(scope: frozenset[str] | None, region_code: str | None) -> bool:
    """Whether a demand of ``region_code`` lies in ``scope`` (from :func:`covered`)."""
    return scope is None or region_code in scope


async def refuse_out_of_region(audit: AuditLog, actor: int, action: str, demand_id: int) -> None:
    """Write the audited refusal of someone else's region's demand."""
    await audit.record(actor, action, f"demand:{demand_id}", allowed=False, reason=OUT_OF_REGION.value)


async def require_in_scope(session: AsyncSession, regions: RegionDirectory, actor: int, demand: Demand) -> None:
    """Inside a session: Stop(OUT_OF_REGION) on ``demand:<id>`` when ``demand`` lies outside where ``actor``
    works; the caller audits it once the session is closed (``Stop.audit``) and raises it on."""
    if not within(await covered(session, regions, actor), demand.region_code):
        raise Stop(OUT_OF_REGION, f"demand:{demand.id}")
