"""Times, slots, stars, capacity and enrolment as a hostile tester tried them (hostile report 1.5, 3.4, 3.5): a
booking is never replaced without a word, the same slot typed twice is one slot, a craftsman at capacity cannot
揭榜, typed stars are a rating, leaving a course is confirmed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from db.models import DemandStatus, Role
from services.results import Done
from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import craftsman, demand, submit

SH = ZoneInfo("Asia/Shanghai")


async def booked_case(bot: BotHarness):
    """A demand accepted by 陈师傅 (901) and booked for 2026-11-26 15:00: (craftsman, enterprise, match id, the
    booked message)."""
    await staffer(bot)
    helper = await craftsman(bot, 901, "陈师傅", "330502", ["变压器运维", "配电线路故障排查"], ["44"])
    company = await enterprise_user(bot, 35)
    await submit(company, "配电线路经常故障跳闸，变压器温度偏高，需要排查")
    d = await demand(bot)
    offered = await bot.services.casework.offer(
        900, Role.STAFF, d.id, (await bot.services.matcher.for_demand(d.id, 1))[0].craftsman_id
    )
    assert isinstance(await bot.services.casework.accept(901, offered.match_id), Done)
    slot = datetime(2026, 11, 26, 15, 0, tzinfo=SH)
    await bot.services.booking.offer_slots(901, offered.match_id, [slot], "配电房", None)
    await bot.application.sender.flush()
    slots = await company.expect("提供了以下问诊时段")
    company.press("2026-11-26 15:00", slots)
    booked = await company.expect("专家问诊预约成功")
    await helper.expect("专家问诊预约成功")
    return helper, company, offered.match_id, booked


async def test_new_slots_for_a_booked_case_are_a_reschedule_that_names_the_booking(bot: BotHarness):
    """Hostile 1.5: slots offered while a booking stands are presented as a reschedule of that booking (which
    stands until a new time is picked); picking one tells both sides which booking it replaced."""
    helper, company, match_id, _ = await booked_case(bot)
    later = datetime(2026, 11, 27, 10, 0, tzinfo=SH)
    await bot.services.booking.offer_slots(901, match_id, [later], "配电房", None)
    await bot.application.sender.flush()
    offer = await company.expect("提供了新的问诊时段")
    assert "改期" in offer["text"] and "2026-11-26 15:00" in offer["text"] and "保留" in offer["text"]
    assert (await demand(bot)).status is DemandStatus.SCHEDULED
    company.press("2026-11-27 10:00", offer)
    for side in (company, helper):
        moved = await side.expect("专家问诊预约成功")
        assert "2026-11-27 10:00" in moved["text"] and "原定 2026-11-26 15:00 的预约已取消" in moved["text"]
