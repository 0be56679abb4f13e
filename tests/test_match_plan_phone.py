"""/match_all with phone-only picks (hostile tester, cards item 2): the title's total counts only the pairs 全部派单
can offer, names that button in words (no stray ✅ read as a tick), and after 全部派单 each phone listed has the
queue card's ✅ 已电话确认接单 / 🙅 电话婉拒 buttons; an answer recorded there takes that demand's buttons off."""

from __future__ import annotations

from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_match_plan_reach import PROBLEM, phone_only
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import submit


async def test_phone_picks_get_answer_buttons_and_no_share_of_the_total(bot: BotHarness):
    staff = await staffer(bot)
    await phone_only(bot, "韩师傅", "330502", capacity=1)
    company = await enterprise_user(bot, 35)
    await submit(company, PROBLEM)

    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    title = plan["text"].splitlines()[0]
    assert "0/1 条需求可分配" in title and "总分 0.00" in title, title
    assert "✅" not in title and "「全部派单」" in title, title
    staff.press("✅ 全部派单", plan)
    result = await staff.expect("已派单 0 条")
    labels = [b["text"] for b in FakeUser.buttons(result)]
    assert labels == ["✅ 已电话确认接单（韩师傅）", "🙅 电话婉拒（韩师傅）"], labels
    staff.press("✅ 已电话确认接单（韩师傅）", result)
    await staff.expect("已记录")

    def redrawn() -> dict | None:
        now = staff.current(result["message_id"])
        return now if not FakeUser.buttons(now) else None

    now = await staff.wait_until(redrawn)
    assert "已派单 0 条" in now["text"]
