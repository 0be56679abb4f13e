"""Text with no words in it (emoji, punctuation, a lone number or date) and over-long text outside any step: the
bot says what it can do, files nothing for staff, forwards no empty reason, and accepts no name without letters."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Consultation, Demand, Lang, Role
from fakebotapi import FakeUser
from services.validation import has_words
from tests.harness import BotHarness
from tests.test_events_e2e import competition_up_to_organiser, worker
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import craftsman, submit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("😀😀😀", False),
        ("🙂", False),
        ("-0", False),
        ("１e９", False),
        ("2月30日", False),
        ("。。。!!!", False),
        ("", False),
        ("AI写作 <入门>", True),
        ("周老师", True),
        ("C", True),
        ("2026年湖州市焊工大赛", True),
    ],
)
def test_has_words(text: str, expected: bool):
    assert has_words(text) is expected


async def _declining(bot: BotHarness) -> tuple[FakeUser, FakeUser]:
    """Staff and a craftsman asked why he declines an offer."""
    staff = await staffer(bot)
    helper = await craftsman(bot, 951, "林师傅", "330502", ["注塑成型缺陷", "缩痕"], ["29"])
    company = await enterprise_user(bot, 37)
    await submit(company, "注塑件表面缩痕明显，变形超差，需要调整工艺")
    async with bot.services.db.session() as session:
        demand_id = await session.scalar(select(Demand.id))
    best = (await bot.services.matcher.for_demand(demand_id))[0]
    await bot.services.casework.offer(900, Role.STAFF, demand_id, best.craftsman_id)
    await bot.application.sender.flush()
    helper.press("🙏 婉拒", await helper.expect("新的服务请求"))
    await helper.expect("婉拒原因")
    return staff, helper


async def test_a_decline_reason_without_words_is_asked_again_not_forwarded(bot: BotHarness):
    staff, helper = await _declining(bot)
    helper.send("😀")
    await helper.expect("请用文字")
    await bot.wait_handled()
    assert not any("婉拒了需求" in text for text in staff.texts())
    helper.send("时间冲突")
    await helper.expect("已婉拒")
    alert = await staff.expect("婉拒了需求")
    assert "原因：时间冲突" in alert["text"]

    helper.send("长" * 5000)  # nothing is being asked now: a too-long message to the bot, not to a question
    reply = await helper.expect("太长")
    assert "再发送" not in reply["text"] and "给我的消息" in reply["text"], reply["text"]


async def test_a_too_long_message_outside_any_step_is_not_told_to_be_sent_again_in_english(bot: BotHarness):
    await bot.services.users.register(61, "Tom", language_code="en", lang=Lang.ENGLISH)
    await bot.services.users.set_role(61, Role.WORKER)
    user = bot.user(61, first_name="Tom", language_code="en")
    user.send("x" * 5000)
    reply = await user.expect("too long")
    assert "send it again" not in reply["text"] and "message to me" in reply["text"], reply["text"]


async def test_a_message_with_no_words_gets_a_hint_and_no_ask_staff_button(bot: BotHarness):
    member = await worker(bot, 31, "330502", "刘洋")
    for text in ("😀😀😀", "-0", "2月30日", "１e９"):
        member.send(text)
        reply = await member.expect("/help")
        assert "只有表情、符号或数字" in reply["text"] and not FakeUser.buttons(reply), (text, reply)
    async with bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Consultation)) == 0


async def test_names_without_letters_are_refused(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    staff.send("😀😀😀")
    await staff.expect("文字")
    staff.send("AI写作入门")
    await staff.expect("授课老师")
    staff.send("🙂")
    await staff.expect("文字")
    staff.send("周老师")
    await staff.expect("上课地点")

    staff.send("/cancel")
    await staff.expect("已退出")
    await competition_up_to_organiser(staff)
    staff.send("🙂")
    await staff.expect("文字")
    staff.send("湖州市总工会")
    await staff.expect("报名截止时间")
