"""/report's button questions answered by typing: a button's label typed is that press (the description's 完成, the
urgency and the service mode, either script or English), an unambiguous phrasing is read as its choice and said
back, and anything else is asked again naming the choices in words."""

from __future__ import annotations

from db.models import Lang
from tests.harness import BotHarness
from tests.test_report import demands, enterprise_user
from tests.test_superseded_buttons import TEXT, to_description


async def described(bot: BotHarness, user_id: int, lang: Lang = Lang.SIMPLIFIED):
    """/report up to the description, written (in ``lang`` from then on)."""
    user = await to_description(bot, user_id)
    if lang is not Lang.SIMPLIFIED:
        await bot.services.users.set_lang(user_id, lang, chosen=True)
    user.send(TEXT)
    return user


async def to_urgency(bot: BotHarness, user_id: int):
    """/report up to the urgency question: described, 完成, the industry confirmed."""
    user = await described(bot, user_id)
    user.press("完成", await user.expect("可以继续补充"))
    user.press("✅确认", await user.expect("识别为："))
    await user.expect("请选择紧急程度")
    return user


async def test_done_typed_at_the_description_is_the_done_press(bot: BotHarness):
    user = await described(bot, 721)
    await user.expect("可以继续补充")
    user.send("完成")
    await user.expect("识别为：C32")
    [draft] = await demands(bot)
    assert "完成" not in draft.text


async def test_done_typed_in_english(bot: BotHarness):
    user = await described(bot, 722, Lang.ENGLISH)
    user.send("Done")
    await user.expect(("Identified as", "C32"))
    [draft] = await demands(bot)
    assert "Done" not in draft.text


async def test_urgency_and_mode_labels_typed_are_the_presses(bot: BotHarness):
    user = await to_urgency(bot, 723)
    user.send("紧急")
    await user.expect("请选择希望的服务方式")
    user.send("现场指导")
    card = await user.expect("请核对需求信息")
    assert "紧急程度：紧急" in card["text"] and "服务方式：现场指导" in card["text"]


async def test_a_plain_phrasing_of_urgency_is_read_and_said_back(bot: BotHarness):
    user = await to_urgency(bot, 724)
    user.send("挺急的，客户下周就要货")
    said = await user.expect("紧急")
    assert "挺急" not in said["text"]
    await user.expect("请选择希望的服务方式")
    user.send("不急，远程看看就行")  # at the mode question: 远程 is remote guidance
    card = await user.expect("请核对需求信息")
    assert "紧急程度：紧急" in card["text"] and "服务方式：远程指导" in card["text"]


async def test_an_unclear_answer_is_asked_again_naming_the_choices(bot: BotHarness):
    user = await to_urgency(bot, 725)
    user.send("还行吧")
    again = await user.expect("一般")
    assert "紧急" in again["text"]
    [draft] = await demands(bot)
    assert draft.urgency is None


async def test_about_twenty_trainees_is_read_as_twenty_and_said_back(bot: BotHarness):
    user = await enterprise_user(bot, 726)
    user.send("/report")
    user.press("培训需求", await user.expect("请选择需求类型"))
    await user.expect("培训主题")
    user.send("数控车床编程")
    await user.expect("多少名职工")
    user.send("二十来个吧")
    said = await user.expect("20")
    assert "按 20 人" in said["text"]
    await user.expect("什么时间培训")
    [draft] = await demands(bot)
    assert draft.trainees == 20
