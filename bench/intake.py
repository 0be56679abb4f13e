#!/usr/bin/env python3
"""Demand intake under load: 500 simulated enterprises complete /report at the same time, through the in-process
fake Bot API and python-telegram-bot's own request serialisation; then a bare PTB echo bot on the same fake server
answers as many messages from as many users, for a baseline run in the same process.

Each enterprise: /report → 技术难题 → enterprise name → skip the credit code → enterprise kind → contact →
phone → description → 完成 → industry (confirm or first candidate) → urgency → service mode → 提交: 13 round
trips, each timed from the user's update to the bot's answer. The bot does all its real work: drafts, the
enterprise profile and the ticket in SQLite, jieba and the industry classifier, conversation state flushed
after every update. The echo user sends 13 texts and waits for each echo.

    python bench/intake.py [--users 500]

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

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update  # noqa: E402
from telegram.ext import Application, ApplicationBuilder, MessageHandler, filters  # noqa: E402

from bench.updates import run_app, summary  # noqa: E402
from bot import wire  # noqa: E402
from config.settings import load_settings  # noqa: E402
from db.models import Role  # noqa: E402
from fakebotapi import FakeBotAPI, FakeUser  # noqa: E402
from fakebotapi.request import FakeRequest  # noqa: E402
from runtime.application import build_application  # noqa: E402
from services.container import Services  # noqa: E402

STEPS = 13
TEXTS = ["铝型材喷涂过程遇到氧化，皮膜厚度不均", "配电线路频繁跳闸，变压器温度偏高", "LF精炼炉水冷电缆扭曲，经常漏水",
         "注塑件表面有缩痕和气泡，良品率低", "数控机床加工精度不稳定，主轴发热"]
FIRST_ID = 700_000


def echo_bot(api: FakeBotAPI) -> Application:
    async def echo(update: Update, _context: object) -> None:
        await update.message.reply_text(update.message.text)

    application = (ApplicationBuilder().token(api.token).request(FakeRequest(api))
                   .get_updates_request(FakeRequest(api)).concurrent_updates(64).build())
    application.add_handler(MessageHandler(filters.TEXT, echo))
    return application


async def timed(latencies: list[float], user: FakeUser, act, needle: str) -> dict:
    sent = time.perf_counter()
    act()
    message = await user.expect(needle, timeout=120)
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
        await timed(latencies, user, lambda: user.send(text), text)


async def drive(api: FakeBotAPI, users: int, flow) -> tuple[float, list[float]]:
    latencies: list[float] = []
    people = [FakeUser(api, FIRST_ID + n, f"企业{n}") for n in range(users)]
    begin = time.perf_counter()
    await asyncio.gather(*(flow(user, n, latencies) for n, user in enumerate(people)))
    return time.perf_counter() - begin, latencies


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=500)
    args = parser.parse_args()
    updates = args.users * STEPS

    api = FakeBotAPI()
    elapsed, lat = await run_app(echo_bot(api), lambda: drive(api, args.users, echo_flow))
    bare = summary("bare PTB echo bot", updates, elapsed, lat)
    bare["flows_per_s"] = round(args.users / elapsed, 1)

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_url=f"sqlite:///{tmp}/bench.sqlite3", bot_token=None,
                                 flood_max_updates=10_000, rate_limit_replies=False)
        services = await Services.start(settings)
        for n in range(args.users):  # registered enterprises in 吴兴区 (the profile questions are part of the flow)
            await services.users.register(FIRST_ID + n, f"企业{n}")
            await services.users.set_role(FIRST_ID + n, Role.ENTERPRISE)
            await services.users.set_region(FIRST_ID + n, "330502")
        api = FakeBotAPI()
        application = build_application(services, wire, request=FakeRequest(api), get_updates_request=FakeRequest(api))
        elapsed, lat = await run_app(application, lambda: drive(api, args.users, report_flow))
        submitted = len((await services.demands.of_user(FIRST_ID))[0])
        await services.close()
    ours = summary("zhuqi-bot /report (SQLite)", updates, elapsed, lat)
    ours["flows_per_s"] = round(args.users / elapsed, 1)
    assert submitted == 1, "the first enterprise's demand was not filed"

    ratio = round(ours["flows_per_s"] / bare["flows_per_s"], 3)
    print(f"{'bot':<28}{'flows':>7}{'updates':>9}{'seconds':>9}{'flows/s':>9}{'p50 ms':>9}{'p99 ms':>9}")
    for row in (ours, bare):
        print(f"{row['bot']:<28}{args.users:>7}{row['updates']:>9}{row['seconds']:>9}{row['flows_per_s']:>9}"
              f"{row['p50_ms']:>9}{row['p99_ms']:>9}")
    print(f"flows/s ratio zhuqi-bot / bare PTB echo: {ratio}  ({args.users} enterprises, {STEPS} round trips each)")
    print(json.dumps({"benchmark": "intake", "users": args.users, "round_trips_per_flow": STEPS, "zhuqi": ours,
                      "bare": bare, "flows_ratio": ratio}, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
