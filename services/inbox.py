"""The update inbox: what Telegram handed over is in the database before Telegram hears it arrived.

Telegram forgets an update once the bot has acknowledged it (the next getUpdates, or a webhook's 200). A process
killed between that moment and the end of the handling would lose the update — a filed demand, an uploaded
import, a press. So every update is written here first (:meth:`Inbox.hold`); it is marked done in the same
transaction as the conversation state it led to (runtime/persistence.py), and its content dropped; at the next
start the updates never marked done are handled again (:meth:`Inbox.unfinished`). The ids of done updates stay a
day: an update Telegram delivers a second time (a webhook retry) is recognised and dropped.

The in-flight window: an update whose handler had finished its own writes when the process died, but whose
conversation state was not yet written, is handled again. Handlers meet that case as a repeated press or message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import UpdateInbox
from services.clock import Clock
from services.database import Database

KEEP_DONE = timedelta(days=1)  # Telegram keeps an unacknowledged update for 24 hours


class Inbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self._insert = pg_insert if db.dialect == "postgresql" else sqlite_insert

    async def hold(self, updates: list[tuple[int, dict[str, Any]]]) -> set[int]:
        """Write (update id, update as JSON) rows; return the ids that were new (the others were delivered before
        and are not to be handled again)."""
        if not updates:
            return set()
        now = self.clock.now()
        rows = [{"update_id": uid, "payload": payload, "received_at": now} for uid, payload in updates]
        table = UpdateInbox.__table__  # Core, not the ORM's bulk path: this runs for every batch of updates
        statement = (self._insert(table).on_conflict_do_nothing(index_elements=["update_id"])
                     .returning(table.c.update_id))
        async with self.db.session() as session:
            return set((await session.scalars(statement, rows)).all())

    async def mark_done(self, session: AsyncSession, update_ids: list[int]) -> None:
        """Mark updates handled and drop their content, inside the caller's transaction (the one that writes their
        conversation state)."""
        if update_ids:
            table = UpdateInbox.__table__
            await session.execute(update(table).where(table.c.update_id.in_(update_ids))
                                  .values(done_at=self.clock.now(), payload=None))

    async def unfinished(self) -> list[dict[str, Any]]:
        """The updates taken but never marked done (a crash cut them off), oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(select(UpdateInbox.payload).where(UpdateInbox.done_at.is_(None))
                                         .order_by(UpdateInbox.update_id))
            return list(rows.all())

    async def prune(self) -> int:
        """Forget the updates done more than a day ago; return how many."""
        async with self.db.session() as session:
            result = await session.execute(delete(UpdateInbox).where(UpdateInbox.done_at < self.clock.now() - KEEP_DONE))
            return result.rowcount or 0
