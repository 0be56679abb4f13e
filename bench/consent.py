#!/usr/bin/env python3
"""Update throughput: 10,000 /start-and-answer updates from 200 simulated users, through the in-process
fake Bot API and python-telegram-bot's own request serialisation, for zhuqi-bot and for a bare PTB bot.

Each simulated user repeats: send /start → wait for the consent question → press 不同意 → wait for the
answer. That is two updates per round, 25 rounds per user. zhuqi-bot does its real work on every update
(flood guard, user lookup, script detection, conversation state flushed to SQLite, the rate limiter); the
bare bot sends the same number of messages with no database. Latency is from the user's update to the bot's
last answer to it. The flood guard stays on with its limit raised, since these users type far faster than
people.

    python bench/consent.py [--users 200] [--updates 10000]

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

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bench.updates import run_app, summary
from bot import CHAT
from config.settings import load_settings
from fakebotapi import FakeBotAPI, FakeUser
from fakebotapi.request import FakeRequest, bare_application
from runtime.application import build_application
from services.container import Services


def bare_bot(api: FakeBotAPI) -> Application:
    """A plain python-telegram-bot bot answering the same shapes, without database or middleware."""

    async def start(update: Update, _context: object) -> None:
        await update.message.reply_text("hello")
        await update.message.reply_text(
            "consent?",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("同意", callback_data="y"), InlineKeyboardButton("不同意", callback_data="n")]]
            ),
        )

    async def press(update: Update, _context: object) -> None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
        await update.effective_chat.send_message("declined")

    application = bare_application(api)
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(press))
    return application


async def drive(
    api: FakeBotAPI, users: int, rounds: int, consent_text: str, declined_text: str
) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def one_user(uid: int) -> None:
        user = FakeUser(api, 500_000 + uid, f"用户{uid}")
        for _ in range(rounds):
            sent = time.perf_counter()
            user.send("/start")
            message = await user.expect(consent_text, timeout=60)
            latencies.append(time.perf_counter() - sent)
            sent = time.perf_counter()
            user.press(next(b["text"] for b in user.buttons(message) if "不同意" in b["text"]), message)
            await user.expect(declined_text, timeout=60)
            latencies.append(time.perf_counter() - sent)

    begin = time.perf_counter()
    await asyncio.gather(*(one_user(i) for i in range(users)))
    return time.perf_counter() - begin, latencies


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--updates", type=int, default=10_000)
    args = parser.parse_args()
    rounds = max(1, args.updates // (2 * args.users))
    updates = rounds * 2 * args.users

    api = FakeBotAPI()
    elapsed, lat = await run_app(bare_bot(api), lambda: drive(api, args.users, rounds, "consent?", "declined"))
    bare = summary("bare PTB bot", updates, elapsed, lat)

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            database_url=f"sqlite:///{tmp}/bench.sqlite3",
            bot_token=None,
            flood_max_updates=10_000,
            rate_limit_replies=False,
        )
        services = await Services.start(settings)
        api = FakeBotAPI()
        application = build_application(services, CHAT, request=FakeRequest(api), get_updates_request=FakeRequest(api))
        elapsed, lat = await run_app(
            application, lambda: drive(api, args.users, rounds, "个人信息处理说明", "没有保存")
        )
        await services.close()
    ours = summary("zhuqi-bot (SQLite)", updates, elapsed, lat)

    ratio = round(ours["updates_per_s"] / bare["updates_per_s"], 3)
    print(f"{'bot':<22}{'updates':>9}{'seconds':>9}{'updates/s':>11}{'p50 ms':>9}{'p99 ms':>9}")
    for row in (ours, bare):
        print(
            f"{row['bot']:<22}{row['updates']:>9}{row['seconds']:>9}{row['updates_per_s']:>11}{row['p50_ms']:>9}{row['p99_ms']:>9}"
        )
    print(f"throughput ratio zhuqi-bot / bare PTB: {ratio}  ({args.users} users, {rounds} rounds each)")
    print(
        json.dumps(
            {
                "benchmark": "consent",
                "users": args.users,
                "updates": updates,
                "zhuqi": ours,
                "bare": bare,
                "throughput_ratio": ratio,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
