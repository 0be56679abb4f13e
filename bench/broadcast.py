#!/usr/bin/env python3
"""Broadcast delivery at Telegram's limits: the real Application and delivery engine, on a SQLite file, sending
to the in-process fake Bot API, which enforces the limits and answers 429 past them.

Runs of the same broadcast, 1% of whose recipients have blocked the bot:
  * free: the ordinary limit — Telegram allows 30 messages/s overall and 1/s per chat; the engine is set to 30/s
    (N recipients, default 10,000);
  * over: the engine set to 40/s against the same 30/s limit, so Telegram answers 429 and the engine must back off
    (2,000 recipients);
  * paid broadcasts (allow_paid_broadcast): up to 1,000 messages/s; the engine is set to 1,000/s (N recipients).

For each: messages/s achieved (every answered send: delivered + refused as blocked) and its ratio to the limit
(the baseline: what Telegram would allow in the same time), 429s received, blocked users recorded, recipients
who got nothing (lost) or more than one copy (duplicated), and the process's CPU use. The target is a ratio of
at least 0.95, with nothing lost and nothing duplicated.

    python bench/broadcast.py [--recipients 10000] [--skip-free]

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot import CHAT
from config.settings import load_settings
from db.models import Role, User
from fakebotapi import FakeBotAPI, RateLimits
from fakebotapi.request import FakeRequest
from runtime.application import build_application
from services.audience import Filters
from services.broadcasts import Content
from services.clock import Clock
from services.container import Services

STAFF, FIRST = 81, 1_000_000
TEXT = "【苏州市总工会】<b>职工夜校</b> 12 月课程开始报名，名额有限。"
CHUNK = 5000


async def populate(services: Services, api: FakeBotAPI, n: int) -> set[int]:
    """N workers (no quiet hours) and a staffer; every 100th worker has blocked the bot. Returns the blocked."""
    now = services.clock.now()
    rows = [
        {
            "id": FIRST + i,
            "first_name": f"职工{i}",
            "role": Role.WORKER,
            "region_code": "320505",
            "quiet_start_minute": 0,
            "quiet_end_minute": 0,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    rows.append({**rows[0], "id": STAFF, "first_name": "小李", "role": Role.STAFF})
    async with services.db.session() as session:
        for start in range(0, len(rows), CHUNK):
            await session.execute(insert(User), rows[start : start + CHUNK])
    blocked = set()
    for i, row in enumerate(rows):
        api.add_user(row["id"], row["first_name"])
        if i % 100 == 99 and row["id"] != STAFF:
            api.block(row["id"])
            blocked.add(row["id"])
    return blocked


async def run(n: int, paid: bool, workdir: Path, engine_rate: float = 30.0) -> dict:
    limit = 1000.0 if paid else 30.0
    mode = "paid" if paid else ("free" if engine_rate <= limit else "over")
    settings = load_settings(
        database_url=f"sqlite:///{workdir / mode}.sqlite3",
        bot_token=None,
        delivery_rate=engine_rate,
        delivery_burst=5,
        allow_paid_broadcast=paid,
        paid_broadcast_rate=1000.0,
        log_level="WARNING",
    )
    services = await Services.start(settings, clock=Clock())
    api = FakeBotAPI(
        rate_limits=RateLimits(
            global_per_second=30,
            global_burst=30,
            per_chat_per_second=1,
            per_chat_burst=3,
            paid_per_second=1000,
            paid_burst=200,
        )
    )
    blocked = await populate(services, api, n)
    application = build_application(services, CHAT, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    await application.initialize()
    try:
        broadcast = await services.broadcasts.create(STAFF, Role.STAFF, Filters(("worker",)), Content(TEXT))
        cpu0, wall0 = time.process_time(), time.perf_counter()
        application.broadcaster.wake()
        await application.broadcaster.idle()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        counts = await services.broadcasts.counts(broadcast.id)
    finally:
        await application.shutdown()
        await services.close()
    copies = [sum(1 for e in api.world.chat_log.get(FIRST + i, []) if e["type"] == "message") for i in range(n)]
    reachable = [c for i, c in enumerate(copies) if FIRST + i not in blocked]
    answered = counts.sent + counts.blocked
    return {
        "mode": mode,
        "engine_rate": 1000.0 if paid else engine_rate,
        "recipients": n,
        "limit_per_s": limit,
        "seconds": round(wall, 2),
        "messages_per_s": round(answered / wall, 1),
        "ratio_to_limit": round(answered / wall / limit, 3),
        "delivered": counts.sent,
        "blocked_recorded": counts.blocked,
        "blocked_expected": len(blocked),
        "http_429": api.limiter.hits,
        "failed": counts.failed,
        "lost": sum(1 for c in reachable if c == 0),
        "duplicated": sum(1 for c in copies if c > 1),
        "cpu_seconds": round(cpu, 2),
        "cpu_percent_of_one_core": round(100 * cpu / wall, 1),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--skip-free", action="store_true", help="only the paid run (the free one takes n/30 s)")
    parser.add_argument(
        "--overdrive",
        type=int,
        default=2000,
        help="recipients of a third run with the engine set above the limit (40/s), so Telegram "
        "answers 429s; 0 skips it",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_free:
            results.append(await run(args.recipients, False, Path(tmp)))
        if args.overdrive:
            results.append(await run(args.overdrive, False, Path(tmp), engine_rate=40.0))
        results.append(await run(args.recipients, True, Path(tmp)))
    print(
        f"{'mode':<6}{'recipients':>11}{'engine/s':>9}{'limit/s':>9}{'sent/s':>9}{'ratio':>7}{'seconds':>9}{'429s':>6}{'blocked':>9}"
        f"{'lost':>6}{'dup':>5}{'CPU %':>7}"
    )
    for r in results:
        print(
            f"{r['mode']:<6}{r['recipients']:>11,}{r['engine_rate']:>9.0f}{r['limit_per_s']:>9.0f}{r['messages_per_s']:>9.1f}{r['ratio_to_limit']:>7.3f}"
            f"{r['seconds']:>9.1f}{r['http_429']:>6}{r['blocked_recorded']:>9}{r['lost']:>6}{r['duplicated']:>5}"
            f"{r['cpu_percent_of_one_core']:>7.1f}"
        )
    print(
        "(1% of recipients blocked; sent/s counts every answered send: delivered + refused as blocked; ratio = "
        "sent/s ÷ the limit Telegram enforces; 'over' sets the engine above the limit on purpose, to show 429s)"
    )
    print(json.dumps({"runs": results}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
