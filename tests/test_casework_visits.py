"""A case and its booked visit (专家问诊预约) through the real Application on the fake Bot API: the craftsman cannot
record a case as solved before the visit; a 未解决 answer keeps a future visit; a declined offer is told to the
enterprise (never who declined) while staff still see the demand in /queue."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from buttons.casework import ResolveCase
from buttons.demands import OpenDemand
from db.models import Appointment, AppointmentStatus, AuditEntry, DemandStatus, Role
from i18n import t
from services.results import Done, Reason, Refused
from tests.harness import BotHarness
from tests.test_queue_scope import refused, staff
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import answered_not_solved, craftsman, demand, submit

SH = ZoneInfo("Asia/Shanghai")
VISIT = datetime(2026, 11, 26, 15, 0, tzinfo=SH)  # the harness clock starts 2026-11-21 10:00 in Shanghai


async def booked_case(bot: BotHarness):
    """Staff, a craftsman who accepted, an enterprise that booked a visit on VISIT: (craftsman, enterprise, match id)."""
    helper, company, match_id, _ = await booked_visit(bot, 961, "吴师傅", 38)
    return helper, company, match_id


async def booked_visit(bot: BotHarness, helper_id: int, name: str, company_id: int):
    """Staff, a craftsman (``helper_id``, ``name``) who accepted a demand of an enterprise (``company_id``) that
    booked a visit on VISIT: (craftsman, enterprise, match id, the booked message)."""
    await staffer(bot)
    helper = await craftsman(bot, helper_id, name, "330502", ["变压器运维", "配电线路故障排查"], ["44"])
    company = await enterprise_user(bot, company_id)
    await submit(company, "配电线路经常故障跳闸，变压器温度偏高，需要排查")
    d = await demand(bot)
    best = (await bot.services.matcher.for_demand(d.id, 1))[0].craftsman_id
    offered = await bot.services.casework.offer(900, Role.STAFF, d.id, best)
    assert isinstance(await bot.services.casework.accept(helper_id, offered.match_id), Done)
    await bot.services.booking.offer_slots(helper_id, offered.match_id, [VISIT], "配电房", None)
    await bot.application.sender.flush()
    slots = await company.expect("提供了以下问诊时段")
    company.press("2026-11-26 15:00", slots)
    booked = await company.expect("专家问诊预约成功")
    await helper.expect("专家问诊预约成功")
    return helper, company, offered.match_id, booked


async def record_solution(user, summary: str) -> None:
    """At 请简述解决方案: the solution, 5 workers trained, ¥15,000 benefit; the resolution recorded."""
    user.send(summary)
    await user.expect("培训职工人数")
    user.send("5")
    await user.expect("预计经济效益")
    user.send("一万五")
    await user.expect("已登记解决结果")


async def test_the_craftsman_cannot_record_a_case_solved_before_its_booked_visit(bot: BotHarness):
    helper, _, match_id = await booked_case(bot)
    helper.send("/tasks")
    tasks = await helper.expect("我的服务")
    refused = await helper.answer_to(helper.press("✅ 登记解决", tasks))  # at the press, before he types
    assert "2026-11-26 15:00" in refused["text"] and refused["show_alert"]
    assert not any("解决方案" in text for text in helper.texts())
    # the service refuses too (a press kept from before the visit was booked)
    with pytest.raises(Refused) as refused:
        await bot.services.follow_up.resolve(961, match_id, "更换分接开关", 3, Decimal("8000"))
    assert refused.value.reason is Reason.VISIT_AHEAD and refused.value.values == {"at": "2026-11-26 15:00"}
    assert (await demand(bot)).status is DemandStatus.SCHEDULED
    # once the visit has begun, he may
    bot.clock.advance(days=5, hours=5)
    await bot.services.booking.start_due()
    await bot.services.follow_up.resolve(961, match_id, "更换分接开关", 3, Decimal("8000"))
    assert (await demand(bot)).status is DemandStatus.RESOLVED


async def test_staff_may_close_a_case_before_its_visit_and_a_not_solved_answer_keeps_the_visit(bot: BotHarness):
    helper, company, match_id = await booked_case(bot)
    await bot.services.follow_up.resolve(900, match_id, "电话指导后已恢复", 0, Decimal("0"), role=Role.STAFF)
    await answered_not_solved(bot, company, helper)
    # the visit is still booked: the case waits for it, /tasks shows it, and both sides are reminded
    assert (await demand(bot)).status is DemandStatus.SCHEDULED
    async with bot.services.db.session() as session:
        statuses = (await session.scalars(select(Appointment.status))).all()
    assert list(statuses) == [AppointmentStatus.BOOKED]
    helper.send("/tasks")
    assert "📅 已预约：2026-11-26 15:00" in (await helper.expect("我的服务"))["text"]
    bot.clock.advance(days=4, hours=5, minutes=1)  # a day before the visit
    await bot.tick()
    await company.expect("2026-11-26 15:00")


async def test_the_enterprise_is_told_when_a_craftsman_declines_and_staff_still_see_the_queue(bot: BotHarness):
    staff = await staffer(bot)
    first = await craftsman(bot, 971, "郑师傅", "330502", ["铝型材挤压", "喷涂与阳极氧化"], ["32"])
    await craftsman(bot, 972, "钱师傅", "330503", ["铝合金表面处理", "氧化膜缺陷"], ["32"])
    company = await enterprise_user(bot, 39)
    ticket = await submit(company, "铝型材喷涂后氧化膜厚度不均，表面起泡，良品率下降")
    await staff.expect("新需求 " + ticket)
    staff.send("/queue")
    staff.press("派给 郑师傅", await staff.expect(ticket))
    offer = await first.expect("新的服务请求 " + ticket)
    await company.expect("已找到合适的劳模工匠")
    first.press("🙏 婉拒", offer)
    await first.expect("婉拒原因")
    first.send("下周出差，时间冲突")
    await first.expect("已婉拒")
    told = await company.expect("暂时无法承接")
    assert ticket in told["text"] and "另行" in told["text"]
    assert "郑师傅" not in told["text"] and "13900000000" not in told["text"] and "出差" not in told["text"]
    await staff.expect("郑师傅 婉拒了需求 " + ticket)
    staff.send("/queue")
    item = await staff.expect(ticket)
    assert "派给 钱师傅" in str(item["reply_markup"])


async def test_staff_record_a_case_in_service_as_solved_from_its_view_in_their_region_only(bot: BotHarness):
    _, company, match_id = await booked_case(bot)
    d = await demand(bot)
    shaoxing = await staff(bot, 981, "330600")  # 绍兴市: not the case's region (吴兴区, 湖州市)
    shaoxing.send("/help")
    helped = await shaoxing.expect("我能为您做什么")
    answer = await shaoxing.answer_to(shaoxing.press_data(bot.signed(shaoxing, ResolveCase(match_id).data()), helped))
    assert answer["text"] == t("case.refused.out_of_region", "zh-hans") and answer["show_alert"]
    assert ("case.resolve", f"demand:{d.id}", {"reason": "out_of_region"}) in await refused(bot, 981)

    huzhou = await staff(bot, 982, "330500")
    huzhou.send("/help")
    helped = await huzhou.expect("我能为您做什么")
    huzhou.press_data(bot.signed(huzhou, OpenDemand(d.id).data()), helped)
    view = await huzhou.expect("配电线路经常故障跳闸")
    huzhou.press("✅ 登记解决", view)
    await huzhou.expect("请简述解决方案")
    await record_solution(huzhou, "电话指导后更换了分接开关")
    assert (await demand(bot)).status is DemandStatus.RESOLVED
    await bot.application.sender.flush()
    await company.expect("的解决结果")
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(AuditEntry.actor_user_id, AuditEntry.details).where(
                AuditEntry.action == "case.resolve", AuditEntry.allowed.is_(True)
            )
        )
        assert [(actor, (details or {}).get("on_behalf")) for actor, details in rows.all()] == [(982, True)]
