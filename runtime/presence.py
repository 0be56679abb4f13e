"""Which processes of the bot are alive, and which one leads (runs the scheduler).

On PostgreSQL every process (the update process and each ``--worker``) holds one dedicated connection with a
session-level advisory lock on its own random id. Outbox rows a process claims carry that id (``claimed_by``);
a row left SENDING by a process whose lock is free again belongs to a dead process and is released — at once,
without a lease to wait out, because PostgreSQL frees a dead session's locks when its connection drops.

The leader holds a second advisory lock. Exactly one process holds it at a time; the others try again every
few seconds and the first to succeed after the holder dies takes over. On SQLite there is one process, which
is always the leader.
"""

from __future__ import annotations

import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from db.database import Database

log = logging.getLogger(__name__)
LIVE = 73010  # advisory lock class: (LIVE, process id) is held by each live process
LEADER = 73011  # (LEADER, 0) is held by the leader


class Presence:
    def __init__(self, db: Database, process_id: int) -> None:
        self.db = db
        self.shared = db.dialect == "postgresql"
        self.id = process_id  # the outbox's owner (services/container.py draws it)
        self.leading = not self.shared
        self._conn: AsyncConnection | None = None

    async def start(self) -> None:
        if self.shared:
            await self._connect()

    async def _connect(self) -> None:
        self._conn = await self.db.engine.connect()
        await self._conn.execute(text("SELECT pg_advisory_lock(:c, :k)"), {"c": LIVE, "k": self.id})
        await self._conn.commit()

    async def _scalar(self, sql: str, **values: int) -> object:
        result = await self._conn.scalar(text(sql), values)
        await self._conn.commit()
        return result

    async def try_lead(self) -> bool:
        """Take the lead if nobody holds it; True if this process leads (now or already)."""
        if self.leading:
            return True
        if await self._scalar("SELECT pg_try_advisory_lock(:c, 0)", c=LEADER):
            self.leading = True
            log.info("this process leads: it runs the scheduler", extra={"process_id": self.id})
        return self.leading

    async def alive(self, process_id: int) -> bool:
        """Whether the process ``process_id`` still holds its lock (on SQLite: only this process lives)."""
        if not self.shared:
            return process_id == self.id
        if process_id == self.id:
            return True
        if await self._scalar("SELECT pg_try_advisory_lock(:c, :k)", c=LIVE, k=process_id):
            await self._scalar("SELECT pg_advisory_unlock(:c, :k)", c=LIVE, k=process_id)
            return False
        return True

    async def check(self) -> bool:
        """Is the lock connection still up? If the database restarted, the locks went with it: reconnect (as a
        follower: the lead is taken again through try_lead) and return False."""
        if not self.shared:
            return True
        try:
            await self._scalar("SELECT 1")
            return True
        except Exception as exc:  # noqa: BLE001 - the server restarted or the connection dropped
            log.warning("lost the presence connection; reconnecting", extra={"error": str(exc)})
            self.leading = False
            with contextlib.suppress(Exception):  # it is gone either way
                await self._conn.invalidate()
            await self._connect()
            return False

    async def stop(self) -> None:
        if self._conn is not None:
            try:  # the connection goes back to the pool, where session-level locks would outlive this presence
                await self._scalar("SELECT pg_advisory_unlock_all()")
                await self._conn.close()
            except Exception:  # noqa: BLE001 - lost: the server freed the locks with the connection
                await self._conn.invalidate()
            self._conn = None
            self.leading = not self.shared
