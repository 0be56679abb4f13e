"""/report → 继续填写 takes a kept draft up at the first step still unanswered (the urgency question, say), not at
the description ("已记下您的描述…"): after /cancel → 保留草稿 (read from what the draft holds) and after another
step set it aside (the form's own progress, kept)."""

from __future__ import annotations

from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_report import demands, enterprise_user, fill_profile

TEXT = "铝型材喷涂过程遇到氧化，皮膜厚度不均，想请专家来看看"


async def _to_industry(user: FakeUser) -> dict:
    """/report up to the industry question (the description settled with 完成); that question."""
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await fill_profile(user)
    await user.expect("请描述")
    user.send(TEXT)
    user.press("完成", await user.expect("可以继续补充"))
    return await user.expect("识别为：")


async def _to_urgency(user: FakeUser) -> None:
    user.press("✅确认", await _to_industry(user))
    await user.expect("请选择紧急程度")


async def _take_up(user: FakeUser) -> dict:
    user.send("/report")
    user.press("继续填写", await user.expect("您有一份尚未提交的需求"))
    return await user.expect(("请选择紧急程度", "已记下您的描述", "识别为："))


async def test_a_draft_kept_at_the_urgency_question_is_taken_up_there(bot: BotHarness):
    user = await enterprise_user(bot, 41)
    await _to_urgency(user)
    user.send("/cancel")
    user.press("保留草稿", await user.expect("要丢弃这份尚未提交的需求草稿吗"))
    await user.expect("草稿已保留")
    taken = await _take_up(user)
    assert "请选择紧急程度" in taken["text"], taken["text"]
    user.press("一般", taken)
    user.press("现场指导", await user.expect("请选择希望的服务方式"))
    card = await user.expect("请核对需求信息")
    assert TEXT in card["text"]
    [draft] = await demands(bot)
    assert draft.urgency == "normal" and draft.industry


async def test_a_draft_set_aside_at_the_industry_question_is_taken_up_there(bot: BotHarness):
    user = await enterprise_user(bot, 42)
    await _to_industry(user)
    user.send("/join")  # another step sets the report aside
    await user.expect("请输入您的姓名")
    taken = await _take_up(user)
    assert "识别为：" in taken["text"], taken["text"]
    user.press("✅确认", taken)
    await user.expect("请选择紧急程度")
