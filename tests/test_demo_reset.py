"""`make demo-reset`: the console's own SQLite database and its fake Telegram's state file are wiped and the demo
data loaded afresh; a DATABASE_URL pointing anywhere else is touched only after the user confirms it by name, and a
PostgreSQL database never."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from config.settings import load_settings
from db.database import Database
from db.models import Craftsman, User
from runtime.demo_reset import reset
from runtime.run import console_state_path
from services.clock import ManualClock
from services.demo import load_demo_data
from services.regions import seed_regions

ROOT = Path(__file__).resolve().parent.parent
STRANGER = 99_999


async def played_stage(url: str) -> None:
    """A demo stage someone has played on: demo data, one more person, a console state file."""
    db = Database(url)
    await db.migrate()
    await seed_regions(db)
    await load_demo_data(db, ManualClock(), load_settings(database_url=url, bot_token=None).tz)
    async with db.session() as session:
        session.add(User(id=STRANGER, first_name="路人"))
    await db.dispose()
    if url.startswith("sqlite"):
        console_state_path(url).write_text("{}", encoding="utf-8")


async def people(url: str) -> tuple[int, int, bool]:
    db = Database(url)
    try:
        async with db.session() as session:
            return (
                await session.scalar(select(func.count()).select_from(Craftsman)),
                await session.scalar(select(func.count()).select_from(User).where(User.id == STRANGER)),
                console_state_path(url).exists(),
            )
    finally:
        await db.dispose()


async def test_demo_reset_wipes_only_the_consoles_own_sqlite_database(db_url: str, tmp_path: Path):
    settings = load_settings(database_url=db_url, bot_token=None)
    await played_stage(settings.database_url)
    out = io.StringIO()
    if settings.database_url.startswith("postgresql"):  # never a server's database
        code = await reset(settings, stdin=io.StringIO("yes\n"), out=out, default_db=tmp_path / "zhuqi.sqlite3")
        assert code == 2 and "SQLite" in out.getvalue() and make_url(settings.database_url).database in out.getvalue()
        assert (await people(settings.database_url))[1] == 1, "nothing was touched"
        return
    database = Path(make_url(settings.database_url).database)
    code = await reset(
        settings, stdin=io.StringIO(""), out=out, default_db=database
    )  # the console's default: no question
    assert code == 0, out.getvalue()
    craftsmen, stranger, state = await people(settings.database_url)
    assert craftsmen >= 20 and stranger == 0 and not state
    assert str(database) in out.getvalue()


async def test_another_sqlite_file_is_wiped_only_when_confirmed_by_name(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'mine.sqlite3'}"
    settings = load_settings(database_url=url, bot_token=None)
    await played_stage(url)
    out = io.StringIO()
    assert await reset(settings, stdin=io.StringIO("yes\n"), out=out, default_db=tmp_path / "zhuqi.sqlite3") == 1
    assert "mine.sqlite3" in out.getvalue()
    assert (await people(url))[1:] == (1, True), "nothing was touched"
    assert (
        await reset(
            settings, stdin=io.StringIO("mine.sqlite3\n"), out=io.StringIO(), default_db=tmp_path / "zhuqi.sqlite3"
        )
        == 0
    )
    assert (await people(url))[1:] == (0, False)


@pytest.mark.slow
async def test_make_demo_reset(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'stage.sqlite3'}"
    await played_stage(load_settings(database_url=url, bot_token=None).database_url)
    venv = Path(sys.executable).parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "ADMIN_IDS")}
    env.update(DATABASE_URL=url, VENV=str(venv))

    async def make(answer: str) -> tuple[int, str]:
        # -o: the shared environment counts as installed (make must not reinstall it for this test)
        process = await asyncio.create_subprocess_exec(
            "make",
            "-s",
            "-C",
            str(ROOT),
            "-o",
            str(venv / ".installed-stamp"),
            "demo-reset",
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(answer.encode()), 120)
        return process.returncode, output.decode()

    code, output = await make("no\n")
    assert code != 0 and "stage.sqlite3" in output, output
    assert (await people(load_settings(database_url=url, bot_token=None).database_url))[1:] == (1, True)
    code, output = await make("stage.sqlite3\n")
    assert code == 0, output
    craftsmen, stranger, state = await people(load_settings(database_url=url, bot_token=None).database_url)
    assert craftsmen >= 20 and stranger == 0 and not state
