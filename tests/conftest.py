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


DATABASES = [name for name in os.environ.get("ZHUQI_TEST_DATABASES", "sqlite,postgresql").split(",") if name]


@pytest.fixture(
    params=[pytest.param(name, marks=[pytest.mark.postgres] if name == "postgresql" else []) for name in DATABASES]
)
async def db_url(request, tmp_path: Path) -> str:
    """A fresh, empty database: the test runs once on SQLite and once on PostgreSQL 15 (ZHUQI_TEST_DATABASES
    narrows that, e.g. to "sqlite" for a quick local run)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'zhuqi.sqlite3'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return await server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
async def bot(db_url: str):
    async with BotHarness(db_url) as harness:
        yield harness
