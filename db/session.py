"""Engine and session factory. SQLite runs in WAL mode with foreign keys on and secure_delete (deleted content is
overwritten with zeros, so an erased person's data does not linger in free space of the file). Its statements run
on the event loop's thread (db/sqlite_inline.py), not one aiosqlite thread hop each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from db import sqlite_inline


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    inline = isinstance(dbapi_connection.driver_connection, sqlite_inline.InlineConnection)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=0" if inline else f"PRAGMA busy_timeout={sqlite_inline.BUSY_MS}")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def make_engine(url: str, inline: bool = True, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLite has one writer. One pooled connection queues transactions in asyncio instead of letting
        # several connections fight for the write lock (and sleep in SQLite's busy handler).
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
        kwargs.setdefault("pool_timeout", 60)
        kwargs.setdefault("pool_reset_on_return", None)  # sessions always end in commit or rollback
        if inline:
            database = parsed.database or ":memory:"
            kwargs.setdefault("async_creator", lambda: sqlite_inline.connect(database))
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # an update holds one connection for its whole unit of work (db/unit_of_work.py), and up to 64 run at once
    # (runtime/processor.py): enough connections that they rarely wait for one, well under max_connections (100)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_async_engine(url, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
