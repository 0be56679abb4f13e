"""Key-value rows for the bot's conversation state and per-user data (backs the PTB persistence)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.models import BotState, utcnow
from services.database import Database
from services.inbox import Inbox


class StateStore:
    def __init__(self, db: Database, inbox: Inbox | None = None) -> None:
        self.db, self.inbox = db, inbox
        self._insert = pg_insert if db.dialect == "postgresql" else sqlite_insert

    async def load(self, namespace: str) -> dict[str, Any]:
        async with self.db.session() as session:
            rows = await session.execute(select(BotState.key, BotState.value).where(BotState.namespace == namespace))
            return dict(rows.all())

    async def put(self, namespace: str, key: str, value: Any) -> None:
        await self.write({(namespace, key): value})

    async def drop(self, namespace: str, key: str) -> None:
        await self.write({(namespace, key): None})

    async def write(self, changes: dict[tuple[str, str], Any], done_updates: list[int] | None = None) -> None:
        """Apply many changes in one transaction: a value upserts the row, None deletes it; the updates that led
        to them are marked done in the same transaction (services/inbox.py)."""
        if not changes and not done_updates:
            return
        async with self.db.session() as session:
            if done_updates and self.inbox is not None:
                await self.inbox.mark_done(session, done_updates)
            for (namespace, key), value in changes.items():
                if value is None:
                    await session.execute(delete(BotState).where(BotState.namespace == namespace, BotState.key == key))
                    continue
                statement = self._insert(BotState).values(namespace=namespace, key=key, value=value, updated_at=utcnow())
                await session.execute(statement.on_conflict_do_update(
                    index_elements=["namespace", "key"],
                    set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at}))
