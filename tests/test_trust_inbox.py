"""Nothing silences the bot (issue 18, §1; a batch of updates all seen before is acknowledged: tests/test_inbox.py):
the console chat resumes its update numbering after a restart; a poison update is quarantined after three starts
that did not finish it; a replay that hangs holds no one up for long; a flooding user's dropped updates take no
processing slot and write nothing of their own."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from sqlalchemy import event, select, update

import runtime.processor
import tests.harness
from bot import CHAT
from config.settings import load_settings
from db.database import Database
from db.models import AuditEntry, Notification, Role, UpdateInbox
from runtime.inbox import Inbox
from runtime.run import run_console
from services.container import Services
from tests.console_terminal import Terminal
from tests.harness import BotHarness

HELP = "我能为您做什么"


async def registered(bot: BotHarness, user_id: int, role: Role = Role.WORKER):
    await bot.services.users.register(user_id, "王工")
    if role is Role.STAFF:
        await bot.services.users.set_staff(user_id, True)
    else:
        await bot.services.users.set_role(user_id, role)
    return bot.user(user_id)


async def held_elsewhere(bot: BotHarness, updates: list[dict], attempts: int = 0) -> None:
    """Write ``updates`` to the inbox as a stopped bot had taken them (and, with ``attempts``, replayed them that
    many times without finishing)."""
    db = Database(bot.settings.database_url)
    try:
        await Inbox(db, bot.clock).hold([(u["update_id"], u) for u in updates])
        async with db.session() as session:
            await session.execute(
                update(UpdateInbox)
                .where(UpdateInbox.update_id.in_([u["update_id"] for u in updates]))
                .values(attempts=attempts)
            )
    finally:
        await db.dispose()


async def console_says(tmp_path: Path, text: str, needle: str) -> None:
    """One run of the console chat (a fresh process's services, the same SQLite file): type ``text``, see
    ``needle``, quit."""
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'zhuqi.sqlite3'}", bot_token=None)
    services = await Services.start(settings)
    terminal = Terminal()
    chat = asyncio.create_task(run_console(services, CHAT, stdin=terminal, stdout=terminal))
    try:
        seen = await terminal.expect("王丽> ")  # the console's prompt: it reads
        terminal.lines.put(f"{text}\n")
        await terminal.expect(needle, after=seen)
    finally:
        terminal.lines.put(":quit\n")  # the reading thread must end, whatever happened
        await asyncio.wait_for(chat, 60)
        await services.close()


async def test_the_console_chat_answers_after_a_restart(tmp_path: Path):
    await console_says(tmp_path, "/help", "我能为您做什么")
    assert (tmp_path / "zhuqi.console-state.json").exists(), "the fake Telegram's numbering is kept beside the database"
    await console_says(tmp_path, "/help", "我能为您做什么")  # update 1 again would be a duplicate, never answered


async def test_the_console_sends_a_digit_int_cannot_read_as_text(tmp_path: Path):
    await console_says(tmp_path, "²", "不能理解")  # it quit the console without a word (int("²") raised)


async def test_an_update_three_starts_did_not_finish_is_quarantined(bot: BotHarness):
    admin = await registered(bot, 420, Role.STAFF)
    user = await registered(bot, 421)
    other = await registered(bot, 422)
    await bot.stop()
    poison = user.send("/help")
    other.send("/help")
    updates = bot.api.world.updates[-2:]
    bot.api.world.updates.clear()  # taken and acknowledged; the process then died handling them, again and again
    await held_elsewhere(bot, updates[:1], attempts=3)
    await held_elsewhere(bot, updates[1:], attempts=1)

    await bot.start()
    await other.expect(HELP)  # replayed a second time: it may yet finish
    await bot.wait_handled(updates[1]["update_id"])
    async with bot.services.db.session() as session:
        row = await session.get(UpdateInbox, updates[0]["update_id"])
        assert row.quarantined_at is not None and row.done_at is None
        assert row.payload["message"]["message_id"] == poison["message_id"], "kept as it was"
        assert (await session.get(UpdateInbox, updates[1]["update_id"])).attempts == 2
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "update.quarantined"))
        assert entry.actor_user_id == 421
        assert entry.details == {"update_id": updates[0]["update_id"], "kind": "message", "user_id": 421}
        notices = (await session.scalars(select(Notification).where(Notification.chat_id == 420))).all()
        assert [n.payload["key"] for n in notices] == ["inbox.quarantined"]
    await admin.expect("已隔离")  # the staff notice
    user.send("/help")  # the bot goes on: a new update of the same user is answered
    await user.expect(HELP)
    assert sum(HELP in text for text in user.texts()) == 1, "the poison update was not handled"
    admin.send("/audit")
    assert "update.quarantined" in (await admin.expect("操作日志"))["text"]

    await bot.restart()  # never replayed again
    assert await bot.application.transport.inbox.unfinished() == []
    user.send("/help")
    await user.expect(HELP)
    assert sum(HELP in text for text in user.texts()) == 2


async def test_a_replay_that_hangs_holds_no_one_up(db_url: str, monkeypatch):
    release, hanging = asyncio.Event(), asyncio.Event()

    def wire_with_a_hang(application):
        from telegram import Update
        from telegram.ext import TypeHandler

        async def hang(update: Update, _context) -> None:
            if update.effective_user.id == 431 and update.effective_message.text == "/help slow":
                hanging.set()
                await release.wait()

        application.add_handler(TypeHandler(Update, hang), group=-2)
        CHAT.wire(application)

    monkeypatch.setattr(tests.harness, "CHAT", dataclasses.replace(CHAT, wire=wire_with_a_hang))
    monkeypatch.setattr(runtime.processor, "REPLAY_BUDGET", 0.2)
    async with BotHarness(db_url) as bot:
        slow = await registered(bot, 431)
        other = await registered(bot, 432)
        await bot.stop()
        slow.send("/help slow")
        cut_off = bot.api.world.updates.pop()
        await held_elsewhere(bot, [cut_off])
        await bot.start()
        await hanging.wait()
        other.send("/help")
        await other.expect(HELP)  # another user is not held up by the replay
        assert not release.is_set()
        slow.send("/help")
        await slow.expect(HELP)  # nor, past the replay's budget, is the same user
        assert not release.is_set()
        release.set()
        await bot.wait_handled(cut_off["update_id"])
        await slow.expect(HELP)  # the replay finished in the end


async def test_a_floods_dropped_updates_take_no_slot_and_write_nothing(db_url: str):
    async with BotHarness(db_url, flood_max_updates=3, flood_window_seconds=60) as bot:
        noisy = await registered(bot, 441)
        for _ in range(4):
            noisy.send("/help")
        await noisy.expect("太快了")
        await bot.wait_handled()
        writes: list[str] = []

        def count(_conn, _cursor, statement: str, *_args) -> None:
            lowered = statement.lower()
            if "bot_state" in lowered or lowered.startswith("update update_inbox"):
                writes.append(statement)

        engine = bot.services.db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", count)
        processor = bot.application.update_processor
        dropped_before = getattr(processor, "dropped", 0)
        try:
            for _ in range(20):
                noisy.send("/help")
            await bot.wait_handled()
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert writes == [], "a dropped update writes no conversation state and no done mark of its own"
        assert processor.dropped - dropped_before == 20, "dropped before taking a processing slot"
        assert sum(HELP in text for text in noisy.texts()) == 3
        bot.clock.advance(seconds=61)
        noisy.send("/help")
        await noisy.expect(HELP)
        await bot.wait_handled()
        assert await bot.application.transport.inbox.unfinished() == [], (
            "the dropped updates were marked done with a later commit"
        )
