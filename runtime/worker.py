"""``bot.py --worker``: a delivery worker. It sends the outbox's due notices and nothing else: no updates, no
conversations. Several run at once against PostgreSQL — rows are claimed with ``FOR UPDATE SKIP LOCKED``, and
the bot-wide rate is one budget in the database (runtime/budget.py) — and any of them may take over the
scheduler when the process holding the lead dies (runtime/leading.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram.request import HTTPXRequest

from runtime.application import make_bot, send_limiter
from runtime.leading import Leadership
from runtime.presence import Presence
from runtime.sender import POOL, OutboxSender
from services.container import Services

log = logging.getLogger(__name__)
IDLE_POLL = 0.5  # seconds between looks at an empty outbox
WATCH_EVERY = 5  # seconds between presence checks (lead, dead processes)


async def run_worker(services: Services, until: asyncio.Event) -> int:
    """Deliver until ``until`` is set; return how many messages were sent."""
    settings = services.settings
    bots = [
        make_bot(settings, HTTPXRequest(connection_pool_size=POOL))
        for _ in range(-(-settings.delivery_in_flight // POOL))
    ]
    paid = settings.allow_paid_broadcast
    sender = OutboxSender(services, bots, send_limiter(services, paid=paid), paid=paid)
    presence = Presence(services.db, services.outbox.owner)
    await presence.start()
    leadership = Leadership(services, presence, sender.flush)
    sent = 0
    async with contextlib.AsyncExitStack() as stack:
        stack.push_async_callback(presence.stop)
        for bot in bots:
            await stack.enter_async_context(bot)
        log.info("delivery worker started", extra={"process_id": presence.id})
        loop = asyncio.get_running_loop()
        watched = 0.0
        while not until.is_set():
            if loop.time() - watched >= WATCH_EVERY:
                watched = loop.time()
                await leadership.watch()
                await leadership.duties()
            done = await sender.flush()
            sent += done
            if not done:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(until.wait(), IDLE_POLL)
        if leadership.leading:
            leadership.resign()
    log.info("delivery worker stopped", extra={"sent": sent})
    return sent
