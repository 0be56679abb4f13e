"""Fuzzing the whole application: hypothesis draws random sequences of updates — random Unicode, 4,096-character
messages, commands, stickers, photos, contacts, locations, presses of old buttons out of order, random and
forged callback data, edits of old messages — and sends them through the fake Bot API to the real Application.

After every sequence: no handler raised (nothing reached the error handler), every message and every button
press was answered, and the database is consistent (SQLite's integrity and foreign-key checks, nothing left in
flight in the outbox, at most one user row for the one user)."""

from __future__ import annotations

import asyncio
import logging
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from db.models import Notification, OutboxStatus, User
from tests.harness import BotHarness

USER = 4242
COMMANDS = [
    "/start",
    "/help",
    "/report",
    "/settings",
    "/my",
    "/experts",
    "/teams",
    "/join",
    "/competitions",
    "/courses",
    "/subscriptions",
    "/classify",
    "/privacy",
    "/delete_me",
    "/cancel",
    "/queue",
    "/broadcast",
    "/stats",
    "/export",
    "/start bogus_deep_link",
]
words = st.sampled_from(
    [
        "湖州",
        "吴兴区",
        "注塑件表面有缩痕",
        "數控機床主軸異響",
        "hello",
        "<b>&amp;</b>",
        "13800138000",
        "91330500MA2B3C4D5E",
        "2026-12-01 09:00",
        "是",
        "好",
        "0",
        "-1",
        "NaN",
        "😀🔥",
    ]
)
actions = st.one_of(
    st.tuples(st.just("text"), st.text(max_size=200)),
    st.tuples(st.just("text"), words),
    st.tuples(st.just("text"), st.sampled_from(COMMANDS)),
    st.tuples(st.just("long"), st.sampled_from(["字", "a", "😀", "&<>"])),
    st.tuples(st.just("sticker"), st.just("")),
    st.tuples(st.just("photo"), st.text(max_size=30)),
    st.tuples(st.just("contact"), st.sampled_from(["+8613800138000", "12345", ""])),
    st.tuples(st.just("location"), st.just("")),
    st.tuples(st.just("press"), st.integers(min_value=0, max_value=50)),  # a button of an earlier message
    st.tuples(st.just("forged"), st.text(min_size=1, max_size=64)),  # data the bot never wrote
    st.tuples(st.just("edit"), st.text(max_size=50)),  # edit an earlier message
)


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def play(sequence: list[tuple[str, object]]) -> None:
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'fuzz.sqlite3'}"
            async with BotHarness(url, flood_max_updates=10_000) as bot:
                await run_sequence(bot, sequence)
                await check_database(bot)
    finally:
        logging.getLogger().removeHandler(errors)
    assert not errors.records, [r.getMessage() + str(getattr(r, "error", "")) for r in errors.records]


async def run_sequence(bot: BotHarness, sequence: list[tuple[str, object]]) -> None:
    user = bot.user(USER, first_name="模糊<测试>")
    sent: list[dict] = []
    for kind, value in sequence:
        before = len(user.events())
        query = None
        if kind == "text":
            sent.append(user.send(str(value) or "?"))
        elif kind == "long":
            sent.append(user.send(str(value) * (4096 // len(str(value)))))
        elif kind == "sticker":
            user.send_sticker()
        elif kind == "photo":
            user.send_photo(caption=str(value) or None)
        elif kind == "contact":
            user.send_contact(str(value) or "0")
        elif kind == "location":
            user.send_location()
        elif kind == "edit":
            if not sent:
                continue
            user.edit(sent[len(sent) // 2], str(value) or "?")
        else:
            keyboards = [e["message"] for e in user.events() if e["message"].get("reply_markup")]
            if not keyboards:
                continue
            message = keyboards[int(value) % len(keyboards)] if kind == "press" else keyboards[-1]
            buttons = user.buttons(message)
            if kind == "press" and buttons:
                query = user.press_data(buttons[int(value) % len(buttons)]["callback_data"], message)
            else:
                query = user.press_data(str(value), message)
        await bot.wait_handled(timeout=20)
        await bot.application.sender.flush()
        if query is not None:
            assert bot.api.world.callback_answers.get(query) != {}, f"button press {kind} {value!r} left unanswered"
        elif kind != "edit":
            assert len(user.events()) > before, f"{kind} {str(value)[:40]!r} got no answer"


async def check_database(bot: BotHarness) -> None:
    async with bot.services.db.session() as session:
        assert (await session.execute(text("PRAGMA integrity_check"))).scalar() == "ok"
        assert not (await session.execute(text("PRAGMA foreign_key_check"))).all()
        assert await session.scalar(select(func.count()).select_from(User)) <= 1
        assert not await session.scalar(
            select(func.count()).select_from(Notification).where(Notification.status == OutboxStatus.SENDING)
        )


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(actions, min_size=5, max_size=25))
def test_random_update_sequences_are_all_answered_and_break_nothing(sequence):
    asyncio.run(play(sequence))
