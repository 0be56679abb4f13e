#!/usr/bin/env python3
"""Flood isolation: one user's reply latency while another user floods the bot, against the same user with no flood.

One bot (the real Application, SQLite, the default flood guard: 20 updates in 10 s per user), two simulated users
on the in-process fake Bot API. The quiet user sends /help at a person's pace (one every --pace seconds, under the
flood limit) and times each answer: alone (the baseline), and while the flooder sends --flood updates (2,000) spread
over the same number of messages, a burst just before each of the quiet user's. Blocks of 10 alone and 10 under
the flood alternate, so both see the same machine. Last, one message right behind all --flood sent at once. The flood guard answers
the flooder once and drops the rest; the question is what those dropped updates cost everyone else.

    python bench/flood.py [--samples 100] [--flood 2000] [--pace 0.55]

Prints a table, then one JSON line with the same figures. Goal: flood p99 within 2× the quiet p99.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bench.updates import run_app
from bot import CHAT
from config.settings import load_settings
from db.models import Role
from fakebotapi import FakeBotAPI, FakeUser
from fakebotapi.request import FakeRequest
from runtime.application import build_application
from services.container import Services

QUIET_ID, FLOODER_ID = 900_001, 900_002
HELP = "我能为您做什么"
BLOCK = 10  # samples per block


def figures(latencies: list[float]) -> tuple[float, float]:
    ordered = sorted(latencies)
    return (
        round(statistics.median(ordered) * 1000, 2),
        round(ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)] * 1000, 2),
    )


async def phase(quiet: FakeUser, flooder: FakeUser | None, samples: int, burst: int, pace: float) -> list[float]:
    latencies: list[float] = []
    for _ in range(samples):
        started = time.perf_counter()
        if flooder is not None:
            for _ in range(burst):
                flooder.send("在吗在吗在吗")
        sent = time.perf_counter()
        quiet.send("/help")
        await quiet.expect(HELP, timeout=120)
        latencies.append(time.perf_counter() - sent)
        await asyncio.sleep(max(0.0, pace - (time.perf_counter() - started)))
    return latencies


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100, help="the quiet user's messages per phase")
    parser.add_argument("--flood", type=int, default=2000, help="updates the flooder sends")
    parser.add_argument("--pace", type=float, default=0.55, help="seconds between the quiet user's messages")
    args = parser.parse_args()
    burst = math.ceil(args.flood / args.samples)

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            database_url=f"sqlite:///{tmp}/bench.sqlite3", bot_token=None, rate_limit_replies=False
        )
        services = await Services.start(settings)
        await services.users.register(QUIET_ID, "静")
        await services.users.set_role(QUIET_ID, Role.WORKER)
        api = FakeBotAPI()
        application = build_application(services, CHAT, request=FakeRequest(api), get_updates_request=FakeRequest(api))
        quiet, flooder = FakeUser(api, QUIET_ID, "静"), FakeUser(api, FLOODER_ID, "吵")
        results: dict[str, list[float]] = {}

        async def body() -> tuple[float, list[float]]:
            # quiet and flood blocks alternate, so both see the same machine (other processes come and go)
            results["quiet"], results["flood"] = [], []
            for start in range(0, args.samples, BLOCK):
                size = min(BLOCK, args.samples - start)
                results["quiet"] += await phase(quiet, None, size, burst, args.pace)
                results["flood"] += await phase(quiet, flooder, size, burst, args.pace)
            # and the whole flood at once: the quiet user's message right behind 2,000 of the flooder's
            await asyncio.sleep(args.pace)
            results["burst"] = await phase(quiet, flooder, 1, args.flood, args.pace)
            return 0.0, []

        await run_app(application, body)
        processor = application.update_processor
        dropped = getattr(processor, "dropped", None)
        await services.close()

    quiet_p50, quiet_p99 = figures(results["quiet"])
    flood_p50, flood_p99 = figures(results["flood"])
    ratio = round(flood_p99 / quiet_p99, 3)
    sent = burst * args.samples
    print(f"{'phase':<36}{'samples':>9}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'quiet (no flood)':<36}{args.samples:>9}{quiet_p50:>10}{quiet_p99:>10}")
    print(f"{f'flood ({sent} updates from one user)':<36}{args.samples:>9}{flood_p50:>10}{flood_p99:>10}")
    burst_ms = round(results["burst"][0] * 1000, 2)
    print(f"{f'right behind {args.flood} sent at once':<36}{1:>9}{burst_ms:>10}{burst_ms:>10}")
    print(f"flood p99 / quiet p99: {ratio} (goal ≤ 2); flood updates dropped before a slot: {dropped}")
    print(
        json.dumps(
            {
                "benchmark": "flood",
                "samples": args.samples,
                "flood_updates": sent,
                "pace_s": args.pace,
                "quiet_p50_ms": quiet_p50,
                "quiet_p99_ms": quiet_p99,
                "flood_p50_ms": flood_p50,
                "flood_p99_ms": flood_p99,
                "ratio": ratio,
                "burst_ms": burst_ms,
                "dropped_before_slot": dropped,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
