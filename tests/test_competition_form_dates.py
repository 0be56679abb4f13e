"""/new_competition checks each time as it is typed, against the times given before it (the rules of
services/competitions.py): a start before the registration deadline or an end before the start is asked again at
once, not at 发布; a rule broken at 发布 (the start passed while the card was open) asks that one answer again and
keeps the others; a 跳过 of an earlier question does not skip the one now asked. (Clock: 2026-11-21 10:00 local.)"""

from __future__ import annotations

from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_report import staffer


async def up_to_deadline(staff: FakeUser) -> dict:
    staff.send("/new_competition")
    await staff.expect("请输入竞赛名称")
    staff.send("湖州市焊工技能大赛")
    staff.press("C 制造业", await staff.expect("面向哪个行业"))
    staff.press("不限地区", await staff.expect("面向哪个地区"))
    staff.press("跳过", await staff.expect("主办单位"))
    return await staff.expect("报名截止时间")


async def test_times_are_checked_against_each_other_as_they_are_typed(bot: BotHarness):
    staff = await staffer(bot)
    await up_to_deadline(staff)
    staff.send("今天")  # registration closes today 23:59
    await staff.expect("比赛开始时间")
    staff.send("今天下午3点")
    await staff.expect("比赛开始时间不能早于报名截止时间（2026-11-21 23:59），请重新输入开始时间")
    staff.send("明天上午9点")
    await staff.expect("比赛结束时间")
    staff.send("今天上午11点")
    await staff.expect("结束时间要晚于开始时间，请重新输入结束时间")
    staff.send("明天下午5点")
    await staff.expect("比赛地点")
    staff.send("湖州技师学院 实训楼")
    staff.press("跳过", await staff.expect("简要介绍"))
    staff.press("跳过", await staff.expect("如何报名"))
    card = (await staff.expect("请核对"))["text"]
    assert "比赛时间：2026-11-22 09:00 至 2026-11-22 17:00" in card, card
    assert "报名截止：2026-11-21 23:59" in card, card


async def test_a_rule_broken_at_publish_asks_that_answer_again_and_keeps_the_rest(bot: BotHarness):
    staff = await staffer(bot)
    staff.press("跳过", await up_to_deadline(staff))
    await staff.expect("比赛开始时间")
    staff.send("今天下午3点")
    staff.press("跳过", await staff.expect("比赛结束时间"))
    staff.send("湖州技师学院 实训楼")
    staff.press("跳过", await staff.expect("简要介绍"))
    staff.press("跳过", await staff.expect("如何报名"))
    card = await staff.expect("请核对")
    bot.clock.advance(hours=6)  # 16:00: the start has passed while the card was open
    staff.press("发布", card)
    await staff.expect("比赛开始时间已经过去了")
    await staff.expect("比赛开始时间？")
    staff.send("明天上午9点")
    again = (await staff.expect("请核对"))["text"]  # straight back to the card: nothing else is asked again
    assert "地点：湖州技师学院 实训楼" in again and "比赛时间：2026-11-22 09:00" in again, again


async def test_an_earlier_questions_skip_does_not_skip_the_question_now_asked(bot: BotHarness):
    staff = await staffer(bot)
    staff.press("跳过", await up_to_deadline(staff))
    await staff.expect("比赛开始时间")
    staff.send("明天上午9点")
    end_question = await staff.expect("比赛结束时间")
    staff.send("明天下午5点")
    await staff.expect("比赛地点")
    answer = await staff.answer_to(staff.press("跳过", end_question))  # the end question's old 跳过
    assert "失效" in answer["text"], answer
    staff.send("湖州技师学院 实训楼")
    staff.press("跳过", await staff.expect("简要介绍"))
    staff.press("跳过", await staff.expect("如何报名"))
    card = (await staff.expect("请核对"))["text"]
    assert "地点：湖州技师学院 实训楼" in card, card
