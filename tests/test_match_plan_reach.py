"""/match_all's plan: a craftsman who can be offered in the chat is preferred when he fits nearly as well as one who
can only be phoned; phone-only picks are counted apart from what ✅ can offer; no craftsman gets more than his spare
capacity."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import craftsman, phone_only_craftsman, submit

SKILLS = ["铝型材挤压", "表面处理"]
PROBLEM = "铝型材挤压后表面出现斑点缺陷，需要分析原因"


async def phone_only(bot: BotHarness, name: str, region: str, capacity: int = 3) -> None:
    await phone_only_craftsman(bot, name, region, SKILLS, ["32"], capacity)


async def test_the_plan_prefers_a_craftsman_in_the_chat_who_fits_nearly_as_well(bot: BotHarness):
    staff = await staffer(bot)
    await phone_only(bot, "吴师傅", "330502")  # the demand's own county: a little ahead on region
    online = await craftsman(bot, 702, "李秀英", "330503", SKILLS, ["32"])  # the same city
    company = await enterprise_user(bot, 35)
    await submit(company, PROBLEM)

    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    assert "李秀英（" in plan["text"] and "吴师傅" not in plan["text"], plan["text"]
    assert "1/1 条需求可分配" in plan["text"] and "电话联系" not in plan["text"]
    staff.press("✅ 全部派单", plan)
    await staff.expect("已派单 1 条")
    await online.expect("新的服务请求")


async def test_phone_only_picks_are_not_called_assignable_and_capacity_holds(bot: BotHarness):
    staff = await staffer(bot)
    await phone_only(bot, "韩师傅", "330502", capacity=1)
    company = await enterprise_user(bot, 35)
    await submit(company, PROBLEM)
    bot.clock.advance(minutes=1)  # a person typing: the flood guard counts updates per minute
    await submit(company, "铝型材阳极氧化后表面处理颜色不一致", first=False)

    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    assert "0/2 条需求可分配" in plan["text"] and "另有 1 条需电话联系" in plan["text"], plan["text"]
    assert plan["text"].count("韩师傅（") == 1 and "未能分配" in plan["text"]  # one spare place, one pick
