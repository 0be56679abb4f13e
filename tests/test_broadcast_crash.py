"""The acceptance test of crash recovery: bot.py (a separate process, over HTTP to the fake Bot API) is killed
with SIGKILL in the middle of a 2,000-recipient broadcast and started again. Every recipient ends with exactly
one message, except those whose message was in flight at the kill — and the report names exactly those."""

from __future__ import annotations

import asyncio
import re
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from config.settings import load_settings
from db.models import Notification, Role, User
from fakebotapi import DEFAULT_TOKEN, FakeBotAPI, FakeUser
from fakebotapi.http import HttpServer
from services.container import Services
from tests.test_processes import ROOT, bot_env

pytestmark = pytest.mark.slow
RECIPIENTS = 2000
FIRST, STAFFER = 500_000, 81
TEXT = "职工夜校报名通知"
RATE = "200"  # messages/s: the broadcast takes about 10 s, long enough to be killed in the middle


async def start_bot(tmp_path: Path, url: str, db_url: str) -> asyncio.subprocess.Process:
    env = bot_env(
        tmp_path, db_url, BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=url, DELIVERY_RATE=RATE, DELIVERY_BURST="20"
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=tmp_path,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def populate(db_url: str, api: FakeBotAPI) -> None:
    """2,000 workers in 苏州市 and one staffer, written straight into the bot's database (and known to Telegram)."""
    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    now = datetime.now(UTC)
    rows = [
        {
            "id": FIRST + i,
            "first_name": f"职工{i}",
            "role": Role.WORKER,
            "region_code": "320505",
            "quiet_start_minute": 0,
            "quiet_end_minute": 0,
            "consent_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(RECIPIENTS)
    ]
    rows.append({**rows[0], "id": STAFFER, "first_name": "小李", "role": Role.STAFF})
    async with services.db.session() as session:
        await session.execute(insert(User), rows)
    await services.close()
    for row in rows:
        api.add_user(row["id"], row["first_name"])


def received(api: FakeBotAPI) -> dict[int, int]:
    counts = {}
    for chat_id in range(FIRST, FIRST + RECIPIENTS):
        counts[chat_id] = sum(TEXT in (e["message"].get("text") or "") for e in api.world.chat_log.get(chat_id, []))
    return counts


async def test_killed_mid_broadcast_every_recipient_ends_with_one_message_except_the_named_window(
    tmp_path: Path, db_url: str
):
    api = FakeBotAPI()
    await populate(db_url, api)
    async with HttpServer(api) as server:
        process = await start_bot(tmp_path, server.url, db_url)
        staff = FakeUser(api, STAFFER, "小李")
        staff.send("/broadcast")
        staff.press("按身份", await staff.expect("符合条件的共", timeout=30))
        staff.press("职工", await staff.expect("请选择身份"))
        await staff.wait_until(lambda: "✅ 职工" in str(staff.keyboard_message()["reply_markup"]))
        staff.press("完成")
        staff.press("下一步", await staff.expect("共 2,000 人"))
        await staff.expect("请发送要群发的内容")
        staff.send(TEXT)
        staff.press("发送", await staff.expect("将发送给 2,000 人"))
        async with api.notifier.condition:  # let about a quarter go out, then kill the bot
            await asyncio.wait_for(
                api.notifier.condition.wait_for(
                    lambda: sum(1 for c in range(FIRST, FIRST + RECIPIENTS) if api.world.chat_log.get(c)) >= 500
                ),
                60,
            )
        process.kill()
        await process.wait()
        before = sum(1 for n in received(api).values() if n)
        assert 500 <= before < RECIPIENTS

        process = await start_bot(tmp_path, server.url, db_url)
        try:
            report = await staff.expect("群发 #1 完成", timeout=90)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)

    counts = received(api)
    assert min(counts.values()) == 1, "nobody is left out"
    twice = {chat_id for chat_id, n in counts.items() if n > 1}
    assert max(counts.values()) <= 2
    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    try:
        async with services.db.session() as session:
            interrupted = set(
                (
                    await session.scalars(
                        select(Notification.chat_id).where(
                            Notification.broadcast_id == 1, Notification.interrupted.is_(True)
                        )
                    )
                ).all()
            )
    finally:
        await services.close()
    assert twice <= interrupted, "only a message in flight at the kill may have arrived twice"
    assert len(interrupted) <= 100, "the in-flight window is one batch (half a second of sending)"
    match = re.search(r"可能收到两次的 (\d+) 人：([\d、]+)", report["text"])
    if interrupted:
        assert match and int(match[1]) == len(interrupted)
        assert {int(x) for x in match[2].split("、")} == interrupted
    assert "对象：2,000 人" in report["text"] and "送达：2,000" in report["text"]
