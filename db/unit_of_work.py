"""One unit of work per update: one connection and one transaction, opened for the update in one place (the
runtime's ``process_update``) and committed once, with the conversation state and the inbox mark it led to — or,
when the handler talks to Telegram, also just before each request (:func:`before_speaking`): what a person is told
is committed by then, and no connection waits on the network.

Services keep their API: inside a unit, ``Database.session()`` gives a fresh session joined to the unit's
transaction (so objects come out detached, as before, and one service's block never sees another's identity map).
The block's end does not commit; the unit does. A block that fails is undone alone: before anything was written in
the unit, by rolling the unit's transaction back (nothing is lost: it only read); after a write, by a SAVEPOINT
taken at the block's start. A unit belongs to the task that opened it: tasks started from inside (a broadcast, a
job) get sessions of their own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

if TYPE_CHECKING:
    from db.database import Database

WRITTEN = "zhuqi_written"  # connection.info: a statement that changes data ran in the current transaction
GUARD = "zhuqi_guard"  # connection.info: the block whose first write is to take a SAVEPOINT first
READ = "zhuqi_read"  # connection.info: rows read in the current transaction of a unit (see recall/keep)
MISSING: Any = object()  # recall's answer when nothing is kept under the key
READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "WITH")
_current: ContextVar[UnitOfWork | None] = ContextVar("zhuqi_unit_of_work", default=None)


class _Guard:
    """A savepoint taken lazily: at the block's first write, so a block that only reads costs nothing."""

    __slots__ = ("name", "taken")

    def __init__(self, name: str) -> None:
        self.name, self.taken = name, False


def _info(connection: AsyncConnection) -> dict[Any, Any]:
    """The DBAPI connection's info of an open ``connection`` (SQLAlchemy types it as possibly absent)."""
    sync = connection.sync_connection
    assert sync is not None, "the connection is open"
    return sync.info


def _writes(statement: str) -> bool:
    head = statement.lstrip()[:9].upper()
    return not head.startswith(READS) or (head.startswith("WITH") and " RETURNING " in statement.upper())


def track_writes(engine: AsyncEngine) -> None:
    """Mark a connection's transaction as written when a statement that is not a read runs on it; take the armed
    block's savepoint just before its first write."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _written(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not _writes(statement):
            return
        info = connection.info
        read = info.get(READ)
        if read:  # any write may change what was read (a cascade, another table's trigger): read again after it
            read.clear()
        guard = info.get(GUARD)
        if guard is not None and not guard.taken:
            guard.taken = True
            savepoint = connection.connection.cursor()  # beside SQLAlchemy's own cursor, on the same connection
            savepoint.execute(f"SAVEPOINT {guard.name}")
            savepoint.close()
        info[WRITTEN] = True


def current(db: Database) -> UnitOfWork | None:
    """The unit this task opened on ``db``, if any."""
    unit = _current.get()
    if unit is None or unit.db is not db or unit.task is not asyncio.current_task() or unit.closed:
        return None
    return unit


class UnitOfWork:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.task = asyncio.current_task()
        self.connection: AsyncConnection | None = None
        self.closed = False
        self.blocks = 0
        self.rolled_back: list[Callable[[], None]] = []  # undo caches filled from what was rolled back
        self.committed: list[Callable[[], Awaitable[object]]] = []  # work that needs the unit committed and closed
        self.speaking: list[Callable[[], Awaitable[object]]] = []  # work to write before the bot speaks

    def on_rollback(self, forget: Callable[[], None]) -> None:
        """Call ``forget`` if the unit's current transaction is rolled back (a cache entry it filled is then wrong)."""
        self.rolled_back.append(forget)

    def after_commit(self, work: Callable[[], Awaitable[object]]) -> None:
        """Run ``work`` once the unit has committed and let its connection go (dropped if the unit rolls back)."""
        self.committed.append(work)

    async def begin(self) -> None:
        """Hold the unit's connection (and begin its transaction) now."""
        await self._begun()

    async def abandon(self) -> None:
        """Roll back, the database possibly gone: whatever happens, the unit goes on without its work (a lost
        connection is let go; the next block takes another)."""
        try:
            await self.rollback()
        except Exception:  # noqa: BLE001 - a lost connection is rolled back by the server
            self._forget()
            connection, self.connection = self.connection, None
            if connection is not None:
                await _let_go(connection)

    async def _begun(self) -> AsyncConnection:
        if self.connection is not None and self.connection.invalidated:  # lost: its transaction with it
            await self.abandon()
            connection, self.connection = self.connection, None
            if connection is not None:  # rolled back, but still without a DBAPI connection: take a new one
                await _let_go(connection)
        if self.connection is None:
            self.connection = await self.db.engine.connect()
        if not self.connection.in_transaction():
            info = _info(self.connection)
            info[WRITTEN], info[READ] = False, {}
            await self.connection.begin()
        return self.connection

    @property
    def written(self) -> bool:
        return (
            self.connection is not None
            and not self.connection.invalidated
            and self.connection.in_transaction()
            and bool(_info(self.connection).get(WRITTEN))
        )

    @asynccontextmanager
    async def session(self, undo_alone: bool = True) -> AsyncIterator[AsyncSession]:
        """A session in the unit's transaction. If the block fails, what it wrote is undone (``undo_alone``: and
        only that; else the unit's whole transaction, for a block whose failure fails the unit anyway)."""
        async with self.block(undo_alone) as connection:
            session = AsyncSession(bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False)
            try:
                yield session
                await session.flush()
            finally:
                await session.close()  # joined "rollback_only": closing leaves the unit's transaction alone

    @asynccontextmanager
    async def block(self, undo_alone: bool = True) -> AsyncIterator[AsyncConnection]:
        """The unit's connection for a block of Core statements (no session to build: the hot path's reads and
        writes), undone on failure as :meth:`session` is."""
        connection = await self._begun()
        info = _info(connection)
        self.blocks += 1
        guard = _Guard(f"zhuqi_{self.blocks}") if undo_alone and self.written else None
        outer = info.get(GUARD)
        info[GUARD] = guard
        try:
            yield connection
        except BaseException:
            info[GUARD] = outer
            await self._undo(connection, guard)
            raise
        else:
            info[GUARD] = outer
            if guard is not None and guard.taken:
                await connection.exec_driver_sql(f"RELEASE SAVEPOINT {guard.name}")

    async def _undo(self, connection: AsyncConnection, guard: _Guard | None) -> None:
        """Undo a failed block's writes. If that fails too (the connection is gone), the unit's whole transaction
        is lost: the block's own error is the one that goes on (a lost connection tells the person so)."""
        try:
            if connection.invalidated:  # lost: its info cannot be asked (PendingRollbackError); all of it goes
                await self.rollback()
                return
            if connection.sync_connection is not None:
                connection.sync_connection.info.pop(READ, None)  # what was kept may come from the undone writes
            if guard is not None and guard.taken and connection.in_transaction():
                await connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {guard.name}")
                await connection.exec_driver_sql(f"RELEASE SAVEPOINT {guard.name}")
            elif guard is None and connection.in_transaction() and _info(connection).get(WRITTEN):
                await self.rollback()  # nothing was written before this block: all of it is the block's
        except Exception:  # noqa: BLE001 - the original error matters; the unit starts afresh at its next block
            await self.abandon()

    async def commit(self) -> None:
        if self.connection is not None and self.connection.in_transaction():
            await self.connection.commit()
        self.rolled_back.clear()

    async def rollback(self) -> None:
        """Undo everything the unit did so far; what follows starts a new transaction in the same unit."""
        try:
            if self.connection is not None and self.connection.in_transaction():
                await self.connection.rollback()
        finally:
            self._forget()

    def _forget(self) -> None:
        self.committed.clear()
        forget, self.rolled_back = self.rolled_back, []
        for call in forget:
            call()

    async def close(self) -> None:
        self.closed = True
        if self.connection is not None:
            connection, self.connection = self.connection, None
            if connection.in_transaction():
                self._forget()  # not committed: rolled back by the close
            await _let_go(connection)


async def _let_go(connection: AsyncConnection) -> None:
    """Give the connection back to the pool (what was not committed is rolled back); one the database dropped is
    discarded first. Never raises: the pool slot is freed either way."""
    try:
        await connection.close()
        return
    except Exception:  # noqa: BLE001 - the database went away: the server dropped the transaction
        pass
    with contextlib.suppress(Exception):  # already discarded
        await connection.invalidate()
    with contextlib.suppress(Exception):  # nothing more to let go
        await connection.close()


async def before_speaking() -> None:
    """The bot is about to talk to Telegram from inside this task's unit: commit what the unit did so far and let
    its connection go. What the person is told is then in the database (a test, a second process, a crash after the
    message all see it), and no connection — SQLite's only one — waits on the network."""
    unit = _current.get()
    if unit is None or unit.task is not asyncio.current_task() or unit.closed:
        return
    for work in list(unit.speaking):
        await work()
    if unit.connection is None:
        return
    await unit.commit()
    connection, unit.connection = unit.connection, None
    await _let_go(connection)


def when_speaking(work: Callable[[], Awaitable[object]]) -> Callable[[], None]:
    """Have ``work`` run (and be committed) each time the bot is about to speak from this task's unit, e.g. a form's
    draft changed in memory (conversations/form_draft.py); returns how to stop it. Outside a unit: nothing."""
    unit = _current.get()
    if unit is None or unit.task is not asyncio.current_task() or unit.closed:
        return lambda: None
    unit.speaking.append(work)
    return lambda: unit.speaking.remove(work)


@asynccontextmanager
async def unit_of_work(db: Database) -> AsyncIterator[UnitOfWork]:
    """``async with unit_of_work(db) as unit``: every ``db.session()`` of this task joins ``unit``; committed at the
    end, rolled back on an error."""
    unit = UnitOfWork(db)
    token = _current.set(unit)
    try:
        yield unit
        await unit.commit()
    finally:
        _current.reset(token)
        await unit.close()
    for work in unit.committed:
        await work()


def on_rollback(db: Database, forget: Callable[[], None]) -> None:
    """For caches: ``forget`` is called if what this task wrote in its unit of work on ``db`` is rolled back (outside
    a unit, writes are committed at the block's end and there is nothing to undo)."""
    unit = current(db)
    if unit is not None:
        unit.on_rollback(forget)


def _read(db: Database) -> dict[Any, Any] | None:
    unit = current(db)
    if unit is None or unit.connection is None or unit.connection.invalidated or not unit.connection.in_transaction():
        return None
    return _info(unit.connection).get(READ)


def recall(db: Database, key: tuple[Any, ...]) -> Any:
    """What :func:`keep` kept under ``key`` in this task's unit on ``db``, or MISSING.

    A read kept for the rest of one transaction of one update — so a step that asks for the same row twice (the form
    draft, the enterprise profile) reads it once. Invalidation needs no bookkeeping by the writers: the first
    statement that writes, whoever runs it in the unit (cascades included), empties the whole store (the
    ``before_cursor_execute`` hook of :func:`track_writes`); so does a failed block, a rollback, and the commit
    before speaking to Telegram (the connection is let go, and the next transaction starts with an empty store).
    Other tasks and processes never see it, and it never outlives the transaction: what they commit meanwhile is
    seen as a repeatable read would see it. Outside a unit nothing is kept. Values must be immutable (frozen).
    """
    read = _read(db)
    return MISSING if read is None else read.get(key, MISSING)


def keep(db: Database, key: tuple[Any, ...], value: Any) -> None:
    """Keep ``value``, just read (or just written, after its statement ran), for :func:`recall` in this unit."""
    read = _read(db)
    if read is not None:
        read[key] = value
