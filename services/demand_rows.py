"""A draft demand as Core rows: the hot path of every /report step (read the draft, change one field), without the
ORM's session, identity map and flush (about a third of a step's SQLAlchemy time). Statements are built once.

Only drafts go this way: a draft has no enterprise name, craftsmen or history to read (services/demands.py reads
those for every other demand). A write changes the row only while it is the user's own draft, in one statement;
when it matches nothing the caller takes the ORM path, which says why (not found, not yours, not a draft).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from db.models import Demand, DemandAttachment, DemandStatus
from services.demand_info import Attachment, DemandInfo

_DEMAND = cast(Table, Demand.__table__)
_ATTACHMENT = cast(Table, DemandAttachment.__table__)
# DemandInfo's fields read from the row (a draft has no enterprise name, craftsmen or history)
_FIELDS = (
    "id",
    "user_id",
    "ticket",
    "kind",
    "status",
    "text",
    "industry",
    "industry_predicted",
    "industry_confidence",
    "urgency",
    "service_mode",
    "training_topic",
    "trainees",
    "preferred_dates",
    "region_code",
    "enterprise_id",
    "contact_name",
    "contact_phone",
    "created_at",
    "updated_at",
    "submitted_at",
)
_COLUMNS = tuple(_DEMAND.c[name] for name in _FIELDS)
_READ = select(*_COLUMNS).where(_DEMAND.c.id == bindparam("demand_key"))
# no values(): the SET clause is the parameters' keys (the statement is compiled once per set of keys)
_WRITE = (
    update(_DEMAND)
    .where(
        _DEMAND.c.id == bindparam("demand_key"),
        _DEMAND.c.user_id == bindparam("owner_key"),
        _DEMAND.c.status == DemandStatus.DRAFT,
    )
    .returning(*_COLUMNS)
)
_ATTACHMENTS = (
    select(_ATTACHMENT.c.kind, _ATTACHMENT.c.file_id, _ATTACHMENT.c.caption)
    .where(_ATTACHMENT.c.demand_id == bindparam("demand_key"))
    .order_by(_ATTACHMENT.c.id)
)


def _info(row: Row[Any], attachments: Sequence[Row[Any]]) -> DemandInfo:
    return DemandInfo(
        **row._asdict(),
        enterprise_name=None,
        attachments=tuple(Attachment(a.kind, a.file_id, a.caption) for a in attachments),
    )


async def _with_attachments(connection: AsyncConnection, row: Row[Any]) -> DemandInfo:
    attachments = (await connection.execute(_ATTACHMENTS, {"demand_key": row.id})).all()
    return _info(row, attachments)


async def read_draft(connection: AsyncConnection, demand_id: int) -> DemandInfo | None:
    """The demand while it is a draft; None when it is not one (or not there: the caller reads it the full way)."""
    row = (await connection.execute(_READ, {"demand_key": demand_id})).first()
    if row is None or row.status is not DemandStatus.DRAFT:
        return None
    return await _with_attachments(connection, row)


async def write_draft(
    connection: AsyncConnection, demand_id: int, user_id: int, values: dict[str, Any]
) -> DemandInfo | None:
    """Set ``values`` on the user's own draft; None (nothing written) when it is not that."""
    row = (await connection.execute(_WRITE, {**values, "demand_key": demand_id, "owner_key": user_id})).first()
    return await _with_attachments(connection, row) if row is not None else None
