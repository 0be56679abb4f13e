"""The production topology as separate processes: webhook mode (secret token, health, graceful stop) and
delivery workers on PostgreSQL (no row sent twice, the scheduler's lead taken over when its holder dies)."""

from __future__ import annotations

import asyncio
import signal
import socket

import aiohttp
import asyncpg
import pytest
from sqlalchemy import func, select

from config.settings import load_settings
from db.models import Notification, OutboxStatus
from fakebotapi import FakeBotAPI, FakeUser
from fakebotapi.http import HttpServer
from runtime.presence import LEADER
from services.container import Services
from services.outbox import Notice
from tests.test_processes import start_bot

pytestmark = pytest.mark.slow
SECRET = "test-secret-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def wait_for(predicate, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.05)


async def test_webhook_checks_the_secret_answers_health_and_finishes_updates_on_sigterm(tmp_path, db_url: str):
    api = FakeBotAPI()
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram"
    async with HttpServer(api) as server, aiohttp.ClientSession() as http:
        process = await start_bot(
            tmp_path, server.url, db_url, "--webhook", hook, WEBHOOK_PORT=str(port), WEBHOOK_SECRET=SECRET
        )
        try:
            await wait_for(lambda: api.webhook is not None)
            assert api.webhook == {"url": hook, "secret_token": SECRET}
            user = FakeUser(api, 801, "甲")
            user.send("/start")  # Telegram pushes it to the webhook
            consent = await user.expect("个人信息", timeout=30)
            async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                health = await response.json()
                assert response.status == 200 and health["database"] == "ok" and health["received"] >= 1
            forged = {
                "update_id": 99,
                "message": {
                    "message_id": 1,
                    "date": 0,
                    "text": "/start",
                    "chat": {"id": 802, "type": "private"},
                    "from": {"id": 802, "is_bot": False, "first_name": "x"},
                },
            }
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong-secret-0000000000"}):
                async with http.post(hook, json=forged, headers=headers) as response:
                    assert response.status == 403
            assert not api.log_for(802), "a request without the secret reached no handler"

            user.press("同意", consent)
            await user.expect("请选择您的身份")
            user.send("好")  # in flight when SIGTERM arrives: it is answered before the process exits
            await wait_for(lambda: not api.world.updates)  # handed over to the bot
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0
            await user.expect("请点击上方消息中的按钮")
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()

        process = await start_bot(
            tmp_path, server.url, db_url, "--webhook", hook, WEBHOOK_PORT=str(port), WEBHOOK_SECRET=SECRET
        )
        try:  # the conversation state was flushed: the role question's buttons still work
            role = [e["message"] for e in user.events() if "请选择您的身份" in (e["message"].get("text") or "")][-1]
            user.press("企业", role)
            await user.expect("省份", timeout=30)
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0


async def leaders(pg_server) -> bool:
    """Exactly one process holds the lead (runtime/presence.py's advisory lock)."""
    conn = await asyncpg.connect(host="127.0.0.1", port=pg_server.port, user="postgres", database="postgres")
    try:
        held = await conn.fetchval(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted", LEADER
        )
    finally:
        await conn.close()
    assert held <= 1, "two leaders"
    return held == 1


async def wait_until_async(predicate, timeout: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.2)


@pytest.mark.postgres
async def test_workers_share_the_outbox_without_doubles_and_take_over_the_lead(tmp_path, pg_server):
    db_url = await pg_server.create_database("t_workers")
    api = FakeBotAPI()
    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    users = list(range(900_000, 900_600))
    for uid in users:
        api.add_user(uid, f"用户{uid}")
    await services.outbox.put(users, "notice", "topology:test", Notice("privacy.kept"))
    await services.close()
    async with HttpServer(api) as server:
        env = {"DELIVERY_RATE": "400", "DELIVERY_BURST": "40"}
        workers = [await start_bot(tmp_path, server.url, db_url, "--worker", **env)]
        await wait_until_async(lambda: leaders(pg_server), 60)  # the first worker takes the lead
        workers += [await start_bot(tmp_path, server.url, db_url, "--worker", **env) for _ in range(2)]
        try:
            await wait_for(lambda: sum(len(api.log_for(uid)) for uid in users) >= 50, 60)
            workers[0].kill()  # kill -9 the leader mid-run: its claimed rows go to the others, and so does the lead
            await workers[0].wait()
            await wait_for(lambda: all(api.log_for(uid) for uid in users), 90)
            await wait_until_async(lambda: leaders(pg_server), 30)
        finally:
            for process in workers[1:]:
                process.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(process.wait(), 30) == 0
    counts = [len(api.log_for(uid)) for uid in users]
    assert min(counts) == 1, "nobody was left out"
    doubled = sum(c > 1 for c in counts)
    assert doubled <= 200, "at most the killed worker's claimed batch (rate/2 rows) can be sent twice"
    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    try:
        async with services.db.session() as session:
            left = await session.scalar(
                select(func.count()).select_from(Notification).where(Notification.status != OutboxStatus.SENT)
            )
        assert left == 0
    finally:
        await services.close()
