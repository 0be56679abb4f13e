"""bot.py as a separate process: against the fake Bot API over HTTP, killed and restarted, failing to start,
and the console chat of `make run`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from fakebotapi import DEFAULT_TOKEN, FakeBotAPI, FakeUser
from fakebotapi.http import HttpServer

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def bot_env(tmp_path: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS")}
    env.update(
        {
            "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        },
        **extra,
    )
    return env


async def start_bot(
    tmp_path: Path, url: str, database_url: str | None = None, *args: str, **extra: str
) -> asyncio.subprocess.Process:
    """bot.py (with ``args``) against the fake Bot API at ``url``, on ``database_url`` (default: SQLite in tmp)."""
    env = bot_env(tmp_path, database_url, BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=url, **extra)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        *args,
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def onboard(user: FakeUser, city: str, county: str) -> None:
    user.send("/start")
    user.press("同意", await user.expect("个人信息", timeout=30))
    user.press("职工", await user.expect("请选择您的身份"))
    await user.expect("省份")
    user.send(city)
    user.press(city, await user.expect("找到以下地区"))
    user.press(county, await user.expect("请继续选择"))
    await user.expect("设置完成")


async def test_bot_process_onboards_two_users_at_once(tmp_path: Path, db_url: str):
    api = FakeBotAPI()
    async with HttpServer(api) as server:
        process = await start_bot(tmp_path, server.url, db_url)
        try:
            first, second = FakeUser(api, 101, "甲"), FakeUser(api, 102, "乙")
            await asyncio.gather(onboard(first, "湖州市", "吴兴区"), onboard(second, "苏州市", "吴中区"))
            assert any("吴兴区" in text for text in first.texts())
            assert any("吴中区" in text for text in second.texts())
            assert not any("吴中区" in text for text in first.texts())
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0


async def test_kill_9_mid_onboarding_then_restart_continues_at_the_same_step(tmp_path: Path, db_url: str):
    api = FakeBotAPI()
    async with HttpServer(api) as server:
        process = await start_bot(tmp_path, server.url, db_url)
        user = FakeUser(api, 201, "丙")
        user.send("/start")
        user.press("同意", await user.expect("个人信息", timeout=30))
        role_question = await user.expect("请选择您的身份")
        user.send("好")  # answered only after the consent update was fully handled and persisted
        await user.expect("请点击上方消息中的按钮")
        process.kill()
        await process.wait()

        process = await start_bot(tmp_path, server.url, db_url)
        try:
            user.press("企业", user.current(role_question["message_id"]))
            await user.expect("省份", timeout=30)
            user.send("湖州")
            user.press("湖州市", await user.expect("找到以下地区"))
            user.press("安吉县", await user.expect("请继续选择"))
            done = await user.expect("设置完成")
            assert "企业" in done["text"] and "安吉县" in done["text"]
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)


async def run_to_end(tmp_path: Path, **env: str) -> tuple[int, list[str]]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        cwd=tmp_path,
        env=bot_env(tmp_path, **env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, [line for line in err.decode().splitlines() if line.strip()]


@pytest.mark.parametrize(
    "env, code, needle",
    [
        ({"TIMEZONE": "Mars/Olympus"}, 2, "TIMEZONE: unknown time zone 'Mars/Olympus'"),
        ({"ADMIN_IDS": "12,abc"}, 2, "ADMIN_IDS: must be Telegram user ids"),
        ({"BOT_TOKEN": "not-a-token"}, 2, "BOT_TOKEN: does not look like a bot token"),
        ({"DATABASE_URL": "postgresql://zhuqi@127.0.0.1:1/zhuqi"}, 3, "cannot reach the database at postgresql"),
        ({"DATABASE_URL": "sqlite:////proc/zhuqi/bot.sqlite3"}, 3, "cannot use the database at sqlite"),
    ],
)
async def test_bad_configuration_ends_the_start_with_one_clear_line(tmp_path: Path, env, code, needle):
    returncode, lines = await run_to_end(tmp_path, **env)
    assert returncode == code
    assert len(lines) == 1 and needle in lines[0], lines


async def test_a_token_telegram_rejects_ends_the_start_with_one_clear_line(tmp_path: Path):
    api = FakeBotAPI()  # knows only DEFAULT_TOKEN
    async with HttpServer(api) as server:
        returncode, lines = await run_to_end(
            tmp_path, BOT_TOKEN="987654321:AAThisTokenIsWellFormedButUnknown_xyz", TELEGRAM_API_URL=server.url
        )
    assert returncode == 4
    assert len(lines) == 1 and "BOT_TOKEN was rejected by Telegram" in lines[0], lines


async def test_make_run_without_a_token_opens_the_console_chat(tmp_path: Path):
    env = bot_env(tmp_path)
    env["VENV"] = str(Path(sys.executable).parent.parent)  # the environment this test runs in
    process = await asyncio.create_subprocess_exec(
        "make",
        "-s",
        "-C",
        str(ROOT),
        "run",
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    seen: list[str] = []

    async def read_until(needle: str) -> None:
        while not any(needle in line for line in seen):
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            assert line, f"console ended before {needle!r}: {seen}"
            seen.append(line.decode())

    async def say(text: str) -> None:
        process.stdin.write(f"{text}\n".encode())
        await process.stdin.drain()

    try:
        await read_until("输入 /start")
        await say(":as 林小雨")  # someone new, beside the demo cast who are registered already
        await read_until("林小雨> ")
        await say("/start")
        await read_until("✅ 同意")
        await say("1")
        await read_until("🏭 企业")
        await say("2")  # 职工
        await read_until("请选择您所在的省份")
        await say(":sticker")
        await read_until("这一步需要文字回复")
        await say("湖州")
        await read_until("浙江省 湖州市")
        await say("1")
        await read_until("就选湖州市")
        await say("1")  # 吴兴区
        await read_until("设置完成")
        await read_until("浙江省 湖州市 吴兴区")
        await say(":quit")
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
