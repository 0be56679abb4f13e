"""/start onboarding end to end: the real Application, through PTB's request serialisation, on the fake Bot API."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import BotState, Lang, Role, ServiceTeam, TeamLevel, User
from tests.harness import BotHarness


async def onboard(user, role: str = "职工", region_query: str = "湖州", county: str = "吴兴区") -> None:
    user.send("/start")
    await user.expect("个人信息")
    user.press("同意")
    await user.expect("请选择您的身份")
    user.press(role)
    await user.expect("省份")
    user.send(region_query)
    await user.expect("找到以下地区")
    user.press("湖州市")
    await user.expect("请继续选择")
    user.press(county)
    await user.expect("设置完成")


async def test_start_walks_through_consent_role_and_region(bot: BotHarness):
    user = bot.user(1, "王工")
    user.send("/start")
    greeting = await user.expect("您好，王工")
    assert "劳模工匠助企行" in greeting["text"]
    await user.expect("个人信息处理说明")
    assert await bot.services.users.get(1) is None  # nothing stored before consent
    user.press("同意")
    await user.expect("请选择您的身份")
    user.press("企业")
    await user.expect("请选择您所在的省份")
    user.press("浙江省")
    await user.expect("浙江省 — 请继续选择")
    user.press("湖州市")
    await user.expect("浙江省 湖州市 — 请继续选择")
    user.press("南浔区")
    done = await user.expect("设置完成")
    assert "浙江省 湖州市 南浔区" in done["text"] and "企业" in done["text"] and "/help" in done["text"]
    profile = await bot.services.users.get(1)
    assert profile.role is Role.ENTERPRISE and profile.region_code == "330503" and profile.lang is Lang.SIMPLIFIED

    user.send("/start")
    again = await user.expect("欢迎回来")
    assert "南浔区" in again["text"]


async def test_declining_consent_stores_nothing(bot: BotHarness):
    user = bot.user(2)
    user.send("/start")
    await user.expect("个人信息")
    user.press("不同意")
    await user.expect("没有保存您的任何个人信息")
    await bot.wait_handled()
    assert await bot.services.users.get(2) is None
    async with bot.services.db.session() as session:
        leftover = await session.scalar(select(func.count()).select_from(BotState).where(BotState.key.contains("2")))
    assert leftover == 0


async def test_traditional_input_gets_traditional_replies(bot: BotHarness):
    user = bot.user(3, "陳師傅", language_code="zh-hant")
    user.send("/start")
    await user.expect("您好，陳師傅")
    await user.expect("個人信息處理說明")
    user.press("同意")
    await user.expect("請選擇您的身份")
    user.press("職工")
    await user.expect("請選擇您所在的省份")
    user.send("蘇州")  # typed in traditional script
    await user.expect("找到以下地區")
    user.press("蘇州市")
    await user.expect("請繼續選擇")
    user.press("吳中區")
    done = await user.expect("設置完成")
    assert "江蘇省 蘇州市 吳中區" in done["text"]
    assert (await bot.services.users.get(3)).lang is Lang.TRADITIONAL


async def test_one_simplified_line_keeps_a_hong_kong_reader_in_traditional(bot: BotHarness):
    """One line says little (services/language.py): a reader in Hong Kong who types one place name in simplified
    still reads Hong Kong's forms; three simplified texts in a row are a pattern."""
    user = bot.user(4, "林", language_code="zh-hk")
    user.send("/start")
    await user.expect("個人信息")
    user.press("同意")
    user.press("職工", await user.expect("請選擇您的身份"))
    await user.expect("省份")
    user.send("吴兴区")  # simplified-only characters
    await user.expect("找到以下地區")
    for _ in range(2):
        user.send("吴兴区")
    await user.expect("找到以下地区")


async def test_english_client_gets_english(bot: BotHarness):
    user = bot.user(5, "Alice", language_code="en")
    user.send("/start")
    await user.expect("Hello, Alice")
    user.press("I agree", await user.expect("How we handle your personal data"))
    user.press("Worker", await user.expect("Which of these are you?"))
    await user.expect("Choose your province")


async def test_html_in_names_is_escaped(bot: BotHarness):
    user = bot.user(6, "<b>Bob</b> & <script>")
    user.send("/start")
    greeting = await user.expect("您好")
    # the fake Telegram rejects unescaped HTML, and shows escaped HTML literally
    assert "<b>Bob</b> & <script>" in greeting["text"]


async def test_sticker_where_text_expected_gets_a_prompt(bot: BotHarness):
    user = bot.user(7)
    user.send("/start")
    await user.expect("个人信息")
    user.send("好的")  # text where a button is expected
    await user.expect("请点击上方消息中的按钮")
    user.press("同意")
    user.press("职工", await user.expect("请选择您的身份"))
    await user.expect("省份")
    user.send_sticker()
    await user.expect("这一步需要文字回复")
    user.send_photo()
    await user.expect("这一步需要文字回复")
    user.send("火星")
    await user.expect("没有找到“火星”")
    user.send("湖" * 200)
    await user.expect("内容太长了")
    user.send("😀😀")
    await user.expect("没有找到")
    user.send("湖州")  # nothing was lost: the step still works
    await user.expect("找到以下地区")


async def test_stale_and_double_pressed_buttons(bot: BotHarness):
    user = bot.user(8)
    user.send("/start")
    consent = await user.expect("个人信息")
    user.press("同意", consent)
    await user.expect("请选择您的身份")
    second = user.press("同意", consent)  # the same button again
    answer = await user.answer_to(second)
    assert answer["show_alert"] and "已失效" in answer["text"]
    forged = user.press_data(bot.signed(user, "rg:pick:999999"))
    assert "已失效" in (await user.answer_to(forged))["text"]
    assert (await bot.services.users.get(8)).role is None


async def test_deep_link_presets_region_and_team(bot: BotHarness):
    async with bot.services.db.session() as session:
        team = ServiceTeam(name="湖州市劳模工匠助企服务队", level=TeamLevel.CITY, region_code="330500")
        session.add(team)
    user = bot.user(9)
    user.send(f"/start t_{team.id}")
    await user.expect("个人信息")
    user.press("同意")
    user.press("企业", await user.expect("请选择您的身份"))
    preset = await user.expect("湖州市劳模工匠助企服务队")
    assert "浙江省 湖州市" in preset["text"]
    user.press("就是这里")
    await user.expect("设置完成")
    profile = await bot.services.users.get(9)
    assert profile.region_code == "330500" and profile.team_id == team.id

    other = bot.user(10)
    other.send("/start r_999999")
    await other.expect("二维码链接无效")
    await other.expect("个人信息")


async def test_restart_mid_onboarding_continues_at_the_same_step(db_url: str):
    harness = BotHarness(db_url)
    await harness.start()
    user = harness.user(11)
    user.send("/start")
    await user.expect("个人信息")
    user.press("同意")
    user.press("职工", await user.expect("请选择您的身份"))
    await user.expect("省份")
    await harness.restart()
    user.send("湖州")  # still at the region step
    await user.expect("找到以下地区")
    user.press("湖州市")
    user.press("德清县", await user.expect("请继续选择"))
    await user.expect("设置完成")
    assert (await harness.services.users.get(11)).region_code == "330521"
    await harness.stop()


async def test_cancel_help_and_unknown_input(bot: BotHarness):
    user = bot.user(12)
    user.send("/help")
    await user.expect("还没有完成注册")
    user.send("/cancel")
    await user.expect("当前没有进行中的操作")
    user.send("/start")
    await user.expect("个人信息")
    user.send("/cancel")
    await user.expect("已退出当前操作")
    user.send_sticker()
    await user.expect("暂时无法处理这类消息")
    await onboard(user)
    user.send("/help")
    help_text = await user.expect("我能为您做什么")
    assert "/settings" in help_text["text"]


async def test_settings_change_language_region_and_role(bot: BotHarness):
    user = bot.user(13)
    await onboard(user)
    user.send("/settings")
    await user.expect("当前设置")
    user.press("文字")
    user.press("English", await user.expect("请选择界面文字"))
    await user.expect("Your settings")
    user.press("Role")
    user.press("Enterprise", await user.expect("Which of these are you?"))
    await user.expect("Role: Enterprise")
    user.press("Region")
    await user.expect("Choose your province")
    user.send("Huzhou 湖州")  # the name in both languages: the place both name
    found = await user.expect("These places match")
    assert next(b["text"] for b in user.buttons(found)).startswith("Huzhou"), user.buttons(found)
    user.send("德清")
    user.press("德清县", await user.expect("These places match"))
    menu = await user.expect("Your settings")
    assert "德清县" in menu["text"]
    user.press("Done")
    await user.expect("Settings saved")
    profile = await bot.services.users.get(13)
    assert (profile.lang, profile.role, profile.region_code) == (Lang.ENGLISH, Role.ENTERPRISE, "330521")


async def test_admins_from_settings_skip_the_role_question_and_get_a_staff_menu(db_url: str):
    async with BotHarness(db_url, admin_ids="77") as harness:
        admin = harness.user(77, "管理员")
        admin.send("/start")
        admin.press("同意", await admin.expect("个人信息"))
        await admin.expect("省份")
        assert (await harness.services.users.get(77)).role is Role.ADMIN
        admin.send("/settings")
        admin.press("身份", await admin.expect("当前设置"))
        await admin.expect("身份由管理员设置")
        scopes = harness.api.world.commands
        assert '{"type": "default"}|en' in scopes and '{"type": "default"}|' in scopes
        staff_menu = [c["command"] for c in scopes['{"chat_id": 77, "type": "chat"}|']]
        default_menu = [c["command"] for c in scopes['{"type": "default"}|']]
        assert {"review", "import", "template", "newteam"} <= set(staff_menu)
        assert not {"review", "import", "template", "newteam", "profile"} & set(default_menu)
        harness.api.world.commands.clear()
    async with BotHarness(db_url, admin_ids="77", api=harness.api) as again:  # and again at every start
        assert '{"chat_id": 77, "type": "chat"}|en' in again.api.world.commands


async def test_flood_guard_answers_once_then_drops(db_url: str):
    async with BotHarness(db_url, flood_max_updates=3, flood_window_seconds=60) as harness:
        user = harness.user(14)
        for _ in range(6):
            user.send("你好")
        await user.expect("太快了")
        await harness.wait_handled()  # all six handled before the clock moves
        harness.clock.advance(61)
        user.send("/help")
        await user.expect("还没有完成注册")
        assert sum("太快了" in text for text in user.texts()) == 1
        assert sum("「劳模工匠助企行」助手" in text for text in user.texts()) == 3  # greetings answered as such


async def test_telegram_errors_429_and_403(bot: BotHarness):
    user = bot.user(15)
    bot.api.inject("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    user.send("/help")
    await user.expect("还没有完成注册", timeout=15)  # the rate limiter waited and retried
    assert bot.api.world.calls["sendMessage"] >= 2

    await onboard(user)
    bot.api.block(15)
    user.send("/help")
    await bot.wait_handled()
    async with bot.services.db.session() as session:
        assert await session.scalar(select(User.blocked_at).where(User.id == 15)) is not None


async def test_a_hong_kong_member_who_types_traditional_is_answered_in_hong_kong_forms(bot: BotHarness):
    """The fourth hostile tester: 陈大文, registered in Hong Kong, whose Telegram language_code is zh-hans and who
    types traditional, was answered in OpenCC's generic forms ("這裏爲"), not Hong Kong's (為)."""
    from tests.test_events_e2e import worker

    member = await worker(bot, 509, "810000", "陈大文")
    for text in ("你好", "公司拖咗人工兩個月", "老細唔出糧點算"):
        member.send(text)
        await member.expect("")
    member.send("搬貨砸傷了腳，工傷怎麼申請")
    reply = await member.expect("工傷")
    assert "為" in reply["text"] and "爲" not in reply["text"], reply["text"]
    profile = await bot.services.users.get(509)
    assert profile is not None and profile.reply_lang == "zh-hk"
