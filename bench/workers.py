#!/usr/bin/env python3
"""Delivery workers on PostgreSQL: 50,000 outbox rows sent by 1, 2 and 4 ``bot.py --worker`` processes against
the fake Bot API (over HTTP, in this process) enforcing Telegram's paid-broadcast limit of 1,000 messages/s.

Each run starts a fresh PostgreSQL database (a throw-away server on 127.0.0.1, as the tests use), writes the
rows, starts the workers with ALLOW_PAID_BROADCAST=true, and times until every row is delivered. It then counts
the messages each chat received: duplicates and lost rows must both be 0. The ratio is each run's throughput
against the one-worker run of the same invocation.

    python bench/workers.py [--rows 50000] [--workers 1,2,4]

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from sqlalchemy import func, select  # noqa: E402

from config.settings import load_settings  # noqa: E402
from db.models import Notification, OutboxStatus  # noqa: E402
from fakebotapi import DEFAULT_TOKEN, FakeBotAPI, RateLimits  # noqa: E402
from fakebotapi.http import HttpServer  # noqa: E402
from services.container import Services  # noqa: E402
from services.outbox import Notice  # noqa: E402
from tests.pg import PgServer  # noqa: E402

FIRST_CHAT = 2_000_000


async def one_run(pg: PgServer, rows: int, workers: int) -> dict[str, float]:
    url = await pg.create_database(f"bench_workers_{workers}_{int(time.time())}")
    services = await Services.start(load_settings(database_url=url, bot_token=None))
    chats = list(range(FIRST_CHAT, FIRST_CHAT + rows))
    await services.outbox.put(chats, "notice", "bench:workers", Notice("privacy.kept"))
    await services.close()
    api = FakeBotAPI(rate_limits=RateLimits())
    for chat in chats:
        api.add_user(chat, "职工")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "BOT_TOKEN")}
    env.update(
        DATABASE_URL=url,
        BOT_TOKEN=DEFAULT_TOKEN,
        ALLOW_PAID_BROADCAST="true",
        LOG_LEVEL="WARNING",
        DELIVERY_CHAT_BURST="3",
    )
    async with HttpServer(api) as server:
        env["TELEGRAM_API_URL"] = server.url
        with tempfile.TemporaryDirectory() as cwd:
            begin = time.perf_counter()
            processes = [
                await asyncio.create_subprocess_exec(
                    sys.executable, str(ROOT / "bot.py"), "--worker", cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL
                )
                for _ in range(workers)
            ]
            delivered = 0
            while delivered < rows:
                await asyncio.sleep(0.2)
                delivered = sum(1 for chat in chats if api.world.chat_log.get(chat))
                if time.perf_counter() - begin > 600:
                    break
            elapsed = time.perf_counter() - begin
            for process in processes:
                process.terminate()
            await asyncio.gather(*(p.wait() for p in processes))
    counts = [len(api.world.chat_log.get(chat, [])) for chat in chats]
    services = await Services.start(load_settings(database_url=url, bot_token=None))
    async with services.db.session() as session:
        unsent = await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.status != OutboxStatus.SENT)
        )
    await services.close()
    return {
        "workers": workers,
        "rows": rows,
        "seconds": round(elapsed, 2),
        "per_second": round(rows / elapsed, 1),
        "duplicates": sum(c - 1 for c in counts if c > 1),
        "lost": sum(1 for c in counts if c == 0),
        "unsent_rows": unsent,
        "too_many_requests": api.limiter.hits,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    pg = PgServer().start()
    try:
        results = [await one_run(pg, args.rows, int(n)) for n in args.workers.split(",")]
    finally:
        pg.stop()
    base = results[0]["per_second"]
    for result in results:
        result["ratio"] = round(result["per_second"] / base, 3)
    print(f"{'workers':>7} {'rows':>7} {'seconds':>8} {'msg/s':>8} {'ratio':>6} {'dup':>4} {'lost':>5} {'429':>5}")
    for r in results:
        print(
            f"{r['workers']:>7} {r['rows']:>7} {r['seconds']:>8} {r['per_second']:>8} {r['ratio']:>6} "
            f"{r['duplicates']:>4} {r['lost']:>5} {r['too_many_requests']:>5}"
        )
    print(json.dumps({"bench": "workers", "limit_per_second": 1000, "runs": results}))


if __name__ == "__main__":
    asyncio.run(main())
