"""/staff_region: an administrator sets or changes the region a staffer works on (through the real Application on
the fake Bot API). The region is typed as a name (found as registration finds it) or a GB/T 2260 code, 全部 for
every region; the admin confirms "name: old region → new region" with ✅ / ❌, checked again on the server at the
press; the staffer is told her new region. Non-admins are refused, and the refusal is logged."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEntry, Role
from fakebotapi import FakeUser
from i18n import t
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_staff import chat_menu

ADMIN, STAFFER, WORKER = 74, 83, 84
STALE = t("button.stale", "zh-hans")


async def region_changes(bot: BotHarness) -> list[tuple[int, bool, dict | None]]:
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(AuditEntry.actor_user_id, AuditEntry.allowed, AuditEntry.details)
            .where(AuditEntry.action == "staff.region")
            .order_by(AuditEntry.id)
        )
        return list(rows.all())


async def region_of(bot: BotHarness, user_id: int) -> str | None:
    bot.services.users.forget(user_id)
    return (await bot.services.users.get(user_id)).region_code


async def admin_and_staffer(bot: BotHarness) -> tuple[FakeUser, FakeUser]:
    """The admin, and 小李 of 吴兴区 made staff by him."""
    await bot.services.users.register(ADMIN, "管理员")
    staffer = await worker(bot, STAFFER, "330502", "小李")
    await bot.services.users.set_staff(STAFFER, True, by=ADMIN)
    return bot.user(ADMIN, "管理员"), staffer


async def test_an_admin_sets_a_staffers_region_on_confirm_and_she_is_told(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, "管理员")
        await worker(bot, STAFFER, "330502", "小李")
        await bot.services.users.register(STAFFER, "小李", username="xiaoli")
        staffer = bot.user(STAFFER, "小李", username="xiaoli")
        admin.send(f"/grant {STAFFER}")
        admin.press("确认", await admin.expect("确认修改身份"))
        await staffer.expect("您已被设为工会工作人员")
        assert "queue" in chat_menu(bot, STAFFER)

        admin.send("/help")
        assert "/staff_region" in (await admin.expect("我能为您做什么"))["text"]

        admin.send("/staff_region @xiaoli 湖州")
        ask = await admin.expect("确认修改负责地区")
        assert "小李" in ask["text"] and "浙江省 湖州市 吴兴区 → 浙江省 湖州市" in ask["text"], ask["text"]
        assert await region_of(bot, STAFFER) == "330502", "nothing changes before the confirm"
        admin.press("取消", ask)
        await admin.expect("已取消")
        assert await region_of(bot, STAFFER) == "330502" and await region_changes(bot) == []

        admin.send(f"/staff_region {STAFFER} 330500")
        admin.press("确认", await admin.expect("确认修改负责地区"))
        await admin.expect("已将 小李 负责的地区设为 浙江省 湖州市")
        told = await staffer.expect("负责的地区")
        assert "浙江省 湖州市" in told["text"]
        assert await region_of(bot, STAFFER) == "330500"
        assert (await bot.services.users.get(STAFFER)).role is Role.STAFF
        assert "queue" in chat_menu(bot, STAFFER), "her staff menu stays"

        admin.send(f"/staff_region {STAFFER} 330500")
        await admin.expect("无需修改")

        admin.send(f"/staff_region {STAFFER} 全部")
        ask = await admin.expect("确认修改负责地区")
        assert "浙江省 湖州市 → 全部地区" in ask["text"], ask["text"]
        admin.press("确认", ask)
        await admin.expect("已将 小李 负责的地区设为 全部地区")
        await staffer.expect("全部地区")
        assert await region_of(bot, STAFFER) is None
        assert await region_changes(bot) == [
            (ADMIN, True, {"previous": "330502", "new": "330500"}),
            (ADMIN, True, {"previous": "330500", "new": None}),
        ]


async def test_a_stale_or_foreign_region_confirmation_changes_nothing(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        admin, _ = await admin_and_staffer(bot)

        admin.send(f"/staff_region {STAFFER} 苏州市")
        ask = await admin.expect("确认修改负责地区")
        await bot.services.users.set_region(STAFFER, "330100")  # changed meanwhile (another admin, another process)
        answer = await admin.answer_to(admin.press("确认", ask))
        assert answer["text"] == STALE and answer["show_alert"]
        assert await region_of(bot, STAFFER) == "330100" and await region_changes(bot) == []

        admin.send(f"/staff_region {STAFFER} 苏州市")
        ask = await admin.expect("确认修改负责地区")
        await bot.services.users.set_staff(STAFFER, False)  # no longer staff when the confirm comes
        answer = await admin.answer_to(admin.press("确认", ask))
        assert answer["text"] == STALE and await region_of(bot, STAFFER) == "330100"


async def test_staff_region_explains_what_it_cannot_use_and_is_refused_to_others(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        admin, staffer = await admin_and_staffer(bot)
        await worker(bot, WORKER, "330502", "小王")

        admin.send("/staff_region")
        await admin.expect("/staff_region")  # the usage
        admin.send(f"/staff_region {STAFFER} 朝阳")
        several = await admin.expect("多个地区")
        assert "北京市 朝阳区" in several["text"] and "110105" in several["text"], several["text"]
        admin.send(f"/staff_region {STAFFER} 火星")
        assert "火星" in (await admin.expect("找不到"))["text"]
        admin.send(f"/staff_region {WORKER} 湖州")
        await admin.expect("不是工会工作人员")
        admin.send("/staff_region 999999 湖州")
        await admin.expect("找不到这个用户")

        staffer.send(f"/staff_region {STAFFER} 全部")  # her own region, by herself: admins only
        await staffer.expect("只有管理员")
        await bot.wait_handled()
        assert await region_of(bot, STAFFER) == "330502" and await region_of(bot, WORKER) == "330502"
        assert await region_changes(bot) == [(STAFFER, False, {"new": None})]
        staffer.send(f"/staff_region {WORKER} 湖州")
        await staffer.expect("只有管理员")
        await bot.wait_handled()
        async with bot.services.db.session() as session:  # Hostile 7: the refusals name whom and which region
            refused = (
                await session.execute(
                    select(AuditEntry.target, AuditEntry.details)
                    .where(AuditEntry.action == "staff.region", AuditEntry.allowed.is_(False))
                    .order_by(AuditEntry.id)
                )
            ).all()
        assert [tuple(r) for r in refused] == [
            (f"user:{STAFFER}", {"new": None}),
            (f"user:{WORKER}", {"new": "330500"}),
        ], refused


async def test_a_region_change_or_grant_waiting_for_its_confirm_survives_a_restart(db_url: str):
    """The change an admin was shown is kept in his persisted conversation data: after a restart his ✅ applies
    exactly what he saw (and only once)."""
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        admin, staffer = await admin_and_staffer(bot)
        await bot.services.users.register(WORKER, "老王")

        admin.send(f"/staff_region {STAFFER} 330500")
        region_ask = await admin.expect("确认修改负责地区")
        admin.send(f"/grant {WORKER}")
        grant_ask = await admin.expect("确认修改身份")
        await bot.restart()

        admin.press("确认", region_ask)
        await admin.expect("已将 小李 负责的地区设为 浙江省 湖州市")
        await staffer.expect("负责的地区")
        assert await region_of(bot, STAFFER) == "330500"
        answer = await admin.answer_to(admin.press("确认", region_ask))
        assert answer["text"] == STALE, "a second press applies nothing again"

        admin.press("确认", grant_ask)
        await bot.user(WORKER, "老王").expect("您已被设为工会工作人员")
        bot.services.users.forget(WORKER)
        assert (await bot.services.users.get(WORKER)).role is Role.STAFF
