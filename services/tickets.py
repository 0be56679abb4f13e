"""Ticket numbers (ZQ-2026-000123): given when a demand is submitted, one after another with no gaps — a draft
(kept, discarded or expired) uses none. The number is the highest given so far plus one, whatever its year, so
tickets given before (the demand's id, once) stay as they are and are never given twice.

Two submissions at the same moment must not read the same highest number: on SQLite the submitting transaction
has written already (the status change) and so holds the database's one write lock; on PostgreSQL an advisory
lock, held until the transaction ends, puts them one after the other. The unique index on ``demands.ticket``
stays the last guard."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Integer, cast, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Demand
from services.demand_info import ticket_for

NUMBER_AT = len("ZQ-2026-") + 1  # where the number starts (SQL counts from 1)
LOCK = 0x5A51_7469  # "ZQti": the advisory lock of ticket numbering (PostgreSQL)


async def next_ticket(session: AsyncSession, at: datetime, tz: ZoneInfo) -> str:
    """The ticket for a demand submitted ``at``, inside the transaction that submits it."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": LOCK})
    highest = await session.scalar(select(func.max(cast(func.substr(Demand.ticket, NUMBER_AT), Integer))))
    return ticket_for(int(highest or 0) + 1, at, tz)
