"""The update inbox: what Telegram handed over is in the database before Telegram hears it arrived.

Telegram forgets an update once the bot has acknowledged it (the next getUpdates, or a webhook's 200). A process
killed between that moment and the end of the handling would lose the update — a filed demand, an uploaded
import, a press. So every update is written here first (:meth:`Inbox.hold`); it is marked done in the same
transaction as the conversation state it led to (runtime/persistence.py), and its content dropped; at the next
start the updates never marked done are handled again (:meth:`Inbox.unfinished`). The ids of done updates stay a
day: an update Telegram delivers a second time (a webhook retry) is recognised and dropped.

The in-flight window: an update whose handler had finished its own writes when the process died, but whose
conversation state was not yet written, is handled again. Handlers meet that case as a repeated press or message.

Poison updates: an update whose handling kills the process (out of memory, a native crash) would kill it again at
every start. Each start that replays a row counts it (``attempts``); a row already replayed by ``MAX_REPLAYS``
starts without finishing is quarantined instead (:meth:`Inbox.replayable`): kept as it came, marked, never
replayed again, written to the audit log (``update.quarantined``, shown by /audit) and told to staff.

Taking and replaying. Updates go into the inbox as Telegram sent them, before Telegram is told they arrived:
in getUpdates (runtime/signing.py) before the next poll acknowledges them, in the webhook before its 200. When
the database does not answer they are not taken at all: polling raises a NetworkError (python-telegram-bot's
poller retries with backoff and Telegram keeps the updates), the webhook answers 503 (Telegram retries).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from telegram import Bot, Update
from telegram.error import NetworkError
from telegram.ext import Application

from db.database import Database
from db.models import AuditEntry, UpdateInbox
from runtime.processor import PerUserUpdateProcessor
from services.clock import Clock
from services.outbox import Notice, Outbox

log = logging.getLogger(__name__)
KEEP_DONE = timedelta(days=1)  # Telegram keeps an unacknowledged update for 24 hours
MAX_REPLAYS = 3  # starts that replayed an update without finishing it, before it is quarantined
UNFINISHED = (UpdateInbox.done_at.is_(None), UpdateInbox.quarantined_at.is_(None))  # taken, cut off, not poison


def describe(update_id: int, payload: dict[str, Any] | None) -> dict[str, Any]:
    """What staff are told of an update: its id, its kind (message, callback_query …) and who sent it."""
    kind = next((key for key in (payload or {}) if key != "update_id"), "unknown")
    body = (payload or {}).get(kind)
    sender = body.get("from") if isinstance(body, dict) else None
    return {"update_id": update_id, "kind": kind, "user_id": sender.get("id") if isinstance(sender, dict) else None}


_DONE_ONE = (
    update(UpdateInbox.__table__)
    .where(UpdateInbox.__table__.c.update_id == bindparam("which"))
    .values(done_at=bindparam("now"), payload=None)
)


class Inbox:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        outbox: Outbox | None = None,
        staff: Callable[[], Awaitable[list[int]]] | None = None,
    ) -> None:
        self.db, self.clock = db, clock
        self.outbox, self.staff = outbox, staff  # where quarantines are told
        self._insert = pg_insert if db.dialect == "postgresql" else sqlite_insert

    async def hold(self, updates: list[tuple[int, dict[str, Any]]]) -> set[int]:
        """Write (update id, update as JSON) rows; return the ids that were new (the others were delivered before
        and are not to be handled again)."""
        if not updates:
            return set()
        now = self.clock.now()
        rows = [{"update_id": uid, "payload": payload, "received_at": now} for uid, payload in updates]
        table = UpdateInbox.__table__  # Core, not the ORM's bulk path: this runs for every batch of updates
        statement = (
            self._insert(table).on_conflict_do_nothing(index_elements=["update_id"]).returning(table.c.update_id)
        )
        async with self.db.connection() as connection:
            return set((await connection.scalars(statement, rows)).all())

    async def mark_done(self, session: AsyncSession | AsyncConnection, update_ids: list[int]) -> None:
        """Mark updates handled and drop their content, inside the caller's transaction (the one that writes their
        conversation state)."""
        if len(update_ids) == 1:  # the usual case, its statement built once
            await session.execute(_DONE_ONE, {"which": update_ids[0], "now": self.clock.now()})
        elif update_ids:
            table = UpdateInbox.__table__
            which = table.c.update_id.in_(update_ids)
            await session.execute(update(table).where(which).values(done_at=self.clock.now(), payload=None))

    async def unfinished(self) -> list[dict[str, Any]]:
        """The updates taken but never marked done (a crash cut them off) nor quarantined, oldest first."""
        async with self.db.session() as session:
            rows = await session.scalars(select(UpdateInbox.payload).where(*UNFINISHED).order_by(UpdateInbox.update_id))
            return list(rows.all())

    async def replayable(self) -> list[dict[str, Any]]:
        """At start: the unfinished updates to handle again, oldest first, each counted as replayed once more;
        those already replayed ``MAX_REPLAYS`` times are quarantined instead (audited, told to staff)."""
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(UpdateInbox.update_id, UpdateInbox.payload, UpdateInbox.attempts)
                    .where(*UNFINISHED)
                    .order_by(UpdateInbox.update_id)
                )
            ).all()
        poison = [describe(row.update_id, row.payload) for row in rows if row.attempts >= MAX_REPLAYS]
        again = [row for row in rows if row.attempts < MAX_REPLAYS]
        for found in poison:  # told first (a dedupe key makes it once): a crash now tells again, never loses it
            log.error("an update that stopped the bot %d times is quarantined", MAX_REPLAYS, extra=found)
            if self.outbox is not None and self.staff is not None:
                await self.outbox.put(
                    await self.staff(),
                    "notice",
                    f"inbox:{found['update_id']}:quarantined",
                    Notice("inbox.quarantined", {**found, "user_id": found["user_id"] or "—"}),
                )
        now = self.clock.now()
        async with self.db.session() as session:
            if poison:
                await session.execute(
                    update(UpdateInbox)
                    .where(UpdateInbox.update_id.in_([p["update_id"] for p in poison]))
                    .values(quarantined_at=now)
                )
                session.add_all(
                    [
                        AuditEntry(
                            actor_user_id=p["user_id"],
                            action="update.quarantined",
                            target=f"update {p['update_id']} ({p['kind']})",
                            allowed=True,
                            details=p,
                            at=now,
                        )
                        for p in poison
                    ]
                )
            if again:
                await session.execute(
                    update(UpdateInbox)
                    .where(UpdateInbox.update_id.in_([row.update_id for row in again]))
                    .values(attempts=UpdateInbox.attempts + 1)
                )
        return [row.payload for row in again]

    async def prune(self) -> int:
        """Forget the updates done more than a day ago; return how many."""
        async with self.db.session() as session:
            result = await session.execute(
                delete(UpdateInbox).where(UpdateInbox.done_at < self.clock.now() - KEEP_DONE)
            )
            return result.rowcount or 0


class InboxUnavailable(NetworkError):
    """The inbox could not be written: the updates stay with Telegram."""


async def take(inbox: Inbox, updates: Sequence[Update], sent: dict[int, dict[str, Any]] | None = None) -> list[Update]:
    """Write ``updates`` to the inbox; return those to handle (not those delivered before). ``sent``: the updates
    as Telegram sent them, by id — stored as they are (``Update.to_dict`` costs 0.2 ms an update, as much again as
    parsing it)."""
    if not updates:
        return []
    sent = sent or {}
    try:
        new = await inbox.hold(
            [(update.update_id, sent.get(update.update_id) or update.to_dict()) for update in updates]
        )
    except Exception as exc:  # whatever the driver raises, the updates must stay with Telegram
        log.warning("cannot write updates to the inbox; Telegram keeps them", extra={"error": repr(exc)[:200]})
        raise InboxUnavailable("the database does not answer: updates left with Telegram") from exc
    again = [update.update_id for update in updates if update.update_id not in new]
    if again:
        log.info("updates delivered a second time dropped", extra={"update_ids": again})
    return [update for update in updates if update.update_id in new]


async def replay(application: Application, inbox: Inbox) -> list[dict[str, Any]]:
    """Queue the updates a crash cut off (taken, never marked done), in order, before any new one; return them.
    Poison ones (replayed too often) are quarantined instead (runtime/inbox.py); each replayed one holds its user's
    next updates back for a bounded time only (runtime/processor.py)."""
    bot: Bot = application.bot
    payloads = await inbox.replayable()
    processor = application.update_processor
    for payload in payloads:
        update = Update.de_json(payload, bot)
        bot.insert_callback_data(update)  # checks the signature, as on arrival
        if isinstance(processor, PerUserUpdateProcessor):
            processor.replays.add(update.update_id)
        await application.update_queue.put(update)
    if payloads:
        log.warning("handling again the updates a stop cut off", extra={"updates": len(payloads)})
    return payloads
