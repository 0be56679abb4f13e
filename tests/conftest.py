from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.harness import BotHarness
from tests.pg import PgServer

os.environ.pop("BOT_TOKEN", None)  # never reach for real Telegram from the tests
os.environ.setdefault("PTB_TIMEDELTA", "1")  # opt in to PTB's timedelta retry_after, as bot.py does


@pytest.fixture(scope="session")
def pg_server():
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'zhuqi.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def db_url(request, tmp_path: Path) -> str:
    """A fresh, empty database: the test runs once on SQLite and once on PostgreSQL 15."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'zhuqi.sqlite3'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return await server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
async def bot(sqlite_url: str):
    async with BotHarness(sqlite_url) as harness:
        yield harness
