"""Nothing a member or staff write about a consultation is lost (hostile tester's round 4, items 2, 11, 12): a
Telegram reply to a union message reaches its consultation before any open step takes it; a reply to the bot's
"已把您的问题转给…" / "已转给…" adds to that open consultation; text typed after the consultation ended meanwhile is
filed as a new one (the member is told), and staff's reply typed after a colleague ended it still reaches the
member; staff's notices carry the buttons, and /queue lists replied-to consultations still open. Through the fake
Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from db.models import ConsultationMessage, ConsultationStatus
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_union import ASK, consultations
from tests.test_union_thread import QUESTION, asked, replied


async def thread(bot: BotHarness, number: int) -> list[str]:
    async with bot.services.db.session() as session:
        rows = await session.scalars(
            select(ConsultationMessage.text)
            .where(ConsultationMessage.consultation_id == number)
            .order_by(ConsultationMessage.id)
        )
        return list(rows.all())


async def end_from_queue(staff, number: int) -> None:
    """Staff end consultation ``number`` from its /queue item."""
    staff.send("/queue")
    staff.press("结束咨询", await staff.expect(f"💬 咨询 #{number}"))
    await staff.expect(f"已结束咨询 #{number}")


async def test_a_reply_to_staff_reaches_the_consultation_while_a_step_is_open(bot: BotHarness):
    """It was taken by /join's name step ("一万五" stored as the name, then the honours question)."""
    member, staff, number, first = await replied(bot, 581, 582, "请问拖欠了多少？")
    member.send("/join")
    await member.expect("请输入您的姓名")
    member.send("一万五", reply_to=first)
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    await bot.tick()
    await staff.expect(f"职工补充了咨询 #{number}")
    assert await thread(bot, number) == ["请问拖欠了多少？", "一万五"]
    assert not any("荣誉" in t for t in member.texts())
    member.send("李红")  # the name step still waits for its answer
    await member.expect("您获得过哪些荣誉")


async def test_a_reply_to_the_asked_message_adds_to_the_open_consultation(bot: BotHarness):
    """Before staff answered, a reply to "已把您的问题转给…" answered the wage question again with a new ask button."""
    member = await worker(bot, 583, "330502", "李红")
    staff = await staffer(bot, 584)
    member.send(QUESTION)
    member.press(ASK, await member.expect("12351"))
    filed = await member.expect("已把您的问题转给工会工作人员")
    await bot.wait_handled()
    number = (await consultations(bot))[-1].id
    assert [b["text"] for b in member.buttons(filed)] == ["补充问题"]
    await bot.tick()
    new = await staff.expect(f"新的职工咨询 #{number}")
    assert [b["text"] for b in staff.buttons(new)] == ["✍️ 回复", "✅ 结束咨询"], staff.buttons(new)
    member.send("补充：一共欠了一万五", reply_to=filed)
    added = await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    await bot.tick()
    told = await staff.expect(f"职工补充了咨询 #{number}")
    assert [b["text"] for b in staff.buttons(told)] == ["✍️ 回复", "✅ 结束咨询"], staff.buttons(told)
    assert len(await consultations(bot)) == 1
    assert await thread(bot, number) == ["补充：一共欠了一万五"]
    # and a reply to that confirmation adds again
    member.send("老板姓王", reply_to=added)
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    await bot.wait_handled()
    assert await thread(bot, number) == ["补充：一共欠了一万五", "老板姓王"]
    # staff answer from the notice's own button
    staff.press("回复", told)
    await staff.expect(f"请输入给这位职工的回复（咨询 #{number}）")


async def test_text_typed_after_the_consultation_ended_is_filed_as_a_new_one(bot: BotHarness):
    member, staff, number, first = await replied(bot, 585, 586, "请保留工资条。")
    member.press("回复工会", first)
    await member.expect(f"请输入您要回复工会工作人员的内容（咨询 #{number}）")
    await end_from_queue(staff, number)
    member.send("还有一个问题：加班费怎么算？")
    said = await member.expect(f"咨询 #{number + 1}")
    assert f"咨询 #{number} 已经结束" in said["text"], said["text"]
    rows = await consultations(bot)
    assert [r.status for r in rows] == [ConsultationStatus.CLOSED, ConsultationStatus.OPEN]
    assert rows[1].question == "还有一个问题：加班费怎么算？" and rows[1].topic == rows[0].topic
    await bot.tick()
    await staff.expect(f"咨询 #{number + 1}")


async def test_staffs_reply_typed_after_a_colleague_ended_it_reaches_the_member(bot: BotHarness):
    member = await worker(bot, 587, "330502", "李红")
    number = await asked(bot, member)
    first, second = await staffer(bot, 588), await staffer(bot, 589)
    first.send("/queue")
    card = await first.expect(f"咨询 #{number}")
    first.press("回复", card)
    await first.expect(f"请输入给这位职工的回复（咨询 #{number}）")
    await end_from_queue(second, number)
    first.send("请保留考勤记录。")
    said = await first.expect(f"咨询 #{number}")
    assert "已发给" in said["text"], said["text"]
    await bot.tick()
    notice = await member.expect("请保留考勤记录。")
    assert [b["text"] for b in member.buttons(notice)] == ["回复工会"]
    assert (await consultations(bot))[0].status is ConsultationStatus.ANSWERED


async def test_queue_lists_replied_consultations_still_open(bot: BotHarness):
    """A consultation staff replied to was missing from /queue: its only ✅ 结束咨询 was on the old message."""
    _member, staff, number, _first = await replied(bot, 590, 591, "请保留工资条。")
    staff.send("/queue")
    await staff.expect("已回复、尚未结束的咨询：1 件")
    item = await staff.expect(f"💬 咨询 #{number}")
    assert "请保留工资条。" in item["text"] and [b["text"] for b in staff.buttons(item)] == ["✍️ 回复", "✅ 结束咨询"]
    await end_from_queue(staff, number)
