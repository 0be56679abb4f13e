"""Key-value rows for the bot's conversation state and per-user data (backs the PTB persistence)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.models import BotState, utcnow
from services.database import Database


class StateStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._insert = pg_insert if db.dialect == "postgresql" else sqlite_insert

    async def load(self, namespace: str) -> dict[str, Any]:
        async with self.db.session() as session:
            rows = await session.execute(select(BotState.key, BotState.value).where(BotState.namespace == namespace))
            return {key: value for key, value in rows.all()}

    async def put(self, namespace: str, key: str, value: Any) -> None:
        await self.write({(namespace, key): value})

    async def drop(self, namespace: str, key: str) -> None:
        await self.write({(namespace, key): None})

    async def write(self, changes: dict[tuple[str, str], Any]) -> None:
        """Apply many changes in one transaction: a value upserts the row, None deletes it."""
        if not changes:
            return
        async with self.db.session() as session:
            for (namespace, key), value in changes.items():
                if value is None:
                    await session.execute(delete(BotState).where(BotState.namespace == namespace, BotState.key == key))
                    continue
                statement = self._insert(BotState).values(namespace=namespace, key=key, value=value, updated_at=utcnow())
                await session.execute(statement.on_conflict_do_update(
                    index_elements=["namespace", "key"],
                    set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at}))
