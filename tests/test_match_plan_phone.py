"""/match_all with phone-only picks (hostile tester, cards item 2): the title's total counts only the pairs 全部派单
can offer, names that button in words (no stray ✅ read as a tick), and after 全部派单 each phone listed has the
queue card's ✅ 已电话确认接单 / 🙅 电话婉拒 buttons; an answer recorded there takes that demand's buttons off."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Demand
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_match_plan_reach import PROBLEM, phone_only
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import submit


async def test_phone_picks_get_answer_buttons_and_no_share_of_the_total(bot: BotHarness):
    staff = await staffer(bot)
    await phone_only(bot, "韩师傅", "330502", capacity=1)
    company = await enterprise_user(bot, 35)
    ticket = await submit(company, PROBLEM)

    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    title = plan["text"].splitlines()[0]
    assert "0/1 条需求可分配" in title and "总分 0.00" in title, title
    assert "✅" not in title and "「全部派单」" in title, title
    staff.press("✅ 全部派单", plan)
    result = await staff.expect("已派单 0 条")
    labels = [b["text"] for b in FakeUser.buttons(result)]
    assert labels == [f"✅ 已电话确认接单（韩师傅 · {ticket}）", f"🙅 电话婉拒（韩师傅 · {ticket}）"], labels
    staff.press(f"✅ 已电话确认接单（韩师傅 · {ticket}）", result)
    await staff.expect("已记录")

    def redrawn() -> dict | None:
        now = staff.current(result["message_id"])
        return now if not FakeUser.buttons(now) else None

    now = await staff.wait_until(redrawn)
    assert "已派单 0 条" in now["text"]


async def test_one_phone_pick_for_two_demands_names_each_ticket_on_its_buttons(bot: BotHarness):
    """Hostile 7: the same phone-only craftsman picked for two demands gave two identical pairs of buttons; each
    pair names its ticket and records the answer for exactly that demand."""
    staff = await staffer(bot)
    await phone_only(bot, "韩师傅", "330502", capacity=3)
    company = await enterprise_user(bot, 35)
    first = await submit(company, PROBLEM)
    bot.clock.advance(minutes=1)
    second = await submit(company, "铝型材挤压后表面出现黑色斑点缺陷，想请师傅分析原因", first=False)
    bot.clock.advance(minutes=1)

    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    staff.press("✅ 全部派单", plan)
    result = await staff.expect("已派单 0 条")
    labels = [b["text"] for b in FakeUser.buttons(result)]
    assert sorted(labels) == sorted(
        f"{answer}（韩师傅 · {ticket}）"
        for ticket in (first, second)
        for answer in ("✅ 已电话确认接单", "🙅 电话婉拒")
    ), labels
    staff.press(f"✅ 已电话确认接单（韩师傅 · {second}）", result)
    recorded = await staff.expect("已记录")
    assert second in recorded["text"] and first not in recorded["text"], recorded["text"]

    def redrawn() -> list[str] | None:
        left = [b["text"] for b in FakeUser.buttons(staff.current(result["message_id"]))]
        return left if len(left) == 2 else None

    left = await staff.wait_until(redrawn)
    assert all(first in label for label in left), left
    async with bot.services.db.session() as session:
        taken = {
            d.ticket: d.status
            for d in (await session.scalars(select(Demand).where(Demand.ticket.in_([first, second])))).all()
        }
    assert taken[second] is not taken[first], taken
