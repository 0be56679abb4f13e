"""Roles and refusals end to end: admins grant and revoke staff, staff list staff and read the audit log, and
every staff command is refused to a non-staff user, with the refusal logged."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from conversations.menu import COMMANDS, STAFF
from db.models import AuditEntry, Role
from tests.harness import BotHarness
from tests.test_events_e2e import worker

ADMIN = 77


def chat_menu(bot: BotHarness, user_id: int) -> list[str]:
    key = json.dumps({"chat_id": user_id, "type": "chat"}, sort_keys=True) + "|"
    return [c["command"] for c in bot.api.world.commands.get(key, [])]


async def refusals(bot: BotHarness) -> list[tuple[int, str]]:
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(AuditEntry.actor_user_id, AuditEntry.action).where(AuditEntry.allowed.is_(False))
        )
        return list(rows.all())


async def test_admin_grants_and_revokes_staff_and_staff_read_the_audit_log(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, first_name="管理员")
        await worker(bot, 81, "320505", "小李")
        await bot.services.users.register(81, "小李", username="xiaoli")
        staffer = bot.user(81, "小李", username="xiaoli")  # the handle Telegram shows in each of 小李's updates
        await bot.services.users.set_role(81, Role.WORKER)

        staffer.send("/grant 81")  # not an admin: refused and logged
        await staffer.expect("只有管理员可以")
        admin.send("/grant")
        await admin.expect("请指明是谁")
        original = staffer.send("您好，我是苏州市总工会的小李")
        forwarded = admin.forward(original)
        admin.send("/grant", reply_to=forwarded)
        admin.press("确认", await admin.expect("确认修改身份"))
        await admin.expect("已将 小李 设为工会工作人员")
        await staffer.expect("您已被设为工会工作人员")
        assert (await bot.services.users.get(81)).role is Role.STAFF
        assert {"review", "import", "staff", "audit"} <= set(chat_menu(bot, 81))
        assert "grant" not in chat_menu(bot, 81)
        admin.send("/grant @xiaoli")
        await admin.expect("无需修改")

        staffer.send("/staff")
        listing = await staffer.expect("共 2 人")
        assert "@xiaoli" in listing["text"] and "苏州市" in listing["text"]
        staffer.send("/audit")
        log = await staffer.expect("操作日志")
        assert "staff.grant user:81" in log["text"] and "⛔" in log["text"]
        staffer.send("/audit @xiaoli")
        mine = await staffer.expect("操作日志")
        assert "staff.grant" in mine["text"] and "user 77" not in mine["text"]

        admin.send(f"/revoke {ADMIN}")
        await admin.expect("是管理员")
        admin.send("/revoke @XiaoLi")
        admin.press("确认", await admin.expect("确认修改身份"))
        await admin.expect("已取消 小李 的工会工作人员身份")
        await staffer.expect("工会工作人员身份已取消")
        assert (await bot.services.users.get(81)).role is Role.WORKER and chat_menu(bot, 81) == []
        admin.send("/revoke @nobody")
        await admin.expect("找不到这个用户")
        assert (81, "staff.grant") in await refusals(bot)


STAFF_COMMANDS = [c.name for c in COMMANDS if c.roles & STAFF and Role.WORKER not in c.roles]


@pytest.mark.parametrize("command", STAFF_COMMANDS)
async def test_every_staff_command_is_refused_to_a_worker_and_logged(bot: BotHarness, command: str):
    user = await worker(bot, 91, "330502")
    user.send(f"/{command}")
    await user.expect("只有")
    await bot.wait_handled()
    assert [action for actor, action in await refusals(bot) if actor == 91], command


def test_the_staff_command_list_is_complete():
    assert set(STAFF_COMMANDS) == {
        "queue",
        "match_all",
        "review",
        "newteam",
        "new_competition",
        "new_course",
        "import",
        "template",
        "broadcast",
        "broadcast_cancel",
        "stats",
        "export",
        "staff",
        "audit",
        "grant",
        "revoke",
        "staff_region",
    }


async def test_a_name_given_to_grant_is_explained_not_taken_for_an_unregistered_user(db_url: str):
    """/grant 刘洋 said "找不到这个用户：对方需要先在机器人里完成注册" of a registered user: a person's name is no
    Telegram handle, and the answer says what to give instead."""
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, first_name="管理员")
        await worker(bot, 82, "320505", "刘洋")
        admin.send("/grant 刘洋")
        told = await admin.expect("刘洋")
        assert "完成注册" not in told["text"] and "@用户名" in told["text"]
        assert (await bot.services.users.get(82)).role is Role.WORKER


async def test_import_typed_again_while_the_file_is_awaited_keeps_waiting_and_the_file_is_taken(bot: BotHarness):
    """A hostile tester typed /import again while the bot waited for the file: "暂时无法处理这类消息", and the file sent
    next got the same. A repeated /import asks for the file again, and the file is imported."""
    from services.importing import CRAFTSMAN_COLUMNS
    from tests.test_report import staffer
    from tests.test_talent import GOOD, craftsmen, xlsx

    staff = await staffer(bot)
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [GOOD]), "craftsmen.xlsx")
    await staff.expect("新增 1 条，更新 0 条")
    assert [c.name for c in await craftsmen(bot)] == ["陈师傅"]
    assert not any("暂时无法处理" in text for text in staff.texts())


async def test_imported_cells_are_stored_without_direction_controls_or_zero_width_characters(bot: BotHarness):
    """Every stored text is cleaned: a craftsman's name and skills imported with a right-to-left override, a
    zero-width space and a word joiner are stored as they read."""
    from services.importing import CRAFTSMAN_COLUMNS
    from tests.test_report import staffer
    from tests.test_talent import GOOD, craftsmen, xlsx

    staff = await staffer(bot)
    staff.send("/import")
    await staff.expect("请发送要导入的")
    row = ("\u202e傅师陈\u202c", GOOD[1], GOOD[2], GOOD[3], "数控\u200b机床\u2060调试", *GOOD[5:])
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [row]), "craftsmen.xlsx")
    await staff.expect("新增 1 条，更新 0 条")
    [stored] = await craftsmen(bot)
    assert (stored.name, stored.specialities) == ("傅师陈", ["数控机床调试"])
