from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from db.database import Database
from services.regions import seed_regions
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
DB_PARAMS = [pytest.param(name, marks=[pytest.mark.postgres] if name == "postgresql" else []) for name in DATABASES]


async def _first_start(url: str) -> None:
    """What every first start does to an empty database (services/container.py): the migrations, the regions."""
    db = Database(url)
    try:
        await db.migrate()
        await seed_regions(db)
    finally:
        await db.dispose()


def _prepare(url: str) -> None:
    """Run :func:`_first_start` on a thread of its own: session fixtures may be first asked for from inside a test's
    event loop."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, _first_start(url)).result()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file as a first start leaves it, made once a run; each test's database is a copy of it (the
    migrations and the regions cost about 0.3 s a database, a third of the suite's time)."""
    path = tmp_path_factory.mktemp("template") / "zhuqi.sqlite3"
    _prepare(f"sqlite+aiosqlite:///{path}")
    assert not path.with_name(path.name + "-wal").exists(), "closed cleanly: the WAL is in the file"
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: PgServer) -> str:
    """A PostgreSQL database as a first start leaves it, made once a run: each test's database is created from it
    (CREATE DATABASE … TEMPLATE copies its files)."""
    name = "zhuqi_template"
    with ThreadPoolExecutor(1) as thread:
        url = thread.submit(asyncio.run, pg_server.create_database(name)).result()
    _prepare(url)
    return name


@pytest.fixture(params=DB_PARAMS)
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database as the bot's first start leaves it (migrated, regions loaded, nothing else): the test runs once on
    SQLite and once on PostgreSQL 15 (ZHUQI_TEST_DATABASES narrows that, e.g. to "sqlite" for a quick local run).
    Tests of the first start itself take ``empty_db_url``."""
    if request.param == "sqlite":
        path = tmp_path / "zhuqi.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    server: PgServer = request.getfixturevalue("pg_server")
    return await server.create_database(f"t_{uuid.uuid4().hex[:12]}", template=request.getfixturevalue("pg_template"))


@pytest.fixture(params=DB_PARAMS)
async def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with nothing in it, on SQLite and on PostgreSQL 15."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'zhuqi.sqlite3'}"
    server: PgServer = request.getfixturevalue("pg_server")
    return await server.create_database(f"t_{uuid.uuid4().hex[:12]}")


@pytest.fixture
async def bot(db_url: str):
    async with BotHarness(db_url) as harness:
        yield harness
