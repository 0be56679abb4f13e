"""The outbox: services never talk to Telegram; they write what the bot owes a chat here, and the sender
(runtime/sender.py) delivers it. A message is stored as a catalogue key plus values, rendered in the
recipient's language when it is sent. ``dedupe_key`` makes writing the same notice twice a no-op."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from db.models import Notification, OutboxStatus
from services.clock import Clock
from services.database import Database

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Button:
    """An inline button: its label is a catalogue key (with values), its data what the bot gets back."""

    key: str
    data: str
    values: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "data": self.data, "values": self.values or {}}


@dataclass(frozen=True)
class Notice:
    """One message to write: ``key`` and ``values`` for the text; ``keys`` are values that are catalogue keys
    themselves (a status, a kind); ``labels`` are data texts shown in the recipient's script."""

    key: str
    values: dict[str, Any] | None = None
    keys: dict[str, str] | None = None
    buttons: list[list[Button]] | None = None
    files: list[dict[str, str]] | None = None  # {"kind": photo|document, "file_id": …, "caption": …}

    def payload(self) -> dict[str, Any]:
        return {"key": self.key, "values": self.values or {}, "keys": self.keys or {},
                "buttons": [[b.as_json() for b in row] for row in self.buttons or []], "files": self.files or []}


class Outbox:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self.dirty = False  # something was written since the sender last looked

    async def put(self, chat_ids: list[int], kind: str, dedupe_key: str, notice: Notice,
                  not_before: datetime | None = None, urgent: bool = False) -> int:
        """Owe ``notice`` to each chat once; return how many rows were new."""
        if not chat_ids:
            return 0
        now = self.clock.now()
        rows = [{"chat_id": chat_id, "kind": kind, "dedupe_key": dedupe_key, "payload": notice.payload(),
                 "not_before": not_before or now, "urgent": urgent, "status": OutboxStatus.PENDING.value,
                 "attempts": 0, "created_at": now} for chat_id in dict.fromkeys(chat_ids)]
        async with self.db.session() as session:
            insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
            statement = insert(Notification).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key", "chat_id"])
            result = await session.execute(statement)
        self.dirty = True
        return result.rowcount or 0

    async def due(self, limit: int = 100) -> list[Notification]:
        """Pending rows whose time has come, oldest first, claimed as SENDING."""
        async with self.db.session() as session:
            query = (select(Notification).where(Notification.status == OutboxStatus.PENDING,
                                                Notification.not_before <= self.clock.now())
                     .order_by(Notification.id).limit(limit))
            if self.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list((await session.scalars(query)).all())
            for row in rows:
                row.status = OutboxStatus.SENDING
            return rows

    async def done(self, row_id: int, status: OutboxStatus, error: str | None = None) -> None:
        """Record a delivery: SENT or BLOCKED end it; PENDING puts it back (retried up to MAX_ATTEMPTS)."""
        async with self.db.session() as session:
            row = await session.get(Notification, row_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error
            if status is OutboxStatus.SENT:
                row.sent_at = self.clock.now()
            if status is OutboxStatus.PENDING and row.attempts >= MAX_ATTEMPTS:
                status = OutboxStatus.FAILED
            row.status = status

    async def release_stuck(self) -> int:
        """Rows left SENDING by a crash go back to PENDING (at start)."""
        async with self.db.session() as session:
            result = await session.execute(update(Notification).where(Notification.status == OutboxStatus.SENDING)
                                           .values(status=OutboxStatus.PENDING))
            return result.rowcount or 0

    async def sent_to(self, chat_id: int) -> list[Notification]:
        async with self.db.session() as session:
            return list((await session.scalars(select(Notification).where(Notification.chat_id == chat_id)
                                               .order_by(Notification.id))).all())
