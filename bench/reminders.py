#!/usr/bin/env python3
"""Reminders at scale: 100,000 subscriptions across 1,000 events (500 competitions, 500 courses of 4 sessions),
on a SQLite file, with a manual clock.

Measures, each with a baseline in the same process:
  * rebuilding the schedule at start (derive every reminder from the database, one APScheduler job each),
    against reading the same event rows with one plain SELECT;
  * materialising one day's reminders into the outbox (1,000 reminders due, 100 recipients each, quiet hours
    applied per recipient), against a bare bulk INSERT of as many outbox rows;
  * firing the whole day again (what a double fire costs: nothing written);
  * memory: the process's RSS before the first start and after the day, and its peak.

    python bench/reminders.py [--events 1000] [--subscriptions 100000]

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select

from config.settings import load_settings
from db.models import (
    Competition,
    Course,
    CourseSession,
    EventStatus,
    Notification,
    OutboxStatus,
    Role,
    Subscription,
    SubscriptionKind,
    User,
)
from services.clock import ManualClock
from services.container import Services

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 21, 10, tzinfo=SH).astimezone(UTC)  # 10:00 in Shanghai
CHUNK = 5000


async def populate(s: Services, events: int, subscriptions: int) -> None:
    """Workers, events and subscriptions, written with bulk inserts (the bench measures the reminders, not this)."""
    per_event = subscriptions // events
    users = [
        {
            "id": 10_000 + i,
            "first_name": f"职工{i}",
            "role": Role.WORKER,
            "region_code": "330502",
            "notify_publications": i % 1000 == 0,
            "consent_at": T0,
            "created_at": T0,
            "updated_at": T0,
        }
        for i in range(subscriptions)
    ]
    competitions = [
        {
            "id": i + 1,
            "name": f"技能竞赛{i}",
            "industry_section": "C",
            "region_code": "330500",
            "registration_deadline": T0 + timedelta(days=1, hours=12),  # 1 day before: 22:00 today, quiet
            "starts_at": T0 + timedelta(days=10),
            "status": EventStatus.PUBLISHED,
            "published_at": T0 - timedelta(days=1),
            "created_at": T0,
            "updated_at": T0,
        }
        for i in range(events // 2)
    ]
    courses = [
        {
            "id": i + 1,
            "name": f"夜校课程{i}",
            "capacity": None,
            "remind_minutes": 60,
            "status": EventStatus.PUBLISHED,
            "published_at": T0 - timedelta(days=1),
            "created_at": T0,
            "updated_at": T0,
        }
        for i in range(events - events // 2)
    ]
    sessions = [
        {
            "course_id": c["id"],
            "starts_at": T0 + timedelta(hours=8, days=7 * week),  # 18:00, then weekly
            "ends_at": T0 + timedelta(hours=10, days=7 * week),
            "status": EventStatus.PUBLISHED,
        }
        for c in courses
        for week in range(4)
    ]
    subs = []
    for index in range(events):
        target = (
            {"competition_id": competitions[index]["id"], "course_id": None, "kind": SubscriptionKind.FOLLOW}
            if index < len(competitions)
            else {
                "competition_id": None,
                "course_id": courses[index - len(competitions)]["id"],
                "kind": SubscriptionKind.ENROLLED,
            }
        )
        subs += [{"user_id": 10_000 + index * per_event + k, "created_at": T0, **target} for k in range(per_event)]
    async with s.db.session() as session:
        for table, rows in (
            (User, users),
            (Competition, competitions),
            (Course, courses),
            (CourseSession, sessions),
            (Subscription, subs),
        ):
            for start in range(0, len(rows), CHUNK):
                await session.execute(insert(table), rows[start : start + CHUNK])


def memory(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


async def timed(coro) -> tuple[float, object]:
    start = time.perf_counter()
    result = await coro
    return time.perf_counter() - start, result


async def fire_day(clock: ManualClock, reminders, moments: list[datetime]) -> int:
    """The day as the running scheduler lives it: at each due moment, fire what is due."""
    written = 0
    for moment in moments:
        clock.advance((moment - clock.now()).total_seconds())
        written += await reminders.run_due()
    return written


async def read_events(s: Services) -> int:
    """Baseline for the rebuild: the same event rows, read with plain SELECTs."""
    async with s.db.session() as session:
        competitions = (
            await session.execute(
                select(
                    Competition.id, Competition.starts_at, Competition.published_at, Competition.registration_deadline
                )
            )
        ).all()
        sessions = (
            await session.execute(
                select(CourseSession.id, CourseSession.starts_at, Course.remind_minutes).join(
                    Course, Course.id == CourseSession.course_id
                )
            )
        ).all()
    return len(competitions) + len(sessions)


async def bulk_insert(s: Services, rows: int) -> int:
    """Baseline for materialising: as many outbox rows, bulk-inserted with no deciding who or when."""
    payload = {"key": "remind.course.lead", "values": {}, "keys": {}, "buttons": [], "files": []}
    data = [
        {
            "chat_id": 10_000 + i,
            "kind": "baseline",
            "dedupe_key": f"baseline:{i // 100}",
            "payload": payload,
            "not_before": T0,
            "urgent": False,
            "late": False,
            "status": OutboxStatus.SENT.value,
            "attempts": 0,
            "created_at": T0,
        }
        for i in range(rows)
    ]
    async with s.db.session() as session:
        for start in range(0, len(data), 500):
            await session.execute(insert(Notification), data[start : start + 500])
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clock = ManualClock(T0)
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{folder}/bench.sqlite3", bot_token=None)
        s = await Services.start(settings, clock=clock)
        await populate(s, args.events, args.subscriptions)
        reminders = s.reminders

        rss_before = memory("VmRSS")
        first_s, first = await timed(reminders.start(autorun=False))  # also writes the publication notices owed
        rebuild_s, rebuild = await timed(reminders.rebuild())  # as at every later start
        read_s, rows_read = await timed(read_events(s))
        due = [r for r in reminders.pending() if r.at < T0 + timedelta(days=1)]
        materialise_s, written = await timed(fire_day(clock, reminders, sorted({r.at for r in due})))
        again_s, again = await timed(asyncio.gather(*[reminders.fire(r) for r in due]))
        rss_after = memory("VmRSS")
        insert_s, _inserted = await timed(bulk_insert(s, written))
        async with s.db.session() as session:
            reminder_rows = await session.scalar(
                select(func.count()).select_from(Notification).where(Notification.kind == "reminder")
            )
        await s.close()

    figures = {
        "benchmark": "reminders",
        "events": args.events,
        "subscriptions": args.subscriptions,
        "jobs_scheduled": rebuild.scheduled,
        "first_start_s": round(first_s, 3),
        "caught_up_at_first_start": first.caught_up,
        "rebuild_s": round(rebuild_s, 3),
        "baseline_select_s": round(read_s, 4),
        "event_rows_read": rows_read,
        "rebuild_ratio": round(rebuild_s / read_s, 1),
        "reminders_due_in_day": len(due),
        "materialise_s": round(materialise_s, 3),
        "rows_written": written,
        "rows_per_s": round(written / materialise_s),
        "baseline_insert_s": round(insert_s, 3),
        "materialise_ratio": round(materialise_s / insert_s, 2),
        "refire_s": round(again_s, 3),
        "rows_written_by_refire": sum(again),
        "reminder_rows_total": reminder_rows,
        "rss_before_start_mb": rss_before,
        "rss_after_day_mb": rss_after,
        "peak_rss_mb": memory("VmHWM"),
    }
    print(f"{'step':<46}{'seconds':>10}{'baseline s':>12}{'ratio':>8}")
    print(
        f"{'rebuild the schedule (' + str(rebuild.scheduled) + ' jobs)':<46}{rebuild_s:>10.3f}{read_s:>12.4f}"
        f"{figures['rebuild_ratio']:>8}"
    )
    print(
        f"{'materialise one day (' + str(written) + ' rows)':<46}{materialise_s:>10.3f}{insert_s:>12.3f}"
        f"{figures['materialise_ratio']:>8}"
    )
    print(f"{'fire the same day again (rows: ' + str(sum(again)) + ')':<46}{again_s:>10.3f}")
    print(f"{'first start, catching up ' + str(first.caught_up) + ' publications':<46}{first_s:>10.3f}")
    print(
        f"memory (RSS): {rss_before} MB before the first start (interpreter, jieba, the model, the generated data), "
        f"{rss_after} MB after the day; peak {figures['peak_rss_mb']} MB — "
        f"{args.subscriptions} subscriptions across {args.events} events"
    )
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
