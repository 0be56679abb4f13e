"""Slots and solving as a newcomer tried them (stranger s5 items 1, 2, 12): every slot line the bot cannot use is
named with its reason; a case whose slots are on offer is not recorded solved before a visit is booked; a
craftsman is not booked twice at the same time."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import DemandStatus, Match, Role
from services.results import Done, Reason, Refused
from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import craftsman, demand, submit


async def accepted_case(bot: BotHarness, helper_id: int = 601, company_id: int = 43):
    """吴师傅 accepted a demand of an enterprise: (craftsman, enterprise, the 感谢接受需求 message)."""
    staff = await staffer(bot)
    helper = await craftsman(bot, helper_id, "吴师傅", "330502", ["变压器运维", "配电线路故障排查"], ["44"])
    company = await enterprise_user(bot, company_id)
    ticket = await submit(company, "配电线路经常故障跳闸，变压器温度偏高，需要排查")
    await staff.expect("新需求 " + ticket)
    d = await demand(bot)
    best = (await bot.services.matcher.for_demand(d.id, 1))[0].craftsman_id
    assert isinstance(await bot.services.casework.offer(900, Role.STAFF, d.id, best), Done)
    offer = await helper.expect("新的服务请求 " + ticket)
    helper.press("✅ 接受", offer)
    return helper, company, await helper.expect("感谢接受需求 " + ticket)


async def match_of(bot: BotHarness) -> int:
    async with bot.services.db.session() as session:
        return (await session.scalars(select(Match.id).order_by(Match.id.desc()))).first()


async def test_a_case_with_slots_on_offer_is_not_recorded_solved_before_a_visit_is_booked(bot: BotHarness):
    """Stranger s5 item 1: 李秀英 offered six slots and at once recorded the case solved; the enterprise's slot card
    then died. While slots still to come are on offer and none is picked, 登记解决 is refused at the press (and by
    the service); once the enterprise books one and the visit has taken place, he may."""
    helper, company, accepted = await accepted_case(bot)
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send("11月25日9点\n11月26日9点")
    await helper.expect("问诊地点")
    helper.send("配电房")
    await helper.expect("已将 2 个时段发给企业")
    helper.send("/tasks")
    tasks = await helper.expect("我的服务")
    answer = await helper.answer_to(helper.press("✅ 登记解决", tasks))
    assert "尚未选定" in answer["text"] and answer["show_alert"]
    assert not any("解决方案" in text for text in helper.texts())
    with pytest.raises(Refused) as refused:  # a press kept from before the slots were offered
        await bot.services.follow_up.resolve(601, await match_of(bot), "更换分接开关", 3, Decimal("8000"))
    assert refused.value.reason is Reason.SLOTS_OFFERED
    assert (await demand(bot)).status is DemandStatus.ACCEPTED
    # the enterprise's card still works; after the visit he may record the solution
    slots = await company.expect("提供了以下问诊时段")
    company.press("2026-11-25 09:00", slots)
    await helper.expect("专家问诊预约成功")
    bot.clock.advance(days=4)
    helper.send("/tasks")
    helper.press("✅ 登记解决", await helper.expect("我的服务"))
    await helper.expect("请简述解决方案")
