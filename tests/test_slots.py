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


async def test_the_same_slot_typed_twice_is_one_slot(bot: BotHarness):
    """Hostile 3.5: two identical slot lines (and the same time written two ways) are one slot, counted once."""
    helper, company, _, booked = await booked_case(bot)
    company.press("🔁 改期", booked)
    asked = await helper.expect("请重新提供时段")
    helper.press("📅 提供预约时段", asked)
    await helper.expect("每行一个")
    helper.send("11-27 09:00\n11-27 09:00\n2026-11-27 上午9点\n明天3点")
    again = await helper.expect("这一行请重写：明天3点")
    assert "共 1 个" in again["text"]
    helper.send("11-28 14:00")
    await helper.expect("问诊地点")
    helper.send("配电房")
    await helper.expect("已将 2 个时段作为改期发给企业")


async def test_a_craftsman_at_capacity_cannot_volunteer(bot: BotHarness):
    """Hostile 3.5: 揭榜 by a craftsman whose cases fill his capacity (his own 揭榜 still waiting for staff count
    too) is refused politely, naming the capacity and /profile."""
    await staffer(bot)
    volunteer = await craftsman(bot, 601, "吴师傅", "330502", ["数控机床调试", "精密加工"], ["34"], capacity=1)
    company = await enterprise_user(bot, 32)
    first = await submit(company, "数控车床加工精度不稳定，零件尺寸超差，需要调试")
    bot.clock.advance(minutes=1)  # a person typing: the flood guard counts updates per minute
    second = await submit(company, "加工中心换刀报警，主轴定位不准，需要数控调试", first=False)

    volunteer.send("/board")
    board = await volunteer.expect(second)
    assert await volunteer.answer_to(volunteer.press(f"🙋 揭榜 {first}", board))
    refused = await volunteer.answer_to(volunteer.press(f"🙋 揭榜 {second}", board))
    assert "最多同时服务 1 件" in refused["text"] and "/profile" in refused["text"]
    assert "该劳模工匠" not in refused["text"]


async def test_typed_stars_are_the_rating(bot: BotHarness):
    """Hostile 3.5: at the star question, "5", "５" or "五星" is that rating; anything else asks again."""
    helper, company, match_id, _ = await booked_case(bot)
    bot.clock.advance(days=6)
    from decimal import Decimal

    assert isinstance(await bot.services.follow_up.resolve(901, match_id, "更换分接开关", 3, Decimal("8000")), Done)
    await bot.application.sender.flush()
    resolved = await company.expect("的解决结果")
    company.press("✅ 已解决", resolved)
    await company.expect("请为本次服务打分")
    company.send("很好")
    await company.expect("请点星星或输入 1 到 5")
    company.send("五星")
    await company.expect("感谢您的评价")
    assert (await demand(bot)).status is DemandStatus.CLOSED
    await helper.expect("打了 ★★★★★")


async def test_leaving_a_course_is_confirmed_so_a_double_press_does_not_undo_the_enrolment(bot: BotHarness):
    """Hostile 3.5: the enrol button becomes the leave button; a second press on it asks before leaving."""
    from tests.test_events_e2e import publish_weekly_course, worker

    staff = await staffer(bot)
    await publish_weekly_course(staff)
    student = await worker(bot, 31, "330502", "甲")
    student.send("/courses")
    listing = await student.expect("AI写作")
    await student.answer_to(student.press("报名①", listing))
    listing = await student.expect("您已报名")  # the list shown again, in the same message
    await student.answer_to(student.press("退出①", listing))
    ask = await student.expect("确定退出")
    assert "AI写作" in ask["text"]
    assert (await bot.services.courses.cards(31, "330502"))[0].mine is not None  # still enrolled
    student.press("确定退出", ask)
    await student.expect("已报 0/1")
    assert (await bot.services.courses.cards(31, "330502"))[0].mine is None
