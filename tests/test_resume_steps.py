"""Every step of every persistent conversation asks its question again after a restart (conversations/resume.py):
the registry covers every state of the Application as bot.py wires it, each re-ask survives a flow whose answers
are gone, and onboarding, an event form and /import resume end to end — the question once, with its buttons, and
the next answer taken by that step."""

from __future__ import annotations

from telegram.ext import ConversationHandler

from conversations import resume
from services.importing import CRAFTSMAN_COLUMNS
from tests.harness import BotHarness
from tests.test_report import staffer
from tests.test_resume import shown
from tests.test_talent import BAD_PHONE, GOOD, GOOD2, xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def labels(user, message: dict) -> list[str]:
    return [b["text"] for b in user.buttons(message)]


def persistent_states(bot: BotHarness) -> list[tuple[str, str]]:
    """(conversation, state) for every state of every persistent ConversationHandler the Application runs."""
    return [
        (handler.name, state)
        for handler in resume.persistent_conversations(bot.application)
        for state in handler.states
        if state not in (ConversationHandler.TIMEOUT, ConversationHandler.WAITING)
    ]


async def test_every_state_of_every_persistent_conversation_has_a_reask(bot: BotHarness):
    states = persistent_states(bot)
    names = {name for name, _state in states}
    assert {"onboarding", "settings", "join", "import", "newcomp", "newcourse", "broadcast", "report"} <= names
    missing = [f"{name}: {state}" for name, state in states if state not in resume.REASKS]
    assert not missing, "steps that would resume in silence after a restart:\n" + "\n".join(missing)
    owners: dict[str, set[str]] = {}
    for name, state in states:
        owners.setdefault(state, set()).add(name)
    shared = {state: names for state, names in owners.items() if len(names) > 1}
    assert not shared, f"a state's re-ask would be taken for another conversation's: {shared}"


async def test_each_reask_survives_a_flow_whose_answers_are_gone(bot: BotHarness):
    """A step whose user data was lost (an old deploy, a flow cleared elsewhere) must not stop the bot starting."""
    staff = await staffer(bot)
    for name, state in persistent_states(bot):
        bot.application.user_data[staff.id].clear()
        assert await resume.reask(bot.application, name, staff.id, staff.id, state), f"{name}: {state}"


async def test_a_restart_mid_onboarding_asks_consent_and_the_region_again(bot: BotHarness):
    user = bot.user(61, "王工")
    user.send("/start")
    asked = await user.expect("个人信息处理说明")
    await bot.restart()
    consent = await user.expect("个人信息处理说明")  # nothing is stored before consent: asked all the same
    assert consent["text"] == asked["text"] and labels(user, consent) == labels(user, asked) == ["✅ 同意", "❌ 不同意"]
    await bot.restart()  # they have the question
    assert shown(user, "个人信息处理说明") == 2
    user.press("同意", consent)  # the re-asked question's button
    user.press("企业", await user.expect("请选择您的身份"))
    asked = await user.expect("请选择您所在的省份")
    await bot.restart()
    provinces = await user.expect("请选择您所在的省份")
    assert labels(user, provinces) == labels(user, asked) and "浙江省" in labels(user, provinces)
    user.press("浙江省", provinces)
    user.press("湖州市", await user.expect("浙江省 — 请继续选择"))
    user.press("南浔区", await user.expect("浙江省 湖州市 — 请继续选择"))
    await user.expect("设置完成")
    assert shown(user, "请选择您所在的省份") == 2 and shown(user, "请选择您的身份") == 1


async def test_a_restart_mid_competition_form_asks_the_step_again_with_its_buttons(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/new_competition")
    await staff.expect("请输入竞赛名称")
    staff.send("湖州市数控车工技能竞赛")
    asked = await staff.expect("面向哪个行业")
    await bot.restart()
    industries = await staff.expect("面向哪个行业")
    assert labels(staff, industries) == labels(staff, asked) and "C 制造业" in labels(staff, industries)
    await bot.restart()
    assert shown(staff, "面向哪个行业") == 2
    staff.press("C 制造业", industries)
    asked = await staff.expect("面向哪个地区")
    await bot.restart()  # the region step: its own 不限地区 button, then the picker
    scope = await staff.expect("面向哪个地区")
    assert labels(staff, scope) == labels(staff, asked) == ["🌐 不限地区"]
    assert "浙江省" in labels(staff, await staff.expect("请选择您所在的省份"))
    staff.press("不限地区", scope)
    await staff.expect("主办单位")
    assert shown(staff, "面向哪个地区") == 2


async def test_a_restart_mid_import_asks_for_the_file_then_the_choice_again(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/import")
    await staff.expect("请发送要导入的")
    await bot.restart()
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [GOOD, BAD_PHONE, GOOD2]), "craftsmen.xlsx", XLSX)
    asked = await staff.expect("其中 1 行有误")
    await bot.restart()
    report = await staff.expect("其中 1 行有误")  # the same report, read again from the same file
    assert report["text"] == asked["text"] and "第 3 行" in report["text"] and "12345" in report["text"]
    assert labels(staff, report) == labels(staff, asked) == ["仅导入有效的 2 行", "取消，修改后重新上传"]
    await bot.restart()
    assert shown(staff, "其中 1 行有误") == 2 and shown(staff, "请发送要导入的") == 2
    staff.press("仅导入有效的 2 行", report)
    await staff.expect("新增 2 条，更新 0 条")
