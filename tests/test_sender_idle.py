"""A flush that finds another one running leaves at once (runtime/sender.py) — right for an update's reply, but a
test's ``bot.tick()`` must not come back while the outbox job's flush is still sending what the tick came for."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from db.models import Notification, OutboxStatus
from services.outbox import Notice
from tests.harness import BotHarness


async def test_tick_waits_for_the_outbox_jobs_running_flush(bot: BotHarness):
    bot.user(4001, "李工")
    await bot.services.outbox.put([4001], "notice", "idle:test", Notice("privacy.kept"))
    sender = bot.application.sender
    entered, gate = asyncio.Event(), asyncio.Event()
    send_rows, flush = sender.send_rows, sender.flush

    async def held_send_rows(*args, **kwargs):  # the job's flush, stopped mid-send until the tick has asked
        entered.set()
        await gate.wait()
        return await send_rows(*args, **kwargs)

    async def tick_flush() -> int:  # the tick's own flush finds the job's running and leaves: the send goes on
        sent = await flush()
        gate.set()
        return sent

    sender.send_rows = held_send_rows
    job = asyncio.create_task(flush())  # what the "outbox" job does by itself 1 s after the start
    await entered.wait()
    sender.flush = tick_flush
    assert await bot.tick() == 0  # the job sent it, not the tick
    assert job.done(), "tick() came back while the outbox job was still sending"
    assert await job == 1
    async with bot.services.db.session() as session:
        status = await session.scalar(select(Notification.status).where(Notification.dedupe_key == "idle:test"))
    assert status is OutboxStatus.SENT
