"""/delete_me leaves nothing of the person behind (issue 18, part 4): not in the notices already sent to others (the
staff's new-demand notice, the 揭榜 confirmation with the contact and phone), not in the audit log (their Telegram
id becomes a pseudonym, so the counts stay), and not in the SQLite files (secure_delete, and the WAL checkpointed
after an erasure). On SQLite the raw bytes of the database, its -wal and its -shm are searched; on PostgreSQL the
same rows are searched through SQL — a deleted row stays in PostgreSQL's files until VACUUM reuses the space, which
no query can see (and backups keep what they kept), so a byte search there would prove nothing either way."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from db.models import AuditEntry, Base, DemandStatusHistory, Match, Notification
from tests.harness import BotHarness
from tests.test_onboarding import onboard
from tests.test_report import describe_to_summary, report_up_to_code, staffer
from tests.test_service_flow import craftsman

PERSON = 5550173
NAME = "禤翀骁"
HANDLE = "xuan_q7731"
PHONE = "13957294613"
TEXT = "数控车床加工精度不稳定，零件尺寸超差，主轴啸叫，需要调试，图号XQ7731"
SECRETS = (NAME, HANDLE, PHONE, TEXT, "XQ7731", TEXT[:20])


def forms(secret: str) -> list[bytes]:
    """How a string can sit in the database's bytes: as UTF-8 text, or inside JSON with \\u escapes."""
    return list(dict.fromkeys([secret.encode(), json.dumps(secret)[1:-1].encode()]))


def sqlite_files(bot: BotHarness) -> list[Path]:
    main = Path(make_url(bot.settings.database_url).database)
    return [p for p in (main, Path(f"{main}-wal"), Path(f"{main}-shm")) if p.exists()]


async def rows_mentioning(bot: BotHarness) -> list[tuple[str, str]]:
    """(table, secret) for every row of every table whose text holds one of the secrets."""
    found = []
    async with bot.services.db.session() as session:
        for table in Base.metadata.sorted_tables:
            if bot.services.db.dialect == "postgresql":
                query = text(f'SELECT row_to_json(t)::text FROM "{table.name}" t')
                rows = [r[0] for r in (await session.execute(query)).all()]
            else:
                rows = [repr(tuple(r)) for r in (await session.execute(select(table))).all()]
            for row in rows:
                found += [(table.name, s) for s in SECRETS if any(f.decode() in row for f in forms(s))]
    return found


async def file_bytes_mentioning(bot: BotHarness) -> list[tuple[str, str]]:
    found = []
    for path in sqlite_files(bot):
        data = path.read_bytes()
        found += [(path.name, s) for s in SECRETS if any(f in data for f in forms(s))]
    return found


async def file_the_demand(company) -> str:
    company.press(
        "专精特新", await report_up_to_code(company, "湖州某机械有限公司", "91330100799655058B", "请选择企业类型")
    )
    company.press("📨 提交", await describe_to_summary(company, NAME, PHONE, TEXT))
    done = await company.expect("已提交，编号")
    return re.search(r"ZQ-\d{4}-\d{6}", done["text"]).group(0)


async def test_delete_me_leaves_no_name_phone_or_text_in_notices_audit_or_database_files(bot: BotHarness):
    staff = await staffer(bot)
    volunteer = await craftsman(bot, 601, "吴师傅", "330502", ["数控机床调试", "精密加工"], ["34"])
    company = bot.user(PERSON, NAME, username=HANDLE)
    await onboard(company, "企业")
    ticket = await file_the_demand(company)
    submitted = await staff.expect("新需求 " + ticket)
    assert TEXT[:20] in submitted["text"], "the staff's notice carries the demand's text"

    volunteer.send("/board")
    volunteer.press(f"🙋 揭榜 {ticket}", await volunteer.expect(ticket))
    staff.press("✅ 确认揭榜", await staff.expect("揭榜需求 " + ticket))
    confirmed = await volunteer.expect("工会已确认您揭榜需求 " + ticket)
    assert NAME in confirmed["text"] and PHONE in confirmed["text"]
    await company.expect("已接受您的需求")
    company.send("/queue")  # a refusal: an audit row with the person as actor
    await company.expect("只有")
    await bot.wait_handled()
    await bot.tick()
    async with bot.services.db.session() as session:
        audited = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.actor_user_id == PERSON)
        )
    assert audited >= 1
    assert {s for _table, s in await rows_mentioning(bot)} == set(SECRETS), "the secrets are there before"
    if bot.services.db.dialect == "sqlite":
        assert {s for _file, s in await file_bytes_mentioning(bot)} == set(SECRETS), "and in the files"

    bot.clock.advance(120)  # past the flood guard's window: the person has sent many updates in this test
    company.send("/delete_me")
    company.press("确认删除", await company.expect("确定要删除"))
    await company.expect("个人信息已删除")
    await bot.wait_handled()

    assert await rows_mentioning(bot) == []
    if bot.services.db.dialect == "sqlite":
        assert await file_bytes_mentioning(bot) == []
    async with bot.services.db.session() as session:
        assert not (await session.scalars(select(AuditEntry).where(AuditEntry.actor_user_id == PERSON))).all()
        assert not (await session.scalars(select(AuditEntry).where(AuditEntry.target.contains(str(PERSON))))).all()
        pseudonyms = (
            await session.execute(
                select(AuditEntry.actor_user_id, func.count())
                .where(AuditEntry.actor_user_id < 0)
                .group_by(AuditEntry.actor_user_id)
            )
        ).all()
        assert [count for _pseudonym, count in pseudonyms] == [audited], "the person's entries, under one pseudonym"
        assert not (await session.scalars(select(Notification).where(Notification.chat_id == PERSON))).all()
        assert not (await session.scalars(select(Match).where(Match.proposed_by == PERSON))).all()
        assert not (
            await session.scalars(select(DemandStatusHistory).where(DemandStatusHistory.actor_user_id == PERSON))
        ).all()
    staff.send("/audit")
    log = await staff.expect("操作日志")
    assert str(PERSON) not in log["text"] and "已删除的用户 #" in log["text"]
