"""/grant asks before it acts (through the real Application on the fake Bot API): it shows who changes from which
role to union staff, with ✅ confirm / ✖️ cancel; only the same admin's confirm, checked again on the server, applies
it; cancel changes nothing; a stale or someone else's press gets the standard expired-button answer."""

from __future__ import annotations

from sqlalchemy import select

from buttons.choices import YesNo
from buttons.staff import ConfirmGrant, RoleChange
from db.models import AuditEntry, Role
from i18n import t
from tests.harness import BotHarness
from tests.test_events_e2e import worker

ADMIN, OTHER_ADMIN, PERSON = 71, 72, 81
STALE = t("button.stale", "zh-hans")


async def grants(bot: BotHarness) -> list[tuple[int, bool]]:
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(AuditEntry.actor_user_id, AuditEntry.allowed).where(AuditEntry.action == "staff.grant")
        )
        return list(rows.all())


async def test_grant_shows_the_change_and_applies_it_only_on_the_same_admins_confirm(db_url: str):
    async with BotHarness(db_url, admin_ids=f"{ADMIN},{OTHER_ADMIN}") as bot:
        await bot.services.users.register(ADMIN, "管理员")
        await bot.services.users.register(OTHER_ADMIN, "另一位管理员")
        admin, other = bot.user(ADMIN, "管理员"), bot.user(OTHER_ADMIN, "另一位管理员")
        person = await worker(bot, PERSON, "330502", "小李")

        admin.send(f"/grant {PERSON}")
        ask = await admin.expect("确认修改身份")
        assert "小李" in ask["text"] and "职工 → 工会工作人员" in ask["text"] and str(PERSON) in ask["text"]
        assert (await bot.services.users.get(PERSON)).role is Role.WORKER, "nothing changes before the confirm"
        confirm = next(b for b in admin.buttons(ask) if "确认" in b["text"])["callback_data"]

        admin.press("取消", ask)  # cancel: nothing changes
        await admin.expect("已取消")
        answer = await admin.answer_to(admin.press_data(confirm, ask))  # the old confirm, after the cancel
        assert answer["text"] == STALE and answer["show_alert"]
        assert (await bot.services.users.get(PERSON)).role is Role.WORKER and await grants(bot) == []

        admin.send(f"/grant {PERSON}")
        ask = await admin.expect("确认修改身份")
        other.send("/help")
        helped = await other.expect("我能为您做什么")
        forged = bot.signed(
            other, ConfirmGrant(PERSON, RoleChange.GRANT, YesNo.YES).data()
        )  # another admin's press: not his change
        answer = await other.answer_to(other.press_data(forged, helped))
        assert answer["text"] == STALE
        await bot.services.users.set_role(PERSON, Role.ENTERPRISE)  # the role changed since it was shown
        bot.services.users.forget(PERSON)
        answer = await admin.answer_to(admin.press("确认", ask))
        assert answer["text"] == STALE
        assert (await bot.services.users.get(PERSON)).role is Role.ENTERPRISE and await grants(bot) == []

        admin.send(f"/grant {PERSON}")
        ask = await admin.expect("确认修改身份")
        assert "企业 → 工会工作人员" in ask["text"]
        admin.press("确认", ask)
        await admin.expect("已将 小李 设为工会工作人员")
        await person.expect("您已被设为工会工作人员")
        assert (await bot.services.users.get(PERSON)).role is Role.STAFF
        assert await grants(bot) == [(ADMIN, True)]
        answer = await admin.answer_to(admin.press_data(confirm, ask))  # pressed again: expired, nothing twice
        assert answer["text"] == STALE and await grants(bot) == [(ADMIN, True)]


async def test_a_grant_confirmed_after_the_admin_lost_the_role_is_refused_and_logged(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, "管理员")
        await worker(bot, PERSON, "330502", "小李")
        admin.send(f"/grant {PERSON}")
        ask = await admin.expect("确认修改身份")
        async with bot.services.db.session() as session:  # demoted meanwhile (another process, the next start)
            from db.models import User

            (await session.get(User, ADMIN)).role = Role.WORKER
        bot.services.users.forget(ADMIN)
        answer = await admin.answer_to(admin.press("确认", ask))
        assert answer["text"] == t("staff.admins_only", "zh-hans") and answer["show_alert"]
        assert (await bot.services.users.get(PERSON)).role is Role.WORKER
        assert await grants(bot) == [(ADMIN, False)]


async def test_revoke_asks_like_grant_and_applies_only_on_the_confirm(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, "管理员")
        person = await worker(bot, PERSON, "330502", "小李")
        await bot.services.users.set_staff(PERSON, True, by=ADMIN)

        admin.send(f"/revoke {PERSON}")
        ask = await admin.expect("确认修改身份")
        assert "小李" in ask["text"] and "工会工作人员 → 职工" in ask["text"] and str(PERSON) in ask["text"]
        assert (await bot.services.users.get(PERSON)).role is Role.STAFF, "nothing changes before the confirm"
        confirm = next(b for b in admin.buttons(ask) if "确认" in b["text"])["callback_data"]
        admin.press("取消", ask)
        await admin.expect("已取消")
        answer = await admin.answer_to(admin.press_data(confirm, ask))  # the old confirm, after the cancel
        assert answer["text"] == STALE and answer["show_alert"]
        assert (await bot.services.users.get(PERSON)).role is Role.STAFF

        admin.send(f"/revoke {PERSON}")
        ask = await admin.expect("确认修改身份")
        admin.press("确认", ask)
        await admin.expect("已取消 小李 的工会工作人员身份")
        await person.expect("工会工作人员身份已取消")
        assert (await bot.services.users.get(PERSON)).role is Role.WORKER
        async with bot.services.db.session() as session:
            revoked = (
                await session.execute(select(AuditEntry.actor_user_id).where(AuditEntry.action == "staff.revoke"))
            ).all()
        assert [actor for (actor,) in revoked] == [ADMIN]


async def test_a_refused_grant_or_revoke_names_whom_it_asked_for_in_the_audit(db_url: str):
    """Hostile 7: a staffer's /grant was audited with an empty target; the refusal names the user asked for, by id
    (a handle someone holds is read as his id; one nobody holds is kept as typed)."""
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await worker(bot, PERSON, "330502", "小李")
        await bot.services.users.register(PERSON, "小李", username="xiaoli")
        staffer = await worker(bot, 82, "330502", "小张")
        await bot.services.users.set_staff(82, True, by=ADMIN)
        for typed in (str(PERSON), "@xiaoli", "@nobody_here", "123"):
            staffer.send(f"/grant {typed}")
            await staffer.expect("只有管理员")
        staffer.send(f"/revoke {PERSON}")
        await staffer.expect("只有管理员")
        await bot.wait_handled()
        async with bot.services.db.session() as session:
            rows = (
                await session.execute(
                    select(AuditEntry.action, AuditEntry.target)
                    .where(AuditEntry.actor_user_id == 82, AuditEntry.allowed.is_(False))
                    .order_by(AuditEntry.id)
                )
            ).all()
        assert [tuple(r) for r in rows] == [
            ("staff.grant", f"user:{PERSON}"),
            ("staff.grant", f"user:{PERSON}"),
            ("staff.grant", "user:@nobody_here"),
            ("staff.grant", "user:123"),
            ("staff.revoke", f"user:{PERSON}"),
        ], rows
