"""Roles are what the configuration says (issue 18, part 5): admins come from ADMIN_IDS at every start, /grant names
the person who holds a handle now, 劳模工匠 is granted by staff review (never chosen), and numbers too big for the
database get a clear answer — through the real Application on the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select, update

from db.models import AuditEntry, Role, ServiceTeam, TeamLevel, User
from services.audience import Filters
from services.staff_scope import StaffChats
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_onboarding import onboard
from tests.test_report import staffer

ADMIN, OTHER = 77, 78
HUGE = "99999999999999999999999"


async def audit(bot: BotHarness, action: str) -> list[AuditEntry]:
    async with bot.services.db.session() as session:
        return list(
            (await session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))).all()
        )


# ---------------------------------------------------------------------------------------------- ADMIN_IDS at start
async def test_an_admin_removed_from_admin_ids_is_a_worker_after_the_restart_and_cannot_grant(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as first:
        await first.services.users.register(ADMIN, "管理员")
        assert (await first.services.users.get(ADMIN)).role is Role.ADMIN
        api = first.api
    async with BotHarness(db_url, admin_ids="", api=api) as bot:
        assert (await bot.services.users.get(ADMIN)).role is Role.WORKER
        [demoted] = await audit(bot, "role.demoted")
        assert demoted.target == f"user:{ADMIN}" and demoted.details == {"from": "admin", "to": "worker"}
        await worker(bot, 81, "330502", "小李")
        former = bot.user(ADMIN, "管理员")
        former.send("/grant 81")
        await former.expect("只有管理员可以")
        await bot.wait_handled()
        assert (await bot.services.users.get(81)).role is Role.WORKER
        assert [(e.actor_user_id, e.allowed) for e in await audit(bot, "staff.grant")] == [(ADMIN, False)]
        menu = bot.api.world.commands.get(f'{{"chat_id": {ADMIN}, "type": "chat"}}|', [])
        assert "grant" not in [c["command"] for c in menu], "the former admin's chat menu lost the admin commands"
        assert ADMIN not in await StaffChats(bot.services.users, None)(), "a former admin gets no staff notices"
    async with BotHarness(db_url, admin_ids="", api=api) as again:  # nothing more to do at the next start
        assert len(await audit(again, "role.demoted")) == 1


async def test_a_staffer_granted_by_an_admin_who_was_made_admin_goes_back_to_staff(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        await worker(bot, OTHER, "330502", "小王")
        admin = bot.user(ADMIN, "管理员")
        admin.send(f"/grant {OTHER}")
        admin.press("确认", await admin.expect("确认修改身份"))
        await admin.expect("设为工会工作人员")
        api = bot.api
    async with BotHarness(db_url, admin_ids=f"{ADMIN},{OTHER}", api=api) as bot:
        assert (await bot.services.users.get(OTHER)).role is Role.ADMIN
    async with BotHarness(db_url, admin_ids=str(ADMIN), api=api) as bot:
        assert (await bot.services.users.get(OTHER)).role is Role.STAFF
        [demoted] = await audit(bot, "role.demoted")
        assert demoted.details == {"from": "admin", "to": "staff"}
        other = bot.user(OTHER, "小王")
        other.send(f"/grant {ADMIN}")
        await other.expect("只有管理员可以")
        admin = bot.user(ADMIN, "管理员")
        admin.send(f"/revoke {OTHER}")  # /revoke clears the grant: a later admin spell ends as a worker
        # this chat still shows the first run's /grant confirmation: press the /revoke one (the old one is stale)
        admin.press("确认", await admin.expect("工会工作人员 → 职工"))
        await admin.expect("已取消 小王 的工会工作人员身份")
        async with bot.services.db.session() as session:
            assert (await session.get(User, OTHER)).staff_granted_by is None


# ---------------------------------------------------------------------------------------------- @username
async def test_grant_by_handle_picks_who_holds_it_now_and_refuses_an_ambiguous_one(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, "管理员")
        first = bot.user(91, "甲", username="foo")
        first.send("/start")
        first.press("同意", await first.expect("个人信息"))
        first.press("职工", await first.expect("请选择您的身份"))
        await first.expect("省份")
        async with bot.services.db.session() as session:
            assert (await session.get(User, 91)).username == "foo"

        bot.api.world.users[91]["username"] = "bar"  # 甲 renames himself; 乙 takes @foo
        first.send("/help")
        await first.expect("我能为您做什么")
        second = await worker(bot, 92, "330502", "乙")
        bot.api.world.users[92]["username"] = "foo"
        bot.api.world.users[92]["first_name"] = "乙二"
        second.send("/help")
        await second.expect("我能为您做什么")
        async with bot.services.db.session() as session:
            assert (await session.get(User, 91)).username == "bar"
            assert ((await session.get(User, 92)).username, (await session.get(User, 92)).first_name) == ("foo", "乙二")

        admin.send("/grant @foo")
        admin.press("确认", await admin.expect("确认修改身份"))
        await admin.expect("已将 乙二 设为工会工作人员")
        assert (await bot.services.users.get(92)).role is Role.STAFF
        assert (await bot.services.users.get(91)).role is Role.WORKER

        async with bot.services.db.session() as session:  # two stored users with one handle (data from before)
            await session.execute(update(User).where(User.id.in_([91, 92])).values(username="dup"))
        bot.services.users.forget()
        admin.send("/revoke @dup")
        refused = await admin.expect("不止一位用户")
        assert "数字 id" in refused["text"]
        assert (await bot.services.users.get(92)).role is Role.STAFF, "nothing changed"


async def test_profile_refresh_writes_only_when_something_changed(bot: BotHarness):
    await worker(bot, 95, "330502", "丙")
    user = bot.user(95, "丙", username="bing")
    user.send("/help")
    await user.expect("我能为您做什么")
    await bot.wait_handled()
    async with bot.services.db.session() as session:
        stamp = (await session.get(User, 95)).updated_at
        assert (await session.get(User, 95)).username == "bing"
    bot.clock.advance(60)
    user.send("/help")
    await user.expect("我能为您做什么")
    await bot.wait_handled()
    async with bot.services.db.session() as session:
        assert (await session.get(User, 95)).updated_at == stamp, "an unchanged profile is not written again"


# ---------------------------------------------------------------------------------------------- 劳模工匠
async def test_picking_craftsman_at_start_makes_a_worker_who_applies_and_only_approval_makes_a_craftsman(
    bot: BotHarness,
):
    staff = await staffer(bot)
    user = bot.user(61, "陆师傅")
    await onboard(user, "劳模工匠")
    invited = await user.expect("需要工会审核")
    profile = await bot.services.users.get(61)
    assert profile.role is Role.WORKER
    craftsmen = Filters(roles=("craftsman",))
    assert 61 not in [r.user_id for r in await bot.services.audience.filtered(craftsmen)]

    user.press("填写入库申请", invited)
    await user.expect("请输入您的姓名")  # the /join flow
    user.send("陆师傅")
    user.press("下一步", await user.expect("荣誉"))
    await user.expect("工作单位")
    user.send("湖州某机械厂")
    await user.expect("技术处方")
    user.send("数控机床调试")
    user.press("下一步", await user.expect("已记下 1/"))
    user.press("下一步", await user.expect("系统建议了以下行业"))
    user.press("就是这里", await user.expect("您所在的地区"))
    user.press("暂不加入服务队", await user.expect("加入哪个服务队"))
    user.press("2", await user.expect("同时承接"))
    user.press("远程指导", await user.expect("服务方式"))
    user.press("下一步", await user.expect("服务方式"))
    await user.expect("联系电话")
    user.send("13900139000")
    user.press("提交申请", await user.expect("请核对您的申请"))
    await user.expect("申请已提交")
    assert (await bot.services.users.get(61)).role is Role.WORKER, "applying is not being approved"
    assert 61 not in [r.user_id for r in await bot.services.audience.filtered(craftsmen)]

    staff.press("✅ 通过", await staff.expect("新的入库申请"))
    await user.expect("入库申请已通过")
    assert (await bot.services.users.get(61)).role is Role.CRAFTSMAN
    assert 61 in [r.user_id for r in await bot.services.audience.filtered(craftsmen)]


async def test_picking_craftsman_in_settings_invites_to_apply_and_keeps_the_role(bot: BotHarness):
    user = await worker(bot, 62, "330502", "钱师傅")
    await bot.services.users.set_role(62, Role.ENTERPRISE)
    user.send("/settings")
    user.press("身份", await user.expect("当前设置"))
    user.press("劳模工匠", await user.expect("请选择您的身份"))
    invited = await user.expect("需要工会审核")
    assert (await bot.services.users.get(62)).role is Role.ENTERPRISE
    user.press("填写入库申请", invited)
    await user.expect("请输入您的姓名")
    user.send("钱师傅")  # the typed name goes to /join, not to a settings step left open
    await user.expect("荣誉")


# ---------------------------------------------------------------------------------------------- huge numbers
async def test_huge_numbers_in_commands_and_deep_links_get_a_clear_answer(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, "管理员")
        for command in (f"/grant {HUGE}", f"/revoke {HUGE}", "/grant 9223372036854775808"):
            admin.send(command)
            answer = await admin.expect("不是有效的用户 id")
            assert "出了问题" not in answer["text"]
        admin.send(f"/audit {HUGE}")
        await admin.expect("不是有效的用户 id")
        admin.send(f"/broadcast_cancel #{HUGE}")
        await admin.expect("没有可以取消的群发")
        admin.send("/stats 99999999999")
        await admin.expect("无法识别")

        stranger = bot.user(66, "游客")
        stranger.send("/start t_999999999999")
        await stranger.expect("二维码链接无效")
        await stranger.expect("个人信息")
        stranger.send("/start r_999999999999")
        await stranger.expect("二维码链接无效")
        await bot.wait_handled()
        assert not any("出了问题" in t for t in admin.texts() + stranger.texts())

        async with bot.services.db.session() as session:  # a real team still works by its deep link
            team = ServiceTeam(name="湖州市服务队", level=TeamLevel.CITY, region_code="330500")
            session.add(team)
        stranger.send(f"/start t_{team.id}")
        await stranger.expect("个人信息")
        await bot.wait_handled()  # its state written before the bot stops
