"""Where a staffer may import craftsmen and enterprises: the rule of competitions (services/importing_competitions.py)
and of the staff queue (services/staff_scope.py). A staffer with a region imports rows of her region and below only;
a row for another region, or one whose natural key is a record of another region (importing it would update, and
move, that record), is reported as a bad row. An enterprise row without a region (the column is optional) is
taken. Staff without a region and admins import every region's rows. The refusal is audited once per check of a
file, its rows counted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from db.database import Database
from db.models import Craftsman, Enterprise
from services.audit import AuditLog
from services.import_lookalikes import Found, chunks, phone_key
from services.regions import RegionDirectory
from services.results import Reason
from services.staff_scope import own_region


async def outside(
    db: Database, regions: RegionDirectory, audit: AuditLog, actor: int, kind: str, rows: list[dict[str, Any]]
) -> Found:
    """The rows of ``kind`` (craftsmen | enterprises), by index, that ``actor`` may not import, with their error."""
    own = await own_region(db, actor)
    if own is None or kind not in ("craftsmen", "enterprises"):
        return {}
    scope = set(regions.descendants(own))
    stored = await (_craftsmen(db, rows) if kind == "craftsmen" else _enterprises(db, rows))
    found: Found = {}
    for index, row in enumerate(rows):
        region = row["region_code"]
        if region is not None and region not in scope:
            found[index] = ("import.err.out_of_region", {"value": region})
        elif index in stored and stored[index] not in scope:
            found[index] = ("import.err.other_regions_record", {"value": stored[index] or "—"})
    if found:
        await audit.record(
            actor, f"{kind}.import", "import", allowed=False, reason=Reason.OUT_OF_REGION.value, rows=len(found)
        )
    return found


async def _craftsmen(db: Database, rows: list[dict[str, Any]]) -> dict[int, str | None]:
    """The region of the stored craftsman each row's natural key names (name + workplace + phone), by index."""
    regions: dict[tuple[str, str, str | None], str | None] = {}
    async with db.session() as session:
        for chunk in chunks(row["name"] for row in rows):
            query = select(Craftsman.name, Craftsman.workplace, Craftsman.phone, Craftsman.region_code)
            for name, workplace, number, region in (
                await session.execute(query.where(Craftsman.name.in_(chunk)))
            ).all():
                regions[(name, workplace, phone_key(number))] = region
    keys = ((i, (row["name"], row["workplace"], row["phone"])) for i, row in enumerate(rows))
    return {i: regions[key] for i, key in keys if key in regions}


async def _enterprises(db: Database, rows: list[dict[str, Any]]) -> dict[int, str | None]:
    """The region of the stored enterprise each row's credit code names, by index."""
    regions: dict[str | None, str | None] = {}
    async with db.session() as session:
        for chunk in chunks(row["credit_code"] for row in rows):
            query = select(Enterprise.credit_code, Enterprise.region_code).where(Enterprise.credit_code.in_(chunk))
            regions.update((await session.execute(query)).tuples().all())
    return {i: regions[row["credit_code"]] for i, row in enumerate(rows) if row["credit_code"] in regions}
