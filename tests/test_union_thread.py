"""A consultation is a thread (hostile tester's item 13): staff may reply again while it is open, the member answers a
reply with 回复工会 and the follow-up lands in the same consultation, back in staff's /queue; staff end it with
✅ 结束咨询 and the member is told; a closed one's old buttons say so before asking for text. Through the fake Bot API,
on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEntry, ConsultationMessage, ConsultationStatus
from services.periods import MONTH, Period
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_security import refused
from tests.test_service_flow import craftsman
from tests.test_union import ASK, consultations

QUESTION = "老板拖欠三个月工资怎么办"


async def asked(bot: BotHarness, member) -> int:
    member.send(QUESTION)
    member.press(ASK, await member.expect("12351"))
    await member.expect("已把您的问题转给工会工作人员")
    await bot.wait_handled()
    return (await consultations(bot))[-1].id


async def reply(bot: BotHarness, staff, card: dict, number: int, text: str, member) -> dict:
    """Staff press ✍️ 回复 on ``card`` and type ``text``; returns the member's notice."""
    staff.press("回复", card)
    await staff.expect(f"请输入给这位职工的回复（咨询 #{number}）")
    staff.send(text)
    await staff.expect(f"已回复咨询 #{number}")
    await bot.tick()
    return await member.expect(text)


async def replied(bot: BotHarness, member_id: int, staff_id: int, text: str) -> tuple:
    """A member asked, and staff replied ``text`` from /queue: (member, staff, number, the member's notice)."""
    member = await worker(bot, member_id, "330502", "李红")
    number = await asked(bot, member)
    staff = await staffer(bot, staff_id)
    staff.send("/queue")
    first = await reply(bot, staff, await staff.expect(f"咨询 #{number}"), number, text, member)
    return member, staff, number, first


async def audited(bot: BotHarness, action: str) -> int:
    async with bot.services.db.session() as session:
        rows = await session.scalars(select(AuditEntry.id).where(AuditEntry.action == action, AuditEntry.allowed))
        return len(rows.all())


async def test_staff_reply_again_the_member_follows_up_and_staff_end_the_consultation(bot: BotHarness):
    member = await worker(bot, 561, "330502", "李红")
    number = await asked(bot, member)
    staff = await staffer(bot, 562)
    staff.send("/queue")
    card = await staff.expect(f"咨询 #{number}")
    first = await reply(bot, staff, card, number, "请先保留考勤记录和工资条。", member)
    assert [b["text"] for b in member.buttons(first)] == ["回复工会"]
    # staff reply again from the same card: the second reply reaches the member (it was discarded: 已经回复或关闭了)
    await reply(bot, staff, card, number, "也可以直接拨打12351。", member)

    # the member answers the reply: the follow-up lands in the same consultation, and staff see it again in /queue
    member.press("回复工会", first)
    await member.expect(f"请输入您要回复工会工作人员的内容（咨询 #{number}）")
    member.send("老板说下个月才发，还能等吗？")
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    await bot.tick()
    await staff.expect(f"职工补充了咨询 #{number}")
    [row] = await consultations(bot)
    assert row.status is ConsultationStatus.OPEN
    staff.send("/queue")
    again = await staff.expect(f"咨询 #{number}")
    assert "老板说下个月才发，还能等吗？" in again["text"] and "也可以直接拨打12351。" in again["text"], again["text"]
    master = await craftsman(bot, 563, "周师傅", "330502", ["注塑"], ["29"])
    await bot.wait_handled()
    assert not any("下个月才发" in text for text in master.texts()), "a craftsman never sees a member's question"

    # staff end it: the member is told; the old ✍️ 回复 and 回复工会 say so before asking for text
    staff.press("结束咨询", again)
    await staff.expect(f"已结束咨询 #{number}")
    await bot.tick()
    await member.expect(f"咨询 #{number} 已结束")
    assert (await consultations(bot))[0].status is ConsultationStatus.CLOSED
    press = staff.press("回复", card)
    assert "已结束" in (await staff.answer_to(press))["text"]
    press = member.press("回复工会", first)
    assert "已结束" in (await member.answer_to(press))["text"]
    await bot.wait_handled()
    assert not any("请输入给这位职工的回复" in t for t in staff.texts()[-3:])
    assert not any("请输入您要回复" in t for t in member.texts()[-2:])
    assert (await audited(bot, "consultation.answer"), await audited(bot, "consultation.follow_up")) == (2, 1)
    assert await audited(bot, "consultation.close") == 1
    # closed after staff replied: still counted as answered
    report = await bot.services.statistics.consultations(
        Period.of(MONTH, bot.clock.now().year, bot.clock.now().month), None
    )
    assert report["wages"].answered == 1


async def test_someone_elses_reply_button_is_refused_and_audited(bot: BotHarness):
    member, _staff, _number, first = await replied(bot, 564, 565, "请保留工资条。")
    [data] = [b["callback_data"] for b in member.buttons(first)]
    other = await worker(bot, 566, "330502", "张伟")
    press = other.press_data(data, first)
    assert "已失效" in (await other.answer_to(press))["text"]
    await bot.wait_handled()
    assert await refused(bot, 566) == ["consultation.follow_up"]
    assert not any("请输入您要回复" in t for t in other.texts())


async def test_erasure_removes_the_members_follow_ups_and_staffs_replies(bot: BotHarness):
    """A member's answers to staff (and staff's replies, which may repeat them) are erased with the question."""
    member, _staff, _number, first = await replied(bot, 567, 568, "李红您好，请保留工资条。")
    member.press("回复工会", first)
    await member.expect("请输入您要回复工会工作人员的内容")
    member.send("我住在吴兴区织里镇幸福路8号")
    await member.expect("已转给工会工作人员")
    await bot.services.privacy.erase(567)
    async with bot.services.db.session() as session:
        texts = (await session.scalars(select(ConsultationMessage.text))).all()
    assert len(texts) == 2 and not any("幸福路" in t or "李红" in t for t in texts), texts


async def test_a_telegram_reply_to_staffs_reply_lands_in_the_consultation(bot: BotHarness):
    """The member answers staff's reply with Telegram's reply (not the button): it went to the intent router ("收到。
    我暂时还不能理解这条消息") and never reached staff; now it is the same consultation's follow-up."""
    member, staff, number, first = await replied(bot, 569, 570, "请问拖欠了多少？")
    member.send("一万五", reply_to=first)
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    await bot.tick()
    await staff.expect(f"职工补充了咨询 #{number}")
    assert (await consultations(bot))[0].status is ConsultationStatus.OPEN
    assert not any("不能理解" in t for t in member.texts())
