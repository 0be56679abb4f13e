"""The draft expiry of the demand pool (mixed into :class:`services.demands.Demands`): a draft untouched for 6 days
is reminded once, one untouched for 7 days is deleted."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from db.database import Database
from db.models import Demand, DemandStatus
from services.clock import Clock
from services.outbox import Notice, Outbox

DRAFT_DAYS, REMIND_DAY = 7, 6


class DraftExpiry:
    """Mixed into Demands, which supplies the database, the clock, the outbox and the time zone."""

    db: Database
    clock: Clock
    outbox: Outbox
    tz: ZoneInfo

    async def remind_drafts(self) -> int:
        """On day 6 of an untouched draft, remind its user once; return how many reminders were owed."""
        now = self.clock.now()
        async with self.db.session() as session:
            rows = (
                await session.scalars(
                    select(Demand).where(
                        Demand.status == DemandStatus.DRAFT,
                        Demand.draft_reminded_at.is_(None),
                        Demand.updated_at <= now - timedelta(days=REMIND_DAY),
                    )
                )
            ).all()
            owed = [(d.id, d.user_id, d.updated_at) for d in rows if d.user_id is not None]
            # updated_at stays as it was (a reminder is not the user coming back)
            await session.execute(
                update(Demand)
                .where(Demand.id.in_([o[0] for o in owed]))
                .values(draft_reminded_at=now, updated_at=Demand.updated_at)
            )
        for demand_id, user_id, updated in owed:
            expires = (updated + timedelta(days=DRAFT_DAYS)).astimezone(self.tz).strftime("%Y-%m-%d %H:%M")
            await self.outbox.put(
                [user_id],
                "notice",
                f"draft:{demand_id}:remind:{updated.isoformat()}",
                Notice("report.draft_reminder", values={"expires": expires}),
            )
        return len(owed)

    async def expire_drafts(self) -> int:
        """Delete drafts untouched for 7 days; return how many."""
        cutoff = self.clock.now() - timedelta(days=DRAFT_DAYS)
        async with self.db.session() as session:
            rows = (
                await session.scalars(
                    select(Demand).where(Demand.status == DemandStatus.DRAFT, Demand.updated_at <= cutoff)
                )
            ).all()
            for demand in rows:
                await session.delete(demand)
            return len(rows)
