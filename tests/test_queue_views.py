"""What staff and craftsmen read about candidates (stranger s5 items 3, 6, 14): the rating a staffer sees is the
craftsman's own average, a word used across the pool's trades is no speciality reason, nobody is offered a 派给
that cannot send anything, /tasks names the ticket on both answers. /board: tests/test_board_industries.py."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from buttons.queue import OfferTo
from db.models import Craftsman, CraftsmanIndustry, Demand, DemandKind, DemandStatus, Role
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_report import staffer

SUBMITTED = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)


async def pool_member(
    bot: BotHarness,
    name: str,
    specialities: list[str],
    division: str,
    user_id: int | None = None,
    phone: str | None = "13900000000",
    **values,
) -> int:
    """A published craftsman in 330502 (with a Telegram account when ``user_id``)."""
    if user_id is not None:
        await bot.services.users.register(user_id, name)
        await bot.services.users.set_role(user_id, Role.CRAFTSMAN)
    async with bot.services.db.session() as session:
        c = Craftsman(
            user_id=user_id,
            name=name,
            workplace=f"{name}的工作单位",
            phone=phone,
            specialities=specialities,
            service_modes=["onsite"],
            region_code="330502",
            capacity=3,
            search_text=" ".join(specialities),
            industries=[CraftsmanIndustry(division=division)],
            **values,
        )
        session.add(c)
        await session.flush()
        craftsman_id = c.id
    bot.services.matcher.invalidate()
    return craftsman_id


async def queued(bot: BotHarness, text: str, division: str, number: int = 1) -> str:
    """A submitted demand of 330502 in ``division``; its ticket."""
    ticket = f"ZQ-2026-{number:06d}"
    async with bot.services.db.session() as session:
        session.add(
            Demand(
                kind=DemandKind.PROBLEM,
                text=text,
                industry=division,
                region_code="330502",
                status=DemandStatus.SUBMITTED,
                ticket=ticket,
                submitted_at=SUBMITTED,
            )
        )
    return ticket


def line_of(text: str, name: str) -> str:
    """A candidate's entry in a /queue item: the line with his name and the line of reasons under it."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if name in line)
    return "\n".join(lines[at : at + 2])


async def test_the_queue_shows_the_craftsmans_own_average_rating(bot: BotHarness):
    """Item 3: one 5★ rating read "评分 4.3（1 条）" in /queue (the value shrunk towards 4 for ranking) while the
    craftsman's /stats me said 5.0."""
    staff = await staffer(bot)
    await pool_member(bot, "李秀英", ["SMT贴片工艺"], "39", user_id=701, rating_sum=5, rating_count=1)
    ticket = await queued(bot, "SMT贴片立碑虚焊", "39")
    staff.send("/queue")
    item = await staff.expect(ticket)
    assert "评分 5.0（1 条）" in line_of(item["text"], "李秀英")


async def test_a_word_used_across_the_pools_trades_is_no_speciality_reason(bot: BotHarness):
    """Item 14: "擅长：印染工艺" was a reason for an SMT problem, because both say 工艺."""
    staff = await staffer(bot)
    await pool_member(bot, "李秀英", ["SMT贴片工艺"], "39", user_id=701)
    await pool_member(bot, "钱师傅", ["印染工艺"], "39", user_id=702)
    await pool_member(bot, "赵师傅", ["捻度工艺"], "17", user_id=703)
    await pool_member(bot, "孙师傅", ["污水处理工艺"], "46", user_id=704)
    ticket = await queued(bot, "SMT线贴片元件立碑虚焊，想请专家帮忙分析工艺参数", "39")
    staff.send("/queue")
    text = (await staff.expect(ticket))["text"]
    assert "擅长：SMT贴片工艺" in line_of(text, "李秀英")
    assert "擅长" not in line_of(text, "钱师傅")


async def test_a_craftsman_without_telegram_is_to_be_phoned_not_offered(bot: BotHarness):
    """Item 6: "派给 梁丽娟" for a craftsman without Telegram only answered (twice) that staff must phone her."""
    staff = await staffer(bot)
    await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone="+8613900020006")
    await pool_member(bot, "周师傅", ["铝型材挤压"], "32", user_id=701)
    await pool_member(bot, "吴师傅", ["铝型材挤压"], "32", phone=None)
    ticket = await queued(bot, "铝型材挤压后表面出现斑点缺陷", "32")
    staff.send("/queue")
    item = await staff.expect(ticket)
    labels = [b["text"] for b in FakeUser.buttons(item)]
    assert "派给 周师傅" in labels and "📞 致电 梁丽娟" in labels
    assert not any("派给 梁丽娟" in label or "吴师傅" in label for label in labels), labels
    assert "无法联系" in line_of(item["text"], "吴师傅")
    answer = await staff.answer_to(staff.press("📞 致电 梁丽娟", item))
    said = await staff.expect("请电话联系")
    assert "+8613900020006" in said["text"] and not answer.get("text")


async def test_the_next_candidate_after_a_decline_is_phoned_when_he_has_no_telegram(bot: BotHarness):
    """Item 6: "下一位候选：梁丽娟" came with "派给 梁丽娟", which could only fail."""
    staff = await staffer(bot)
    await pool_member(bot, "周师傅", ["铝型材挤压", "表面缺陷"], "32", user_id=701)
    await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone="+8613900020006")
    ticket = await queued(bot, "铝型材挤压后表面出现斑点缺陷", "32")
    staff.send("/queue")
    staff.press("派给 周师傅", await staff.expect(ticket))
    helper = bot.user(701, first_name="周师傅")
    offer = await helper.expect("新的服务请求 " + ticket)
    helper.press("🙏 婉拒", offer)
    await helper.expect("婉拒原因")
    helper.send("下周出差")
    alert = await staff.expect("周师傅 婉拒了需求 " + ticket)
    assert "下一位候选：梁丽娟" in alert["text"]
    labels = [b["text"] for b in FakeUser.buttons(alert)]
    assert "派给 梁丽娟" not in labels, labels
    staff.press("📞 致电 梁丽娟", alert)
    assert "+8613900020006" in (await staff.expect("请电话联系"))["text"]


async def test_a_pressed_offer_to_someone_to_phone_is_said_once(bot: BotHarness):
    """Item 6: the refusal came as a message and as a pop-up with the same words."""
    staff = await staffer(bot)
    craftsman_id = await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone="+8613900020006")
    ticket = await queued(bot, "铝型材挤压后表面出现斑点缺陷", "32")
    staff.send("/queue")
    item = await staff.expect(ticket)
    async with bot.services.db.session() as session:
        demand_id = await session.scalar(select(Demand.id).where(Demand.ticket == ticket))
    pressed = staff.press_data(bot.signed(staff, OfferTo(demand_id, craftsman_id).data(), item), item)
    answer = await staff.answer_to(pressed)
    said = await staff.expect("请电话联系")
    assert "+8613900020006" in said["text"]
    assert "请电话联系" not in (answer.get("text") or "")


async def test_tasks_names_the_ticket_on_decline_too(bot: BotHarness):
    """Item 14: "[✅ 接受 ZQ-…] [🙏 婉拒]" in /tasks: the decline did not say which demand."""
    staff = await staffer(bot)
    await pool_member(bot, "周师傅", ["铝型材挤压"], "32", user_id=701)
    ticket = await queued(bot, "铝型材挤压后表面出现斑点缺陷", "32")
    staff.send("/queue")
    staff.press("派给 周师傅", await staff.expect(ticket))
    helper = bot.user(701, first_name="周师傅")
    await helper.expect("新的服务请求 " + ticket)
    helper.send("/tasks")
    tasks = await helper.expect("我的服务")
    assert f"🙏 婉拒 {ticket}" in [b["text"] for b in FakeUser.buttons(tasks)]
