"""`make demo-reset`: start the console's demo stage over. The console's SQLite database (and its -wal/-shm files)
and its fake Telegram's state file are removed, the database is created again and the demo data loaded.

Only the console's own database (data/zhuqi.sqlite3) is wiped without a question. A DATABASE_URL naming another
SQLite file is wiped only when the user types that file's name; a PostgreSQL database never (drop it yourself).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url

from config.settings import DEFAULT_DB, Settings, SettingsError, load_settings
from db.database import Database
from i18n import label
from runtime.run import console_state_path
from services.clock import Clock
from services.demo import load_demo_data
from services.regions import seed_regions

EXIT_REFUSED, EXIT_NOT_CONFIRMED = 2, 1


def _lang() -> str:
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else "zh-hans"


async def reset(
    settings: Settings, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout, default_db: Path = DEFAULT_DB
) -> int:
    """Wipe and reload the stage; 0 when done, 1 when the user did not confirm, 2 when refused."""
    lang, url = _lang(), make_url(settings.database_url)
    if url.get_backend_name() != "sqlite":
        out.write(label("demo_reset.not_sqlite", lang, database=url.render_as_string(hide_password=True)) + "\n")
        return EXIT_REFUSED
    if not url.database or url.database == ":memory:":
        out.write(label("demo_reset.not_sqlite", lang, database=str(url)) + "\n")
        return EXIT_REFUSED
    # a one-off command: nothing else runs on the loop yet, so the two path look-ups may block
    database = Path(url.database).resolve()  # noqa: ASYNC240
    if database != default_db.resolve():  # noqa: ASYNC240
        out.write(label("demo_reset.confirm", lang, database=database, default=default_db, name=database.name) + "\n")
        out.flush()
        if stdin.readline().strip() != database.name:
            out.write(label("demo_reset.kept", lang) + "\n")
            return EXIT_NOT_CONFIRMED
    for path in (
        database,
        *(database.with_name(database.name + tail) for tail in ("-wal", "-shm", "-journal")),
        console_state_path(settings.database_url),
    ):
        path.unlink(missing_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    db = Database(settings.database_url)
    try:
        await db.migrate()
        await seed_regions(db)
        await load_demo_data(db, Clock(), settings.tz)
    finally:
        await db.dispose()
    out.write(label("demo_reset.done", lang, database=database) + "\n")
    return 0


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"zhuqi-bot: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    return asyncio.run(reset(settings))


if __name__ == "__main__":
    sys.exit(main())
