"""A demand that ends before its service — withdrawn by the enterprise in /my, or by /delete_me — releases whoever
holds it: the craftsman with the offer or the case is told (the ticket only, no personal data), his match is
withdrawn, a booked visit is cancelled, and staff's queue no longer lists it. 其他原因 asks for the reason in a few
words (optional). /privacy counts submitted demands and drafts apart; a ticket number is given at submission, so a
draft never uses one up."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.models import Demand, DemandStatus, DemandStatusHistory, Match, MatchStatus
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import PHONE, craftsman, submit

TEXT = "铝型材喷涂后氧化膜厚度不均，表面起泡，良品率下降"


async def queued(bot: BotHarness):
    """Staff, a craftsman and an enterprise whose submitted demand staff see in /queue: (staff, craftsman,
    enterprise, ticket, the queue item)."""
    staff = await staffer(bot)
    master = await craftsman(bot, 501, "周师傅", "330502", ["铝型材挤压", "喷涂与阳极氧化"], ["32"])
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, TEXT)
    await staff.expect("新需求 " + ticket)
    staff.send("/queue")
    return staff, master, company, ticket, await staff.expect(ticket)


async def offered(bot: BotHarness):
    """Staff, a craftsman and an enterprise whose submitted demand was offered to him: (staff, craftsman,
    enterprise, ticket, the offer message)."""
    staff, master, company, ticket, item = await queued(bot)
    staff.press("派给 周师傅", item)
    await staff.expect("已派给 周师傅")
    offer = await master.expect("新的服务请求 " + ticket)
    return staff, master, company, ticket, offer


async def submitted(bot: BotHarness, user_id: int, text: str) -> str:
    """A demand filed through the services (as /report does); its ticket."""
    services = bot.services
    draft = await services.demands.start_draft(user_id, text=text)
    await services.demands.update(
        draft.id, user_id, urgency="normal", service_mode="onsite", contact_name="李工", contact_phone=PHONE
    )
    proposal = await services.industry.propose(user_id, services.analyzer.analyse(text), "demand")
    settled = await services.industry.choose(proposal.id, user_id, "32", "confirm", "demand")
    await services.demands.set_industry(draft.id, user_id, settled)
    return (await services.demands.submit(draft.id, user_id)).ticket


async def other_reason_asked(company: FakeUser, ticket: str) -> dict:
    """/my → the demand → 撤回 → 其他原因: the question for the words, with its 跳过."""
    company.send("/my")
    company.press(ticket, await company.expect("我的需求"))
    company.press("撤回", await company.expect(ticket))
    company.press("其他原因", await company.expect("为什么要撤回"))
    return await company.expect("撤回的原因")


async def match_statuses(bot: BotHarness) -> list[MatchStatus]:
    async with bot.services.db.session() as session:
        return list((await session.scalars(select(Match.status).order_by(Match.id))).all())


async def test_withdrawing_tells_the_craftsman_with_the_offer_and_other_asks_for_the_reason(bot: BotHarness):
    staff, master, company, ticket, offer = await offered(bot)
    asked = await other_reason_asked(company, ticket)
    assert any("跳过" in b["text"] for b in company.buttons(asked)), "the reason is optional"
    company.send("已找到本地的供应商解决")
    await company.expect(f"已撤回 {ticket}")

    told = await master.expect(f"需求 {ticket} 已由企业撤回")
    assert PHONE not in told["text"] and "李工" not in told["text"] and "氧化膜" not in told["text"]
    late = master.press("✅ 接受", offer)
    assert "已处理或已失效" in (await master.answer_to(late))["text"]
    assert await match_statuses(bot) == [MatchStatus.WITHDRAWN]
    async with bot.services.db.session() as session:
        demand = await session.scalar(select(Demand).where(Demand.ticket == ticket))
        note = await session.scalar(
            select(DemandStatusHistory.note).where(
                DemandStatusHistory.demand_id == demand.id, DemandStatusHistory.to_status == "withdrawn"
            )
        )
    assert demand.status is DemandStatus.WITHDRAWN and "已找到本地的供应商解决" in note
    staff.send("/queue")
    assert ticket not in (await staff.expect("需求队列为空"))["text"]


async def test_other_reason_may_be_skipped(bot: BotHarness):
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, TEXT)
    company.press("跳过", await other_reason_asked(company, ticket))
    await company.expect(f"已撤回 {ticket}")
    async with bot.services.db.session() as session:
        assert await session.scalar(select(Demand.status).where(Demand.ticket == ticket)) is DemandStatus.WITHDRAWN


async def test_delete_me_withdraws_open_demands_and_tells_the_craftsman_with_the_case(bot: BotHarness):
    staff, master, company, ticket, offer = await offered(bot)
    master.press("✅ 接受", offer)
    accepted = await master.expect("企业联系方式")
    assert PHONE in accepted["text"]
    await company.expect("已接受您的需求")
    bot.clock.advance(120)
    company.send("/delete_me")
    company.press("确认删除", await company.expect("确定要删除"))
    await company.expect("个人信息已删除")
    await bot.wait_handled()

    told = await master.expect(f"需求 {ticket} 已由企业撤回")
    assert PHONE not in told["text"] and "李工" not in told["text"]
    assert await match_statuses(bot) == [MatchStatus.WITHDRAWN]
    async with bot.services.db.session() as session:
        assert await session.scalar(select(Demand.status).where(Demand.ticket == ticket)) is DemandStatus.WITHDRAWN
    staff.send("/queue")
    assert ticket not in (await staff.expect("需求队列为空"))["text"]
    master.send("/tasks")
    assert ticket not in (await master.expect("没有在办的服务"))["text"]


async def test_privacy_counts_submitted_demands_and_drafts_take_no_ticket_number(bot: BotHarness):
    services = bot.services
    company = await enterprise_user(bot, 31)
    first = await submit(company, TEXT)
    await services.demands.start_draft(31, text="另一个问题：挤压模具磨损很快，需要指导")  # never submitted
    await enterprise_user(bot, 32)
    discarded = await services.demands.start_draft(32, text="第三个问题：阳极氧化槽液温度控制")
    await services.demands.discard(discarded.id, 32)
    second = await submitted(bot, 32, "挤压型材表面有划痕，模具需要抛光指导")
    number = int(re.search(r"(\d{6})$", first).group(1))
    assert second.endswith(f"{number + 1:06d}"), "the drafts in between used no number"

    company.send("/privacy")
    shown = await company.expect("相关记录")
    assert "提交的需求：1 条" in shown["text"] and "草稿：1 份" in shown["text"]


async def test_delete_me_edits_the_messages_already_in_others_chats(bot: BotHarness):
    """The copies Telegram holds: staff's new-demand notice and 打开 view, a /queue item, a craftsman's /board list —
    each is edited to say its personal data was erased (the stored rows were scrubbed before; the chats were not)."""
    staff = await staffer(bot)
    master = await craftsman(bot, 501, "周师傅", "330502", ["铝型材挤压", "喷涂与阳极氧化"], ["32"])
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, TEXT)
    notice = await staff.expect("新需求 " + ticket)
    staff.press("打开", notice)
    view = await staff.expect(PHONE)
    staff.send("/queue")
    item = await staff.expect(ticket)
    master.send("/board")
    board = await master.expect(ticket)
    copies = [(staff, notice), (staff, view), (staff, item), (master, board)]
    assert all("氧化膜" in message["text"] for _user, message in copies)

    bot.clock.advance(120)
    company.send("/delete_me")
    company.press("确认删除", await company.expect("确定要删除"))
    await company.expect("个人信息已删除")
    await bot.wait_handled()
    for user, _message in copies:  # each edit is an event in its chat
        await user.expect("个人信息已应本人要求删除")
    for user, message in copies:
        now = user.current(message["message_id"])["text"]
        assert "氧化膜" not in now and PHONE not in now and "个人信息已应本人要求删除" in now, now
