"""Engine and session factory. SQLite runs in WAL mode with foreign keys on and secure_delete (deleted content is
overwritten with zeros, so an erased person's data does not linger in free space of the file). Its statements run
on the event loop's thread (db/sqlite_inline.py), not one aiosqlite thread hop each."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
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
    # an update holds one connection for its whole unit of work (db/unit_of_work.py), and up to 64 run at once
    # (runtime/processor.py): enough connections that they rarely wait for one, well under max_connections (100)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_async_engine(url, **kwargs)
    if "pool_pre_ping" not in kwargs:  # the default: a ping after a pause only (pool_pre_ping=True: every checkout)
        event.listen(engine.sync_engine, "checkout", _ping_after_a_pause)
        event.listen(engine.sync_engine, "checkin", _used)
    return engine


PING_IDLE = 5.0  # seconds: a pooled connection unused this long is pinged before it is handed out


def _used(_dbapi_connection: Any, record: Any) -> None:
    record.info["zhuqi_used"] = time.monotonic()


def _ping_after_a_pause(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """SQLAlchemy's pre-ping, for a connection idle past PING_IDLE only. asyncpg's ping is three round trips
    (BEGIN, a statement, ROLLBACK), and an update checks a connection out two or three times (it lets it go before
    each request to Telegram): pinging every checkout cost more than the update's own statements. A connection the
    server dropped (a restart) is still found: here after a pause, else at its first statement, which invalidates it
    and fails the update's unit (the person is asked to send again: runtime/application.py)."""
    used = record.info.get("zhuqi_used")
    if used is None or time.monotonic() - used < PING_IDLE:
        return
    try:
        dbapi_connection.ping()
    except Exception as exc:
        raise DisconnectionError("the pooled connection did not answer a ping") from exc


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
