"""One unit of work per update (db/unit_of_work.py): what the services do for an update commits in one transaction
(just before the bot speaks), its conversation state and inbox mark with what follows; a failing handler commits none
of its work (nor the notices it wrote, nor the cached profile it changed); inside a unit a failing block is undone
alone."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from telegram import Update
from telegram.ext import CommandHandler

import db.session as db_session
import tests.harness
from bot import CHAT
from db.database import Database
from db.models import AuditEntry, Enterprise, FormDraft, Lang, Notification, Role
from services.audit import AuditLog
from services.clock import ManualClock
from services.enterprises import Enterprises
from services.forms import Forms
from services.outbox import Notice
from services.users import Users
from tests.harness import BotHarness

FAIL = "/fail_after_writing"


def transactions(db: Database) -> list[list[str]]:
    """Record the statements of every committed transaction, per connection, from now on."""
    open_: dict[int, list[str]] = {}
    done: list[list[str]] = []

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def statement(connection, _cursor, sql, *_args) -> None:
        open_.setdefault(id(connection.connection.dbapi_connection), []).append(" ".join(sql.split()))

    @event.listens_for(db.engine.sync_engine, "commit")
    def commit(connection) -> None:
        done.append(open_.pop(id(connection.connection.dbapi_connection), []))

    return done


async def test_an_update_commits_its_work_in_one_transaction_before_the_bot_speaks(bot: BotHarness):
    """Submitting a demand (ticket, status history, the staff notice, the audit entry) goes in one transaction,
    committed just before the reply (so what the person reads is stored); the conversation state and the inbox mark
    in one more."""
    await bot.services.users.register(501, "王工")
    await bot.services.users.set_role(501, Role.ENTERPRISE)
    await bot.services.users.set_region(501, "330502")
    user = bot.user(501)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    user.send("湖州某制造有限公司")
    user.press("跳过", await user.expect("统一社会信用代码"))
    user.press("中小微", await user.expect("请选择企业类型"))
    await user.expect("联系人")
    user.send("李工")
    await user.expect("联系电话")
    user.send("13800000001")
    await user.expect("请描述")
    user.send("铝型材喷涂过程遇到氧化，皮膜厚度不均")
    user.press("完成", await user.expect("可以继续补充"))
    industry = await user.expect("行业")
    user.press(user.buttons(industry)[0]["text"], industry)
    user.press("一般", await user.expect("请选择紧急程度"))
    user.press("现场指导", await user.expect("请选择希望的服务方式"))
    card = await user.expect("请核对需求信息")
    await bot.wait_handled()
    done = transactions(bot.services.db)
    user.press("提交", card)
    await user.expect("已提交，编号")
    await bot.wait_handled()

    def writes(statements: list[str]) -> list[str]:
        return [
            s
            for s in statements
            if s.startswith(("INSERT", "UPDATE", "DELETE"))
            and not any(table in s for table in ("update_inbox", "bot_state", "send_budget"))
        ]

    own = [t for t in done if writes(t)]
    assert len(own) == 1, own
    assert any("demand_status_history" in s for s in writes(own[0])), own
    marked = [t for t in done if any(s.startswith("UPDATE update_inbox SET payload") for s in t)]
    assert len(marked) == 1 and any("bot_state" in s for s in marked[0]), marked


def wire_with_a_failing_handler(application) -> None:
    async def fail(update: Update, context) -> None:
        services = context.services
        await services.audit.record(update.effective_user.id, "test.half_done")
        await services.outbox.put([update.effective_user.id], "notice", "test:half", Notice("privacy.kept"))
        await services.users.set_lang(update.effective_user.id, Lang.ENGLISH, chosen=True)
        raise RuntimeError("the handler fails after writing")

    application.add_handler(CommandHandler(FAIL[1:], fail), group=-2)
    CHAT.wire(application)


async def test_a_failing_handler_commits_none_of_its_work(db_url: str, monkeypatch):
    monkeypatch.setattr(tests.harness, "CHAT", dataclasses.replace(CHAT, wire=wire_with_a_failing_handler))
    async with BotHarness(db_url) as bot:
        await bot.services.users.register(502, "王工")
        user = bot.user(502)
        user.send(FAIL)
        await user.expect("处理您的请求时出了问题")
        await bot.wait_handled()
        async with bot.services.db.session() as session:
            assert (
                await session.scalar(
                    select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "test.half_done")
                )
                == 0
            )
            assert (
                await session.scalar(
                    select(func.count()).select_from(Notification).where(Notification.dedupe_key == "test:half")
                )
                == 0
            )
        profile = await bot.services.users.get(502)
        assert profile.lang is not Lang.ENGLISH and not profile.lang_chosen, "the cached profile was rolled back too"
        assert await bot.application.transport.inbox.unfinished() == [], "the update is done all the same"


async def test_inside_a_unit_a_failing_block_is_undone_alone(db_url: str):
    db = Database(db_url)
    await db.migrate()
    audit = AuditLog(db, ManualClock())
    async with db.unit_of_work():
        await audit.record(None, "test.kept")
        try:
            async with db.session() as session:
                session.add(AuditEntry(action="test.undone", allowed=True, at=ManualClock().now()))
                await session.flush()
                raise ValueError("refused after writing")
        except ValueError:
            pass
        await audit.record(None, "test.kept_too")
    async with db.session() as session:
        actions = set((await session.scalars(select(AuditEntry.action))).all())
    await db.dispose()
    assert actions == {"test.kept", "test.kept_too"}


async def test_a_block_whose_connection_was_lost_passes_on_its_own_error(db_url: str):
    """The database went away in the middle of a block (PostgreSQL restarted under load): the block's own error
    goes on, so the person is told the system is recovering — undoing the block must not ask the invalidated
    connection anything (it raised PendingRollbackError, which read as a bug: "处理您的请求时出了问题")."""
    from db.database import lost_connection

    db = Database(db_url)
    await db.migrate()
    lost = ConnectionResetError("the server went away")
    with pytest.raises(ConnectionResetError) as raised:
        async with db.unit_of_work():
            await AuditLog(db, ManualClock()).record(None, "test.before")
            async with db.connection() as connection:
                await connection.invalidate()
                raise lost
    await db.dispose()
    assert raised.value is lost and lost_connection(raised.value)


async def _reads_setup(db_url: str) -> tuple[Database, Forms, Enterprises]:
    db = Database(db_url)
    await db.migrate()
    clock = ManualClock()
    await Users(db, clock).register(503, "王工")
    return db, Forms(db, clock), Enterprises(db, clock)


def _selects(db: Database, table: str) -> list[str]:
    seen: list[str] = []

    @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
    def statement(_connection, _cursor, sql, *_args) -> None:
        if sql.lstrip().upper().startswith("SELECT") and f"FROM {table}" in sql:
            seen.append(sql)

    return seen


async def test_a_step_reads_its_form_draft_and_profile_once_per_update(db_url: str):
    """Inside one unit the form draft and the enterprise profile are read once, however often a step asks, and a
    write by their own service leaves the new value to read (db/unit_of_work.py: recall/keep)."""
    db, forms, enterprises = await _reads_setup(db_url)
    async with db.unit_of_work():
        await forms.put(503, "report", {"n": 1})
        await enterprises.set_field(503, "name", "湖州某厂")
        drafts, profiles = _selects(db, "form_drafts"), _selects(db, "enterprises")
        for _ in range(3):
            assert (await forms.get(503, "report")).answers == {"n": 1}
            assert (await enterprises.of_user(503)).name == "湖州某厂"
        assert (await forms.change(503, "report", lambda answers: {**answers, "n": 2})).answers == {"n": 2}
        drafts.clear()
        assert (await forms.get(503, "report")).answers == {"n": 2}
    await db.dispose()
    assert drafts == [] and profiles == [], "read again inside one update"


async def test_a_kept_read_is_read_again_after_any_write_or_an_undone_block(db_url: str):
    """What a unit kept is forgotten at the first write of anyone in the unit (another service, a raw statement, a
    cascade) and when a block that wrote is undone: the next read goes to the database."""
    db, forms, enterprises = await _reads_setup(db_url)
    async with db.unit_of_work():
        await forms.put(503, "report", {"n": 1})
        await enterprises.set_field(503, "name", "湖州某厂")
        assert (await forms.get(503, "report")).answers == {"n": 1}
        assert (await enterprises.of_user(503)).name == "湖州某厂"
        async with db.session() as session:  # written past the services
            await session.execute(update(FormDraft).where(FormDraft.user_id == 503).values(answers={"n": 2}))
            await session.execute(update(Enterprise).values(name="湖州另一厂"))
        assert (await forms.get(503, "report")).answers == {"n": 2}
        assert (await enterprises.of_user(503)).name == "湖州另一厂"
        try:
            async with db.session() as session:
                await session.execute(update(FormDraft).where(FormDraft.user_id == 503).values(answers={"n": 3}))
                assert (await forms.get(503, "report")).answers == {"n": 3}  # kept inside the failing block
                raise ValueError("refused after writing")
        except ValueError:
            pass
        assert (await forms.get(503, "report")).answers == {"n": 2}, "the undone block's value was kept"
        draft = await forms.get(503, "report")
        draft.answers["n"] = 99  # a reader's copy is its own
        assert (await forms.get(503, "report")).answers == {"n": 2}
    await db.dispose()


async def test_postgresql_pings_a_pooled_connection_only_after_a_pause(db_url: str, monkeypatch):
    """An update checks a connection out two or three times; asyncpg's ping is three round trips, so a connection
    used a moment ago is not pinged (db/session.py). One idle past PING_IDLE is, and one the server dropped meanwhile
    is replaced before anyone uses it."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite's one inline connection is never pinged")
    pings: list[int] = []
    ping = AsyncAdapt_asyncpg_connection.ping
    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", lambda self: (pings.append(1), ping(self))[1])
    db = Database(db_url)
    for _ in range(3):
        async with db.unit_of_work(), db.connection() as connection:
            backend = await connection.scalar(text("SELECT pg_backend_pid()"))
    assert pings == [], "a connection used a moment ago was pinged"
    killer = Database(db_url)
    async with killer.connection() as connection:
        await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    await killer.dispose()
    monkeypatch.setattr(db_session, "PING_IDLE", 0.0)  # the pause, without waiting for it
    async with db.connection() as connection:
        assert await connection.scalar(text("SELECT pg_backend_pid()")) != backend
    await db.dispose()
    assert pings, "the idle connection was not pinged"
