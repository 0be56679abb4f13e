#!/usr/bin/env python3
"""What a big /import costs everyone else: other users' reply latency while a staffer's file is read and checked,
against the same users with no import running (the baseline, measured in the same process just before).

Through the real Application and the in-process fake Bot API, on a SQLite file. Ten users each send /help and wait
for the answer, over and over, while a staffer imports
  * blank: a 1,000,000-row workbook (5 MB; each row an empty formatted cell), which the parser needs seconds for
    and which is stopped at the import's time budget;
  * rows: 5,000 craftsmen without industry codes (each row's specialities classified while checking).
Before issue 18 the parse and the check ran on the event loop: every user waited for them (23 s for a million rows).

    python bench/import_stall.py [--users 10]

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from services.importing import CRAFTSMAN_COLUMNS
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_talent import xlsx
from tests.test_trust_uploads import SHEET, blank_rows, rezip

FIRST_USER = 500_000


def files() -> dict[str, bytes]:
    blank = rezip(xlsx(CRAFTSMAN_COLUMNS, []), {SHEET: blank_rows(1_000_000)})
    rows = xlsx(
        CRAFTSMAN_COLUMNS,
        [
            (
                f"师傅{i}",
                "湖州某机械有限公司",
                f"139{i:08d}",
                "省级工匠",
                "数控机床调试；热处理工艺；焊接机器人编程",
                "",
                "330502",
                "",
                "3",
                "现场指导",
            )
            for i in range(5000)
        ],
    )
    assert zipfile.ZipFile(io.BytesIO(blank)).testzip() is None
    return {"blank": blank, "rows": rows}


async def round_trips(bot: BotHarness, users: list, until: asyncio.Event | None, count: int) -> list[float]:
    """Each user sends /help and waits for its answer, ``count`` times (or until ``until`` is set)."""
    latencies: list[float] = []

    async def one(user) -> None:
        for _ in range(count):
            if until is not None and until.is_set():
                return
            started = time.perf_counter()
            user.send("/help")
            await user.expect("我能为您做什么", timeout=120)
            latencies.append((time.perf_counter() - started) * 1000)

    await asyncio.gather(*(one(u) for u in users))
    return latencies


def p(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1], 1) if len(values) > 1 else round(values[0], 1)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10)
    args = parser.parse_args()
    content = files()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        async with BotHarness(f"sqlite+aiosqlite:///{folder}/bench.sqlite3", flood_max_updates=1_000_000) as bot:
            staff = await staffer(bot)
            users = []
            for n in range(args.users):
                users.append(await worker(bot, FIRST_USER + n, "330502", f"职工{n}"))
            await round_trips(bot, users, None, 3)  # warm up
            quiet = await round_trips(bot, users, None, 20)
            results["quiet"] = {"p50_ms": p(quiet, 50), "p99_ms": p(quiet, 99), "replies": len(quiet)}
            for name, data in content.items():
                staff.send("/import")
                await staff.expect("请发送要导入的")
                done = asyncio.Event()
                started = time.perf_counter()
                staff.send_document(data, f"{name}.xlsx")

                async def answer() -> float:
                    await staff.expect(("读取这个文件超过了", "导入劳模工匠完成"), timeout=300)
                    done.set()  # noqa: B023 - awaited within this iteration (gather below)
                    return time.perf_counter() - started  # noqa: B023 - the same

                answered, during = await asyncio.gather(answer(), round_trips(bot, users, done, 10_000))
                results[name] = {
                    "p50_ms": p(during, 50),
                    "p99_ms": p(during, 99),
                    "replies": len(during),
                    "import_answer_s": round(answered, 2),
                }
    print(f"{'run':<8}{'replies':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99 ratio':>11}{'import s':>10}")
    for name, r in results.items():
        ratio = round(r["p99_ms"] / results["quiet"]["p99_ms"], 2)
        r["p99_ratio"] = ratio
        print(
            f"{name:<8}{r['replies']:>9}{r['p50_ms']:>9}{r['p99_ms']:>9}{ratio:>11}{r.get('import_answer_s', ''):>10}"
        )
    print(json.dumps({"benchmark": "import_stall", "users": args.users, **results}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
