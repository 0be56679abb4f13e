"""One handle on the database: engine, session factory, migrations, and a friendly connectivity check."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db import unit_of_work
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker


class DatabaseUnavailable(Exception):
    """The database cannot be reached; the message is one line for the operator."""


def lost_connection(error: BaseException) -> bool:
    """Whether ``error`` means the database did not answer (down, restarting, unreachable), as opposed to a
    mistake in a query: then the same request will work once the database is back."""
    if isinstance(error, DBAPIError):
        return (
            bool(error.connection_invalidated)
            or isinstance(error, (OperationalError, InterfaceError))
            or isinstance(error.orig, OSError)
            or "connection" in type(error.orig).__name__.lower()
        )
    return isinstance(error, (DatabaseUnavailable, OSError, SQLAlchemyTimeoutError))


class Database:
    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        try:
            self.engine = make_engine(url, **engine_kwargs)
        except OSError as exc:  # e.g. the SQLite file's folder cannot be created
            safe = make_url(url).render_as_string(hide_password=True)
            raise DatabaseUnavailable(f"cannot use the database at {safe}: {exc}") from None
        self.sessionmaker = make_sessionmaker(self.engine)
        unit_of_work.track_writes(self.engine)

    @property
    def dialect(self) -> str:
        return make_url(self.url).get_backend_name()

    @asynccontextmanager
    async def session(self, undo_alone: bool = True, own: bool = False) -> AsyncIterator[AsyncSession]:
        """A session in a transaction: committed on success, rolled back on error. Inside a unit of work
        (:meth:`unit_of_work`) the session joins the unit's transaction, which the unit commits; on error only
        the block's own writes are undone (``undo_alone=False``: the unit's, for a block that fails the unit).
        ``own``: a transaction of its own even inside a unit, committed at the block's end — for the transport's
        shared counters (the send budget), whose row locks must not wait for an update to end."""
        unit = None if own else unit_of_work.current(self)
        if unit is not None:
            async with unit.session(undo_alone) as session:
                yield session
            return
        async with self.sessionmaker() as session, session.begin():
            yield session

    @asynccontextmanager
    async def connection(self, undo_alone: bool = True) -> AsyncIterator[AsyncConnection]:
        """As :meth:`session`, for Core statements only: the connection itself, without a session's cost (about
        30 us a block). Inside a unit of work it is the unit's connection and transaction."""
        unit = unit_of_work.current(self)
        if unit is not None:
            async with unit.block(undo_alone) as connection:
                yield connection
            return
        async with self.engine.begin() as connection:
            yield connection

    def unit_of_work(self) -> AbstractAsyncContextManager[unit_of_work.UnitOfWork]:
        """One connection and one transaction for everything this task does until the block ends (db/unit_of_work.py)."""
        return unit_of_work.unit_of_work(self)

    async def check(self, timeout: float = 5.0) -> None:
        safe = make_url(self.url).render_as_string(hide_password=True)
        try:
            async with asyncio.timeout(timeout):
                async with self.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except (OSError, TimeoutError) as exc:
            raise DatabaseUnavailable(f"cannot reach the database at {safe}: {exc.__class__.__name__}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - driver-specific errors (auth, unknown database, unreadable file …)
            reason = str(getattr(exc, "orig", exc)).splitlines()[0]
            raise DatabaseUnavailable(f"cannot use the database at {safe}: {reason}") from None

    async def reclaim(self) -> None:
        """After an erasure: on SQLite, copy the WAL into the database file and empty it (the old versions of the
        erased rows' pages sit in the WAL until then; secure_delete has zeroed them in the new versions). On
        PostgreSQL nothing here: deleted rows are dead tuples until (auto)VACUUM reuses their space."""
        if self.dialect != "sqlite":
            return
        unit = unit_of_work.current(self)
        if unit is not None:  # the erasure must be committed first, and the one connection free
            unit.after_commit(self.reclaim)
            return
        async with self.engine.connect() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    async def migrate(self) -> None:
        await upgrade(self.engine)

    async def dispose(self) -> None:
        await self.engine.dispose()
