"""Key-value rows for the bot's conversation state and per-user data (backs the PTB persistence)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, select, text, tuple_

from db.database import Database
from db.models import BotState, utcnow
from runtime.inbox import Inbox

# one statement, the same text on SQLite and PostgreSQL, compiled once (SQLAlchemy cannot cache the dialects'
# ON CONFLICT constructs: built per call, they were compiled again at every update)
UPSERT = text(
    'INSERT INTO bot_state (namespace, "key", value, updated_at) VALUES (:namespace, :key, :value, :updated_at) '
    'ON CONFLICT (namespace, "key") DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at'
).bindparams(
    bindparam("value", type_=BotState.__table__.c.value.type),
    bindparam("updated_at", type_=BotState.__table__.c.updated_at.type),
)


class StateStore:
    def __init__(self, db: Database, inbox: Inbox | None = None) -> None:
        self.db, self.inbox = db, inbox

    async def load(self, namespace: str) -> dict[str, Any]:
        async with self.db.session() as session:
            rows = await session.execute(select(BotState.key, BotState.value).where(BotState.namespace == namespace))
            return dict(rows.tuples().all())

    async def put(self, namespace: str, key: str, value: Any) -> None:
        await self.write({(namespace, key): value})

    async def drop(self, namespace: str, key: str) -> None:
        await self.write({(namespace, key): None})

    async def write(self, changes: dict[tuple[str, str], Any], done_updates: list[int] | None = None) -> None:
        """Apply many changes in one transaction (the caller's unit of work, if any: db/unit_of_work.py): a value
        upserts the row, None deletes it; the updates that led to them are marked done in the same transaction
        (runtime/inbox.py)."""
        if not changes and not done_updates:
            return
        now = utcnow()
        upserts = [
            {"namespace": namespace, "key": key, "value": value, "updated_at": now}
            for (namespace, key), value in changes.items()
            if value is not None
        ]
        drops = [(namespace, key) for (namespace, key), value in changes.items() if value is None]
        async with self.db.connection(undo_alone=False) as connection:  # its failure fails the update's unit anyway
            if done_updates and self.inbox is not None:
                await self.inbox.mark_done(connection, done_updates)
            if upserts:
                await connection.execute(UPSERT, upserts)
            if drops:
                await connection.execute(delete(BotState).where(tuple_(BotState.namespace, BotState.key).in_(drops)))
