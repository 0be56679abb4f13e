"""SQLite without a thread hop per statement: the connection aiosqlite's SQLAlchemy adapter drives, run inline.

aiosqlite runs each call (cursor, execute, fetch, close, commit) on its own thread and wakes the event loop for the
answer: about 80 hops for one update, each costing more than the statement it carries. On a local file SQLite
answers a statement in microseconds, so here each call runs on the event loop's thread and its coroutine returns
at once. The one thing that can take long is a lock held by another connection to the same file (a second engine
on it, the migration tool): the inline attempt does not wait (``busy_timeout`` 0 on this connection); a statement
that finds the database locked is run again on a worker thread, where SQLite's busy handler may wait its full
time without stopping the loop.

Transactions begin as the sqlite3 module's legacy mode begins them, at the first statement that writes (reads
before it see the latest commit, as they did under aiosqlite), but as ``BEGIN IMMEDIATE``: the write lock is taken
(and waited for) at once, so a transaction never has to upgrade a read snapshot another connection made stale; and
SAVEPOINTs work (they begin the transaction too).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterable
from typing import Any

BUSY_MS = 5000  # what a statement that found the database locked may wait for it (on a worker thread)


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "CREATE", "DROP", "ALTER")


def _locked(error: sqlite3.OperationalError) -> bool:
    message = str(error)
    return "locked" in message or "busy" in message


class InlineCursor:
    """The subset of aiosqlite's cursor SQLAlchemy's adapter uses, as coroutines that never suspend (but for a
    locked database)."""

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        await self._connection._begin_for(operation)
        await self._connection._run(self._cursor.execute, operation, parameters)
        return self

    async def executemany(self, operation: str, parameters: Iterable[Any]) -> InlineCursor:
        await self._connection._begin_for(operation)
        await self._connection._run(self._cursor.executemany, operation, list(parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size) if size is not None else self._cursor.fetchmany()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class InlineConnection:
    """Stands in for ``aiosqlite.Connection`` under ``sqlalchemy.dialects.sqlite.aiosqlite``'s adapter."""

    def __init__(self, database: str) -> None:
        self._conn = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self._tx = self  # the adapter's isolation-level setter queues a call here (see put_nowait)

    async def _begin_for(self, operation: str) -> None:
        if not self._conn.in_transaction and operation.lstrip()[:9].upper().startswith(WRITES):
            await self._run(self._conn.execute, "BEGIN IMMEDIATE")

    async def _run(self, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _locked(error):
                raise
        return await asyncio.to_thread(self._waiting, call, *args)

    def _waiting(self, call: Any, *args: Any) -> Any:
        """On a worker thread: the same call, SQLite's busy handler allowed to wait for the lock."""
        self._conn.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        try:
            return call(*args)
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")

    def put_nowait(self, item: tuple[asyncio.Future[Any], Any]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # noqa: BLE001 - handed to the awaiting adapter, as aiosqlite's thread does
            future.set_exception(error)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def execute(self, operation: str, parameters: Any = ()) -> InlineCursor:
        return await InlineCursor(self).execute(operation, parameters)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def commit(self) -> None:
        await self._run(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def close(self) -> None:
        self._conn.close()

    def stop(self) -> None:
        self._conn.close()


async def connect(database: str) -> InlineConnection:
    return InlineConnection(database)
