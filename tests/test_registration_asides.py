"""Text typed during /start that is not the step's answer (stranger sfix P5): a question typed at the region step is
not looked up as a place name ("沒有找到“…”。請換個説法" dropped it) but answered as a union matter, with the region
question asked again; text that plainly is no place is told so; `ok 同意` typed at the consent step agrees."""

from __future__ import annotations

from db.models import Role
from tests.harness import BotHarness
from tests.test_places import at_region_step, pick_region

HK_QUESTION = "公司話今年冇雙糧，又唔俾OT錢，合唔合法？"


async def test_a_question_at_the_region_step_is_answered_and_the_region_asked_again(bot: BotHarness):
    user, _ = await at_region_step(bot, 701, "zh-hk")
    user.send("觀塘")
    await user.expect("請選擇")
    user.send(HK_QUESTION)
    answer = await user.expect(("工資", "薪"))
    assert "沒有找到" not in answer["text"] and "換個" not in answer["text"], answer["text"]
    again = await user.expect("省份")
    assert "註冊" in again["text"] or "登記" in again["text"] or "還差" in again["text"], again["text"]
    assert await pick_region(bot, user, again, "香港特別行政區", "設置完成") == "810000"


async def test_a_sentence_that_is_no_place_is_told_so_at_the_region_step(bot: BotHarness):
    user, _ = await at_region_step(bot, 702)
    user.send("你们这个机器人是干什么用的？")
    said = await user.expect("省份")
    assert "没有找到" not in said["text"] and "地名" in said["text"], said["text"]


async def _consent_typed(bot: BotHarness, user_id: int, text: str):
    """A new user at the consent step types ``text``; returns the user."""
    user = bot.user(user_id, "王工")
    user.send("/start")
    await user.expect("个人信息处理说明")
    user.send(text)
    return user


async def test_ok_agree_typed_at_the_consent_step_agrees(bot: BotHarness):
    user = await _consent_typed(bot, 703, "ok 同意")
    await user.expect("请选择您的身份")
    assert (await bot.services.users.get(703)) is not None
    user.press("企业")
    await user.expect("省份")
    assert (await bot.services.users.get(703)).role is Role.ENTERPRISE


async def test_no_typed_at_the_consent_step_declines(bot: BotHarness):
    user = await _consent_typed(bot, 704, "不同意")
    await user.expect("没有保存")
    assert await bot.services.users.get(704) is None
