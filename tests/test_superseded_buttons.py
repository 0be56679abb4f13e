"""A question asked again (after a restart, or from ✏️) supersedes the one asked before: once its step is answered,
the older question's buttons never say "saved" while nothing is saved — they are refused as expired in the user's
language, or their answer really goes to the draft and the card shows it."""

from __future__ import annotations

from db.models import Lang
from tests.harness import BotHarness
from tests.test_report import demands, enterprise_user, report_up_to_code

TEXT = "铝型材喷涂过程遇到氧化，皮膜厚度不均"


async def to_description(bot: BotHarness, user_id: int):
    """/report up to the description question (the profile answered)."""
    user = await enterprise_user(bot, user_id)
    shown = await report_up_to_code(user, "湖州某铝业有限公司", "91330100799655058B", "请选择企业类型")
    user.press("中小微", shown)
    await user.expect("联系人")
    user.send("李工")
    await user.expect("联系电话")
    user.send("13800000001")
    await user.expect("请描述")
    return user


async def to_industry(bot: BotHarness, user_id: int):
    user = await to_description(bot, user_id)
    user.send(TEXT)
    user.press("完成", await user.expect("可以继续补充"))
    return user, await user.expect("识别为：C32")


async def test_an_old_industry_question_pressed_after_the_new_one_was_answered_saves_nothing(bot: BotHarness):
    user, first = await to_industry(bot, 701)
    await bot.restart()
    again = await user.expect("识别为：C32")  # asked again: message 9
    user.press("✅确认", first)  # the first one's confirm: the demand takes C32
    await user.expect("已记录行业：C32")
    await user.expect("请选择紧急程度")
    pressed = user.press("✏️修改", again)  # the re-asked one is superseded: refused, not a picker
    answer = await user.answer_to(pressed)
    assert answer["show_alert"] and "按钮已失效" in answer["text"]
    [draft] = await demands(bot)
    assert draft.industry == "32"
    assert not any("C33" in t or "您要改成哪个行业" in t for t in user.texts())


async def test_in_traditional_the_first_question_is_refused_once_the_repeated_one_was_confirmed(bot: BotHarness):
    user, first = await to_industry(bot, 702)
    await bot.services.users.set_lang(702, Lang.TRADITIONAL, chosen=True)
    await bot.restart()
    again = await user.expect("識別爲：C32")
    user.press("確認", again)  # the repeated question's confirm
    await user.expect("已記錄行業：C32")
    urgency = await user.expect("請選擇緊急程度")
    pressed = user.press("修改", first)  # the first question, superseded
    answer = await user.answer_to(pressed)
    assert answer["show_alert"] and "按鈕已失效" in answer["text"]
    user.press("一般", urgency)
    user.press("現場指導", await user.expect("請選擇希望的服務方式"))
    card = await user.expect("請覈對需求信息")
    assert "C32" in card["text"]
    [draft] = await demands(bot)
    assert draft.industry == "32"


async def test_the_first_question_answered_while_the_step_still_waits_really_gives_the_industry(bot: BotHarness):
    """Both questions are the step's while it waits: the older one's answer is the demand's, and the card says so."""
    user, first = await to_industry(bot, 703)
    await bot.restart()
    await user.expect("识别为：C32")
    user.press("✏️修改", first)
    user.press("C33", await user.expect("您要改成哪个行业"))
    await user.expect("已记录行业：C33")
    user.press("一般", await user.expect("请选择紧急程度"))
    user.press("现场指导", await user.expect("请选择希望的服务方式"))
    card = await user.expect("请核对需求信息")
    assert "C33" in card["text"]
