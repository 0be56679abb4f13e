"""Log lines at INFO, the default LOG_LEVEL: a logging call whose ``extra`` names a LogRecord attribute (``process``,
``name``, ``message`` …) raises KeyError and takes its caller down with it (ruff's G101 finds them)."""

from __future__ import annotations

import asyncio
import logging

from config.settings import load_settings
from fakebotapi import FakeBotAPI
from fakebotapi.http import HttpServer
from runtime.presence import Presence
from runtime.worker import run_worker
from services.container import Services


async def test_a_delivery_worker_starts_and_takes_the_lead_with_info_logs(db_url: str, caplog):
    caplog.set_level(logging.INFO)
    async with HttpServer(FakeBotAPI()) as server:
        services = await Services.start(load_settings(database_url=db_url, bot_token=None, telegram_api_url=server.url))
        presence = Presence(services.db, services.outbox.owner)  # the transport's (runtime/transport.py)
        await presence.start()
        try:
            assert await presence.try_lead()  # on PostgreSQL: "this process leads"
            await presence.stop()  # and lets the lead go before the worker starts
            until = asyncio.Event()
            until.set()
            assert await run_worker(services, until) == 0  # "delivery worker started", then it stops at once
        finally:
            await services.close()
    started = [r for r in caplog.records if r.getMessage() == "delivery worker started"]
    assert len(started) == 1
    assert started[0].process_id == services.outbox.owner
    if services.db.dialect == "postgresql":
        lead = [r for r in caplog.records if r.getMessage() == "this process leads: it runs the scheduler"]
        assert [r.process_id for r in lead] == [services.outbox.owner]
