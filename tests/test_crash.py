"""Crash and fault tests of bot.py as a separate process, over HTTP to the fake Bot API: kill -9 in the middle of a
batch import and of a reminder run (SQLite and PostgreSQL), PostgreSQL restarted under load, and connections that
Telegram's side drops. After each: nothing lost, nothing doubled beyond the documented in-flight window, the bot
answering again."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from config.settings import load_settings
from db.models import (
    Course,
    CourseSession,
    Craftsman,
    Demand,
    DemandStatus,
    EventStatus,
    Notification,
    Role,
    Subscription,
    SubscriptionKind,
    User,
)
from fakebotapi import DEFAULT_TOKEN, FakeBotAPI, FakeUser
from fakebotapi.http import HttpServer
from services.container import Services
from services.importing import CRAFTSMAN_COLUMNS
from tests.pg import PgServer
from tests.test_processes import ROOT, bot_env
from tests.test_talent import xlsx

pytestmark = pytest.mark.slow
STAFFER, FIRST = 81, 600_000


async def start_bot(tmp_path: Path, url: str, db_url: str, **extra: str) -> asyncio.subprocess.Process:
    env = bot_env(tmp_path, db_url, BOT_TOKEN=DEFAULT_TOKEN, TELEGRAM_API_URL=url, **extra)
    log = open(tmp_path / "bot.log", "ab")  # noqa: SIM115 - the child keeps it; read it when a test fails
    try:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "bot.py"),
            cwd=tmp_path,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
    finally:
        log.close()


async def stop_bot(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(process.wait(), 30) == 0


async def kill_bot(process: asyncio.subprocess.Process) -> None:
    process.kill()
    await process.wait()


async def add_people(db_url: str, api: FakeBotAPI, people: list[tuple[int, str, Role, str]], write: Any = None) -> None:
    """Registered users written straight into the bot's database (and known to Telegram); ``write(session, now)``
    adds more rows in the same go."""
    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    now = datetime.now(UTC)
    rows = [
        {
            "id": uid,
            "first_name": name,
            "role": role,
            "region_code": region,
            "quiet_start_minute": 0,
            "quiet_end_minute": 0,
            "consent_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for uid, name, role, region in people
    ]
    try:
        async with services.db.session() as session:
            await session.execute(insert(User), rows)
            if write is not None:
                await write(session, now)
    finally:
        await services.close()
    for uid, name, _role, _region in people:
        api.add_user(uid, name)


async def scalar(db_url: str, query: Any) -> Any:
    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    try:
        async with services.db.session() as session:
            return await session.scalar(query)
    finally:
        await services.close()


async def wait_for(api: FakeBotAPI, predicate: Any, timeout: float) -> None:
    async with api.notifier.condition:
        await asyncio.wait_for(api.notifier.condition.wait_for(predicate), timeout)


# ---------------------------------------------------------------------------------------------- kill -9 mid-import
IMPORT_ROWS = 1500


async def test_killed_mid_import_the_file_is_imported_once_after_restart(tmp_path: Path, db_url: str):
    api = FakeBotAPI()
    await add_people(db_url, api, [(STAFFER, "小李", Role.STAFF, "330502")])
    rows = [
        (
            f"师傅{i}",
            f"湖州某机械有限公司{i}",
            f"139{i:08d}",
            "省级工匠",
            "数控机床调试；热处理工艺",
            "C34",
            "330502",
            "",
            "3",
            "现场指导",
        )
        for i in range(IMPORT_ROWS)
    ]
    async with HttpServer(api) as server:
        process = await start_bot(tmp_path, server.url, db_url)
        staff = FakeUser(api, STAFFER, "小李")
        staff.send("/import")
        await staff.expect("请发送要导入的", timeout=30)
        staff.send_document(xlsx(CRAFTSMAN_COLUMNS, rows), "craftsmen.xlsx")
        await api.wait_called("getFile")  # the bot has taken the file and is importing it (seconds for 1,500 rows)
        await kill_bot(process)
        assert not any("导入劳模工匠完成" in text for text in staff.texts()), "killed before the import ended"

        process = await start_bot(tmp_path, server.url, db_url)  # the file's update is handled again
        try:
            done = await staff.expect("导入劳模工匠完成", timeout=120)
        finally:
            await stop_bot(process)
    added, updated = (
        int(n.replace(",", "")) for n in re.search(r"新增 ([\d,]+) 条，更新 ([\d,]+) 条", done["text"]).groups()
    )
    assert added + updated == IMPORT_ROWS
    assert await scalar(db_url, select(func.count()).select_from(Craftsman)) == IMPORT_ROWS, "no row lost or doubled"
    assert await scalar(db_url, select(func.count(Craftsman.phone.distinct()))) == IMPORT_ROWS
    assert sum("导入劳模工匠完成" in text for text in staff.texts()) == 1


# ---------------------------------------------------------------------------------- kill -9 mid-reminder run
SUBSCRIBERS, COURSE = 1000, "数控车床职工夜校"


async def test_killed_mid_reminder_run_every_subscriber_is_reminded_once_except_the_window(tmp_path: Path, db_url: str):
    api = FakeBotAPI()
    workers = [(FIRST + i, f"职工{i}", Role.WORKER, "320505") for i in range(SUBSCRIBERS)]

    async def course(session: Any, now: datetime) -> None:  # a session whose reminder falls due seconds from now
        course_id = await session.scalar(
            insert(Course)
            .values(
                name=COURSE,
                teacher="周老师",
                place="苏州市职工服务中心",
                region_code="320505",
                remind_minutes=60,
                status=EventStatus.PUBLISHED,
                published_at=now - timedelta(days=1),
                created_at=now,
                updated_at=now,
            )
            .returning(Course.id)
        )
        starts = now + timedelta(minutes=60, seconds=6)
        await session.execute(
            insert(CourseSession).values(course_id=course_id, starts_at=starts, ends_at=starts + timedelta(hours=2))
        )
        await session.execute(
            insert(Subscription),
            [
                {"user_id": uid, "course_id": course_id, "kind": SubscriptionKind.ENROLLED, "created_at": now}
                for uid, *_ in workers
            ],
        )

    await add_people(db_url, api, workers, course)
    chats = range(FIRST, FIRST + SUBSCRIBERS)
    reminded = lambda: sum(1 for c in chats if api.world.chat_log.get(c))  # noqa: E731
    async with HttpServer(api) as server:
        process = await start_bot(tmp_path, server.url, db_url, DELIVERY_RATE="200", DELIVERY_BURST="20")
        await wait_for(api, lambda: reminded() >= 300, 60)
        await kill_bot(process)
        assert 300 <= reminded() < SUBSCRIBERS, "killed in the middle of the run"

        process = await start_bot(tmp_path, server.url, db_url, DELIVERY_RATE="200", DELIVERY_BURST="20")
        try:
            await wait_for(api, lambda: reminded() == SUBSCRIBERS, 60)
        finally:
            await stop_bot(process)
    counts = {c: sum(COURSE in (e["message"].get("text") or "") for e in api.world.chat_log.get(c, [])) for c in chats}
    assert min(counts.values()) == 1, "nobody is left out"
    assert max(counts.values()) <= 2
    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    try:
        async with services.db.session() as session:
            interrupted = set(
                (
                    await session.scalars(
                        select(Notification.chat_id).where(
                            Notification.kind == "reminder", Notification.interrupted.is_(True)
                        )
                    )
                ).all()
            )
            rows = await session.scalar(
                select(func.count()).select_from(Notification).where(Notification.kind == "reminder")
            )
    finally:
        await services.close()
    assert rows == SUBSCRIBERS, "the reminder was written once, not again at the restart"
    assert {c for c, n in counts.items() if n == 2} <= interrupted, (
        "only a reminder in flight at the kill may come twice"
    )
    assert len(interrupted) <= 100, "the in-flight window is one batch (half a second of sending)"


# ------------------------------------------------------------------------ the database restarted under load
ENTERPRISES = 12
TEXT = "数控机床加工精度不稳定，主轴发热严重"


class PressLost(Exception):
    """A press the outage cut off after its keyboard was taken away: the person starts /report again."""


async def answered(user: FakeUser, act: Any, needle: str | tuple[str, ...]) -> dict:
    """Do ``act`` until the bot answers with ``needle`` (or one of several); while the database is away the bot asks
    to send again."""
    needles = (needle,) if isinstance(needle, str) else needle
    for _ in range(30):
        try:
            act()
        except AssertionError as exc:  # the button to press again is gone
            raise PressLost from exc
        message = await user.expect((*needles, "系统正在恢复"), timeout=60)
        if any(n in message["text"] for n in needles):
            return message
        await asyncio.sleep(1)  # a person waits a moment before sending it again, as the bot asks
    raise AssertionError(f"no {needle!r}")


async def report_once(user: FakeUser, n: int) -> None:
    kind = await answered(user, lambda: user.send("/report"), ("请选择需求类型", "重新开始"))
    if "重新开始" in str(kind.get("reply_markup")):  # the draft of a flow the outage cut off
        kind = await answered(user, lambda: user.press("重新开始", user.current(kind["message_id"])), "请选择需求类型")
    await answered(user, lambda: user.press("技术难题", user.current(kind["message_id"])), "企业名称")
    code = await answered(user, lambda: user.send(f"湖州某制造有限公司{n}"), "统一社会信用代码")
    ent = await answered(user, lambda: user.press("跳过", user.current(code["message_id"])), "请选择企业类型")
    await answered(user, lambda: user.press("中小微", user.current(ent["message_id"])), "联系人")
    await answered(user, lambda: user.send("李工"), "联系电话")
    await answered(user, lambda: user.send(f"138{n:08d}"), "请描述")
    noted = await answered(user, lambda: user.send(TEXT), "可以继续补充")
    industry = await answered(user, lambda: user.press("完成", user.current(noted["message_id"])), "行业")
    first = user.buttons(industry)[0]["text"]
    urgency = await answered(user, lambda: user.press(first, user.current(industry["message_id"])), "请选择紧急程度")
    mode = await answered(user, lambda: user.press("一般", user.current(urgency["message_id"])), "请选择希望的服务方式")
    card = await answered(user, lambda: user.press("现场指导", user.current(mode["message_id"])), "请核对需求信息")
    await answered(user, lambda: user.press("提交", user.current(card["message_id"])), "已提交，编号")


async def report(user: FakeUser, n: int) -> None:
    for _ in range(5):
        try:
            return await report_once(user, n)
        except PressLost:
            continue
    raise AssertionError(f"enterprise {n} could not file its demand")


async def test_postgresql_restarted_under_load_the_bot_answers_again_and_files_each_demand_once(tmp_path: Path):
    if "postgresql" not in os.environ.get("ZHUQI_TEST_DATABASES", "sqlite,postgresql").split(","):
        pytest.skip("PostgreSQL is not among the test databases")
    pg = PgServer().start()  # a server of its own: this test stops it
    try:
        url = await pg.create_database("restart")
        api = FakeBotAPI()
        await add_people(url, api, [(FIRST + n, f"企业{n}", Role.ENTERPRISE, "330502") for n in range(ENTERPRISES)])
        users = [FakeUser(api, FIRST + n, f"企业{n}") for n in range(ENTERPRISES)]
        async with HttpServer(api) as server:
            process = await start_bot(tmp_path, server.url, url)
            try:
                flows = [asyncio.create_task(report(user, n)) for n, user in enumerate(users)]
                await wait_for(api, lambda: sum(bool(u.texts()) for u in users) == ENTERPRISES, 60)  # all under way
                await asyncio.to_thread(pg.halt)
                late = FakeUser(api, FIRST + ENTERPRISES, "晚到的人")  # writes while the database is down
                late.send("/start")
                await asyncio.sleep(3)  # the outage lasts three seconds
                await asyncio.to_thread(pg.resume)
                await asyncio.wait_for(asyncio.gather(*flows), 240)
                await late.expect("个人信息", timeout=60)  # taken after the outage, not lost
                assert process.returncode is None, "the bot lived through the outage"
            finally:
                await stop_bot(process)
        filed = await scalar(url, select(func.count()).select_from(Demand).where(Demand.status != DemandStatus.DRAFT))
        owners = await scalar(
            url, select(func.count(Demand.user_id.distinct())).where(Demand.status != DemandStatus.DRAFT)
        )
        assert filed == owners == ENTERPRISES, "each enterprise's demand filed exactly once"
    finally:
        pg.stop()


# ------------------------------------------------------------------------- Telegram's side drops connections
async def test_dropped_connections_lose_and_double_nothing(tmp_path: Path, db_url: str):
    api = FakeBotAPI()
    await add_people(db_url, api, [(STAFFER, "小李", Role.STAFF, "330502")])
    async with HttpServer(api) as server:
        process = await start_bot(tmp_path, server.url, db_url)
        try:
            user = FakeUser(api, 301, "丁")
            user.send("/start")
            consent = await user.expect("个人信息", timeout=30)
            api.inject("getUpdates", drop=True, count=3)  # polling: the connection breaks three times
            api.inject("sendMessage", drop=True, count=2, chat_id=301)  # and the next two answers to the user
            api.inject("answerCallbackQuery", drop=True, count=1)
            user.press("同意", consent)
            role = await user.expect("请选择您的身份", timeout=60)
            user.press("职工", role)
            await user.expect("省份", timeout=60)
            user.send("/help")
            await user.expect("/settings", timeout=60)
        finally:
            await stop_bot(process)
    texts = [e["message"].get("text") or "" for e in user.events() if e["type"] == "message"]  # edits aside
    assert sum("请选择您的身份" in t for t in texts) == 1 and sum("省份" in t for t in texts) == 1, "nothing doubled"
    assert not api.world.faults, "every injected fault was met"
