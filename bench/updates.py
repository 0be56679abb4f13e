#!/usr/bin/env python3
"""Updates per second the single update process sustains on the demand flow, on SQLite and on PostgreSQL, against
a bare python-telegram-bot echo bot answering as many messages in the same process.

500 simulated enterprises complete /report at the same time, through the in-process fake Bot API and
python-telegram-bot's own request serialisation: /report → 技术难题 → enterprise name → skip the credit code →
enterprise kind → contact → phone → description → 完成 → industry (the first proposal) → urgency → service mode →
提交: 13 round trips each, timed from the user's update to the bot's answer. The bot does all its real work:
drafts, the enterprise profile and the ticket in the database, jieba and the industry classifier, conversation
state flushed after every update. Every demand must be filed, or the run fails. The echo users send 13 texts and
wait for each echo. ``statements_per_update``: the SQL statements the zhuqi run sent (SQLAlchemy's
``before_cursor_execute``, BEGIN/COMMIT not among them) over the updates it handled, setup excluded;
``cpu_ms_per_update``: the process's CPU time over the zhuqi run's updates (steadier than updates/s when the
machine is shared).

A third bot bounds what any bot that talks as much could reach here: "same calls, no work" answers each person's
n-th update with exactly the Bot API calls zhuqi-bot made for its warm-up flow's n-th (the same texts and buttons,
2.2 calls an update against the echo bot's one), thinking nothing; ``ratio_to_same_calls`` is zhuqi-bot's
updates/s over that bot's, i.e. the cost of zhuqi-bot's own work (handlers, services, database, NLP). A fourth,
"same calls + one commit", does the same and, before answering, writes the person's conversation state (one row, one
statement) and commits it through the project's own database layer (``db.Database``: the inline SQLite connection,
the asyncpg pool), on each database measured: the least a bot that keeps its state durable at every update, as
zhuqi-bot must, can reach here.

Each bot first serves one warm-up flow of its own, untimed and uncounted (a fresh process compiles its SQL, loads
jieba's dictionary and the classifier on the first flow: a cost paid once per start, not per step). Then
``--rounds`` rounds of ``--users`` enterprises at once; by default enough rounds that at least 20 flows are timed
(one round for 20 users or more), so ``--users 1`` gives a p50 over 260 steps, not 13.

SQLite is the embedded default (WAL, synchronous=NORMAL). PostgreSQL 15 is a throw-away server on 127.0.0.1 with
its own durable defaults (fsync, synchronous_commit on), as in production.

    python bench/updates.py [--users 500] [--rounds N] [--databases sqlite,postgresql]

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from sqlalchemy import event, func, select
from telegram import Message, Update
from telegram.ext import Application, ContextTypes, MessageHandler, TypeHandler, filters
from telegram.request import RequestData

from bot import CHAT
from config.settings import load_settings
from db.database import Database
from db.models import Demand, DemandStatus, Role, utcnow
from fakebotapi import FakeBotAPI, FakeUser
from fakebotapi.request import FakeRequest, bare_application, split_url
from runtime.application import build_application
from runtime.heap import settle
from runtime.state_store import UPSERT
from services.container import Services

STEPS = 13
TEXTS = [
    "铝型材喷涂过程遇到氧化，皮膜厚度不均",
    "配电线路频繁跳闸，变压器温度偏高",
    "LF精炼炉水冷电缆扭曲，经常漏水",
    "注塑件表面有缩痕和气泡，良品率低",
    "数控机床加工精度不稳定，主轴发热",
]
FIRST_ID = 700_000
Flow = Callable[[FakeUser, int, list[float]], Awaitable[None]]
Call = tuple[str, dict[str, object]]  # a Bot API method and its parameters as python-telegram-bot serialised them


def echo_bot(api: FakeBotAPI) -> Application:
    async def echo(update: Update, _context: object) -> None:
        await update.message.reply_text(update.message.text)

    application = bare_application(api)
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


class Recorder(FakeRequest):
    """The fake Bot API's request adapter, noting the bot's calls (but getUpdates) under the number of the update
    being handled while ``step`` is set."""

    def __init__(self, api: FakeBotAPI) -> None:
        super().__init__(api)
        self.step: int | None = None
        self.script: list[list[Call]] = []

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, **kwargs: object
    ) -> tuple[int, bytes]:
        endpoint = split_url(url)[1]
        if self.step is not None and endpoint != "getUpdates":
            self.script[self.step].append((endpoint, dict(request_data.json_parameters) if request_data else {}))
        return await super().do_request(url, method, request_data, **kwargs)


def replay_bot(api: FakeBotAPI, script: list[list[Call]], db: Database | None = None) -> Application:
    """A bot that thinks nothing and says what zhuqi-bot said: to each person's n-th update it makes the Bot API calls
    zhuqi-bot made for the warm-up flow's n-th (the same texts and buttons, sent to this person's chat, editing the
    message this person pressed). Its throughput is the most any bot that talks as much can reach here. With ``db``,
    it first commits the person's state (one upserted row of bot_state) there."""
    seen: dict[int, int] = {}

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_user is not None and update.effective_chat is not None
        n = seen[update.effective_user.id] = seen.get(update.effective_user.id, -1) + 1
        if db is not None:
            state = {"namespace": "bench", "key": str(update.effective_chat.id), "value": {"step": n}}
            async with db.connection() as connection:
                await connection.execute(UPSERT, {**state, "updated_at": utcnow()})
        query = update.callback_query
        for endpoint, recorded in script[n]:
            params: dict[str, object] = {**recorded, "chat_id": update.effective_chat.id}
            if query is not None:
                params.update(callback_query_id=query.id)
                if "message_id" in recorded and isinstance(query.message, Message):
                    params.update(message_id=query.message.message_id)
            for key in ("chat_id", "callback_query_id", "message_id"):
                if key not in recorded:
                    params.pop(key, None)
            result = await context.bot._post(endpoint, params)  # private: do_api_request warns on every known method
            if isinstance(result, dict):
                Message.de_json(result, context.bot)  # as python-telegram-bot reads the answer of a send or an edit

    application = bare_application(api)
    application.add_handler(TypeHandler(Update, answer))
    return application


async def timed(latencies: list[float], user: FakeUser, act: Callable[[], object], needle: str) -> dict:
    sent = time.perf_counter()
    act()
    message = await user.expect(needle, timeout=300)
    latencies.append(time.perf_counter() - sent)
    return message


async def report_flow(user: FakeUser, n: int, latencies: list[float]) -> None:
    step = lambda act, needle: timed(latencies, user, act, needle)  # noqa: E731
    kind = await step(lambda: user.send("/report"), "请选择需求类型")
    await step(lambda: user.press("技术难题", kind), "企业名称")
    code = await step(lambda: user.send(f"湖州某制造有限公司{n}"), "统一社会信用代码")
    ent_kind = await step(lambda: user.press("跳过", code), "请选择企业类型")
    await step(lambda: user.press("中小微", ent_kind), "联系人")
    await step(lambda: user.send("李工"), "联系电话")
    await step(lambda: user.send(f"138{n:08d}"), "请描述")
    noted = await step(lambda: user.send(TEXTS[n % len(TEXTS)]), "可以继续补充")
    industry = await step(lambda: user.press("完成", noted), "行业")
    first = user.buttons(industry)[0]["text"]
    urgency = await step(lambda: user.press(first, industry), "请选择紧急程度")
    mode = await step(lambda: user.press("一般", urgency), "请选择希望的服务方式")
    card = await step(lambda: user.press("现场指导", mode), "请核对需求信息")
    await step(lambda: user.press("提交", card), "已提交，编号")


async def echo_flow(user: FakeUser, n: int, latencies: list[float]) -> None:
    for i in range(STEPS):
        text = f"回声 {n} {i}"
        await timed(latencies, user, lambda: user.send(text), text)  # noqa: B023 - called within this iteration


WARM_UP_ID = FIRST_ID - 1  # the warm-up flow's enterprise, never among the timed ones


async def drive(
    api: FakeBotAPI, users: int, rounds: int, flow: Flow, warm: Callable[[], None] = lambda: None
) -> tuple[float, list[float]]:
    """One untimed warm-up flow (``warm`` is called after it), then ``rounds`` rounds of ``users`` flows at once;
    returns the time and the latencies of those."""
    await flow(FakeUser(api, WARM_UP_ID, "预热"), users * rounds, [])  # its own enterprise name, never a timed one
    warm()
    latencies: list[float] = []
    begin = time.perf_counter()
    for r in range(rounds):
        people = [FakeUser(api, FIRST_ID + r * users + n, f"企业{n}") for n in range(users)]
        await asyncio.gather(*(flow(user, r * users + n, latencies) for n, user in enumerate(people)))
    return time.perf_counter() - begin, latencies


async def run_app(
    application: Application, body: Callable[[], Awaitable[tuple[float, list[float]]]]
) -> tuple[float, list[float]]:
    async with application:
        await application.start()
        await application.updater.start_polling(timeout=5)
        try:
            return await body()
        finally:
            await application.updater.stop()
            await application.stop()


def summary(name: str, updates: int, elapsed: float, latencies: list[float]) -> dict[str, float | str]:
    ordered = sorted(latencies)
    return {
        "bot": name,
        "updates": updates,
        "seconds": round(elapsed, 2),
        "updates_per_s": round(updates / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000, 2),
    }


async def zhuqi_run(name: str, url: str, users: int, rounds: int) -> tuple[dict[str, float | str], list[list[Call]]]:
    """The demand flow on the database at ``url``: its row, and the Bot API calls of its warm-up flow, update by
    update."""
    settings = load_settings(database_url=url, bot_token=None, flood_max_updates=10_000, rate_limit_replies=False)
    services = await Services.start(settings)
    for who in [WARM_UP_ID, *range(FIRST_ID, FIRST_ID + users * rounds)]:  # registered enterprises in 吴兴区 (the
        await services.users.register(who, f"企业{who}")  # profile questions are part of the flow)
        await services.users.set_role(who, Role.ENTERPRISE)
        await services.users.set_region(who, "330502")
    settle()  # as bot.py does once started (runtime/heap.py)
    api = FakeBotAPI()
    recorder = Recorder(api)
    application = build_application(services, CHAT, request=recorder, get_updates_request=FakeRequest(api))
    handle = application.process_update

    async def numbered(update: object) -> None:  # the warm-up flow's calls, noted update by update
        if recording:
            recorder.step = len(recorder.script)
            recorder.script.append([])
        await handle(update)

    recording = True
    application.process_update = numbered  # type: ignore[method-assign]
    statements = [0]

    def count(*_args: object) -> None:
        statements[0] += 1

    cpu = [0.0]

    def warm() -> None:
        nonlocal recording
        recording, recorder.step = False, None
        event.listen(services.db.engine.sync_engine, "before_cursor_execute", count)
        cpu[0] = time.process_time()

    elapsed, latencies = await run_app(application, lambda: drive(api, users, rounds, report_flow, warm))
    cpu[0] = time.process_time() - cpu[0]
    event.remove(services.db.engine.sync_engine, "before_cursor_execute", count)
    async with services.db.session() as session:
        filed = await session.scalar(
            select(func.count()).select_from(Demand).where(Demand.status != DemandStatus.DRAFT)
        )
    await services.close()
    if filed != users * rounds + 1:
        raise SystemExit(f"{name}: {filed} of {users * rounds + 1} demands filed")
    updates = users * rounds * STEPS
    if len(recorder.script) != STEPS:
        raise SystemExit(f"{name}: the warm-up flow was {len(recorder.script)} updates, not {STEPS}")
    row = {
        **summary(name, updates, elapsed, latencies),
        "statements_per_update": round(statements[0] / updates, 1),
        # this process's CPU time (the bot, the fake Bot API and the simulated users) over the updates: steadier
        # than updates/s on a shared machine; the fake server and users cost the same in every run
        "cpu_ms_per_update": round(cpu[0] * 1000 / updates, 2),
    }
    return row, recorder.script


async def replay_run(
    users: int, rounds: int, script: list[list[Call]], url: str | None = None, name: str = "same calls, no work"
) -> dict[str, float | str]:
    """The same flow against :func:`replay_bot`: what the Bot API calls alone cost (with ``url``: and one commit of
    the person's state an update on that database)."""
    db = None
    if url is not None:
        db = Database(load_settings(database_url=url, bot_token=None).database_url)
        await db.migrate()
    api = FakeBotAPI()
    cpu = time.process_time()
    try:
        elapsed, latencies = await run_app(replay_bot(api, script, db), lambda: drive(api, users, rounds, report_flow))
    finally:
        if db is not None:
            await db.dispose()
    updates = users * rounds * STEPS
    calls = sum(len(calls) for calls in script) / STEPS
    return {
        **summary(name, updates, elapsed, latencies),
        "calls_per_update": round(calls, 2),
        "cpu_ms_per_update": round((time.process_time() - cpu) * 1000 / (updates + STEPS), 2),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=0, help="rounds of --users flows (default: ≥ 20 flows in all)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    databases = args.databases.split(",")
    rounds = args.rounds or -(-20 // args.users)

    api = FakeBotAPI()
    elapsed, latencies = await run_app(echo_bot(api), lambda: drive(api, args.users, rounds, echo_flow))
    rows = [summary("bare PTB echo bot", args.users * rounds * STEPS, elapsed, latencies)]
    script: list[list[Call]] = []
    floors: list[tuple[str, str]] = []  # (name, url) of the "same calls + one commit" runs, once the script is known
    with tempfile.TemporaryDirectory() as tmp:
        pg = None
        try:
            if "sqlite" in databases:
                row, script = await zhuqi_run("zhuqi-bot, SQLite", f"sqlite:///{tmp}/bench.sqlite3", args.users, rounds)
                rows.append(row)
                floors.append(("same calls + 1 commit, SQLite", f"sqlite:///{tmp}/floor.sqlite3"))
            if "postgresql" in databases:
                from tests.pg import PgServer

                pg = PgServer(durable=True).start()
                url = await pg.create_database("bench_updates")
                row, script = await zhuqi_run("zhuqi-bot, PostgreSQL", url, args.users, rounds)
                rows.append(row)
                floors.append(("same calls + 1 commit, PostgreSQL", await pg.create_database("bench_floor")))
            rows.insert(1, await replay_run(args.users, rounds, script))
            for at, (name, url) in enumerate(floors, start=2):
                rows.insert(at, await replay_run(args.users, rounds, script, url, name))
        finally:
            if pg is not None:
                pg.stop()

    bare = rows[0]["updates_per_s"]
    for row in rows:
        row["flows_per_s"] = round(float(row["updates_per_s"]) / STEPS, 2)
        row["ratio_to_bare"] = round(float(row["updates_per_s"]) / float(bare), 3)
    by_name = {row["bot"]: row for row in rows}
    for row in rows[
        2 + len(floors) :
    ]:  # zhuqi-bot's work alone: against a bot that makes the same Bot API calls and nothing else
        row["ratio_to_same_calls"] = round(float(row["updates_per_s"]) / float(rows[1]["updates_per_s"]), 3)
    pg_to_sqlite = None
    if "zhuqi-bot, SQLite" in by_name and "zhuqi-bot, PostgreSQL" in by_name:
        pg_to_sqlite = round(
            float(by_name["zhuqi-bot, PostgreSQL"]["updates_per_s"])
            / float(by_name["zhuqi-bot, SQLite"]["updates_per_s"]),
            3,
        )
    width = max(len(str(row["bot"])) for row in rows) + 2
    print(
        f"{'bot':<{width}}{'updates':>9}{'seconds':>9}{'updates/s':>11}{'flows/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'× bare':>8}"
        f"{'stmts/update':>14}{'CPU ms/update':>15}"
    )
    for row in rows:
        print(
            f"{row['bot']:<{width}}{row['updates']:>9}{row['seconds']:>9}{row['updates_per_s']:>11}{row['flows_per_s']:>9}"
            f"{row['p50_ms']:>9}{row['p99_ms']:>9}{row['ratio_to_bare']:>8}{row.get('statements_per_update', '—'):>14}"
            f"{row.get('cpu_ms_per_update', '—'):>15}"
        )
    if pg_to_sqlite is not None:
        print(f"PostgreSQL / SQLite updates/s: {pg_to_sqlite}")
    print(f"({args.users} enterprises at once, {rounds} round(s) after one warm-up flow, {STEPS} round trips each)")
    print(
        json.dumps(
            {
                "benchmark": "updates",
                "flow": "report",
                "users": args.users,
                "rounds": rounds,
                "round_trips_per_flow": STEPS,
                "runs": rows,
                "postgresql_to_sqlite": pg_to_sqlite,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
