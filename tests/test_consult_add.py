"""补充问题 before staff answered: the member is asked for what to add to the question, not for a reply to union
staff (who have not replied); after staff's reply, 回复工会 still asks for the reply. Asked again alike after a
restart."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.test_consultation_replies import thread
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_union import ASK, consultations
from tests.test_union_thread import QUESTION


async def test_adding_to_a_question_staff_have_not_answered_is_worded_as_adding(bot: BotHarness):
    member = await worker(bot, 591, "330502", "李红")
    await staffer(bot, 592)
    member.send(QUESTION)
    member.press(ASK, await member.expect("12351"))
    filed = await member.expect("已把您的问题转给工会工作人员")
    await bot.wait_handled()
    number = (await consultations(bot))[-1].id
    member.press("补充问题", filed)
    asked = await member.expect(f"咨询 #{number}")
    assert "补充" in asked["text"] and "回复工会工作人员" not in asked["text"], asked["text"]
    await bot.restart()
    again = await member.expect(f"咨询 #{number}")
    assert "补充" in again["text"] and "回复工会工作人员" not in again["text"], again["text"]
    member.send("一共欠了一万五")
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    assert await thread(bot, number) == ["一共欠了一万五"]
