"""Plain union questions reach their answer (issue 21): what a newcomer typed as the worker 刘洋 in the console demo.
A worker asking "请问工资怎么算" was asked whether it was a technical problem, "我的工资怎么扣了这么多" was not
understood, the same question pasted five times was answered about membership dues, and "不是，我有别的问题" gave
no answer. Through the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_industry_step import registered
from tests.test_union import ASK, demands

WAGES = "关于工资"
NOT_UNDERSTOOD = "我暂时还不能理解这条消息"


async def liu_yang(bot: BotHarness):
    person = demo_person("刘洋")
    assert person is not None
    return await worker(bot, person.telegram_id, person.region_code, person.name)


async def answered(member, question: str) -> dict:
    """What the bot answers ``question`` with: a union answer, the not-understood line or the intake question."""
    member.send(question)
    return await member.expect(("来源：", NOT_UNDERSTOOD, "技术难题吗"))


@pytest.mark.parametrize("question", ["请问工资怎么算", "我想问一下工资的问题", "我的工资怎么扣了这么多"])
async def test_a_workers_plain_wage_question_gets_the_wage_answer(bot: BotHarness, question: str):
    member = await liu_yang(bot)
    reply = await answered(member, question)
    assert reply["text"].startswith(WAGES) and "12351" in reply["text"], reply["text"]
    assert [b["text"] for b in member.buttons(reply)] == [ASK]
    await bot.wait_handled()
    assert await demands(bot) == 0


async def test_the_same_question_pasted_again_and_again_is_still_a_wage_question(bot: BotHarness):
    """Pasted five times (or 130) into one message it was answered 关于入会和会费: each repeat counted as new evidence,
    and the model grew sure of membership past the floor where no cue word is needed."""
    member = await liu_yang(bot)
    for times in (5, 130):
        reply = await answered(member, "我想问一下工资的问题" * times)
        assert reply["text"].startswith(WAGES), (times, reply["text"][:20])
    for _ in range(5):  # and sent five times over
        reply = await answered(member, "我想问一下工资的问题")
        assert reply["text"].startswith(WAGES), reply["text"][:20]


@pytest.mark.parametrize(
    "question, heading",
    [
        ("请问会费怎么算", "关于入会和会费"),
        ("我想问一下合同的问题", "关于劳动合同"),
        ("我的加班费怎么扣了这么多", WAGES),
        ("请问工伤怎么算", "关于工伤和职业病"),
        ("我想问一下社保的问题", "这听起来是劳动权益"),
    ],
)
async def test_a_workers_plain_question_on_each_matter_gets_its_answer(bot: BotHarness, question: str, heading: str):
    member = await liu_yang(bot)
    reply = await answered(member, question)
    assert reply["text"].startswith(heading), (question, reply["text"][:30])


async def test_not_a_demand_gives_the_union_answer_the_router_ranks_first(bot: BotHarness):
    """An enterprise's weak text is asked about; 不是，我有别的问题 gave only a hotline line and /help. Now the union
    answer the router ranks first for the text, with the ask-staff button."""
    company = await registered(bot, 611)
    company.send("请问扣钱是怎么算的")
    question = await company.expect("技术难题吗")
    company.press("不是，我有别的问题", question)
    reply = await company.expect(("来源：", NOT_UNDERSTOOD))
    assert reply["text"].startswith("好的，这条没有登记为需求。\n\n" + WAGES), reply["text"][:30]
    assert [b["text"] for b in company.buttons(reply)] == [ASK]
    await bot.wait_handled()
    assert await demands(bot) == 0


async def test_not_a_demand_with_no_union_matter_offers_union_staff(bot: BotHarness):
    company = await registered(bot, 612)
    company.send("设备有点问题想问问")
    question = await company.expect("技术难题吗")
    company.press("不是，我有别的问题", question)
    reply = await company.expect(("来源：", NOT_UNDERSTOOD))
    assert NOT_UNDERSTOOD in reply["text"]
    assert [b["text"] for b in company.buttons(reply)] == [ASK]
    company.press(ASK, reply)
    await company.expect("已把您的问题转给工会工作人员")
