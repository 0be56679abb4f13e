"""Visits as a hostile tester tried them (hostile4 items 4, 5, 6, 10): an enterprise whose every offered slot
clashes with another visit of the craftsman's gets a button to ask him for other times (and he is told); two
visits of the same enterprise never clash (one sitting serves both); a case whose visit took place is recorded
solved even with follow-up slots on offer (they are withdrawn, the enterprise told); 📞 致电 pressed twice gives
the phone once; 🔁 改期 pressed on the notice and again from /my sends the craftsman one request."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import Appointment, AppointmentStatus, Craftsman, Demand, DemandStatus, Role
from fakebotapi import FakeUser
from services.results import Done
from tests.harness import BotHarness
from tests.test_casework_visits import VISIT, booked_visit, record_solution
from tests.test_my_case import labels, my_detail
from tests.test_queue_views import pool_member, queued
from tests.test_report import enterprise_user, fill_profile, staffer
from tests.test_service_flow import craftsman, demand, submit
from tests.test_visit_slots import match_of, other_profile, second_case_of


async def two_enterprises_offered(bot: BotHarness):
    """吴师傅 accepted a demand of enterprise 38 and one of enterprise 39 and offered 38 VISIT and 39 VISIT and
    an hour later (online): (craftsman, enterprise 38, enterprise 39, 39's slot card)."""
    await staffer(bot)
    helper = await craftsman(bot, 961, "吴师傅", "330502", ["变压器运维", "配电线路故障排查"], ["44"])
    async with bot.services.db.session() as session:
        helper_id = await session.scalar(select(Craftsman.id).where(Craftsman.user_id == 961))
    first, second = await enterprise_user(bot, 38), await enterprise_user(bot, 39)
    matches = []
    for company, text, profile in (
        (first, "配电线路经常故障跳闸，变压器温度偏高，需要排查", fill_profile),
        (second, "车间配电柜频繁跳闸，变压器异响，需要排查线路故障", other_profile),
    ):
        bot.clock.advance(minutes=1)
        await submit(company, text, profile=profile)
        offered = await bot.services.casework.offer(900, Role.STAFF, (await demand(bot)).id, helper_id)
        assert isinstance(await bot.services.casework.accept(961, offered.match_id), Done)
        matches.append(offered.match_id)
    await bot.services.booking.offer_slots(961, matches[0], [VISIT], "配电房", None)
    link = "https://meeting.example/abc"
    await bot.services.booking.offer_slots(961, matches[1], [VISIT, VISIT + timedelta(hours=1)], None, link)
    await bot.application.sender.flush()
    first.press("2026-11-26 15:00", await first.expect("提供了以下问诊时段"))
    await first.expect("专家问诊预约成功")
    await helper.expect("专家问诊预约成功")
    return helper, first, second, await second.expect("提供了以下问诊时段")


async def test_an_enterprise_whose_every_slot_clashes_can_ask_for_other_times(bot: BotHarness):
    """Item 4: every slot of 39's offer clashed with 38's booking: each press said "请另选一个时段" though none was
    left, with no way on; the craftsman was not told. Now the press says no slot is left, a message gives the
    enterprise 🔁 请劳模工匠另提供时间, and pressing it asks the craftsman (with 📅 提供预约时段) — once."""
    helper, _, second, card = await two_enterprises_offered(bot)
    answer = await second.answer_to(second.press("2026-11-26 16:00", card))
    assert answer["show_alert"] and "上门" not in answer["text"] and "都" in answer["text"]
    await bot.application.sender.flush()
    stuck = await second.expect("都不能预约")
    assert [b["text"] for b in FakeUser.buttons(stuck)] == ["🔁 请劳模工匠另提供时间"]
    second.press("🔁 请劳模工匠另提供时间", stuck)
    await second.expect("已请劳模工匠另提供时间")
    await bot.application.sender.flush()
    asked = await helper.expect("请另提供问诊时段")
    assert "📅 提供预约时段" in [b["text"] for b in FakeUser.buttons(asked)]
    second.press("🔁 请劳模工匠另提供时间", stuck)
    await second.expect("不用再按一次")
    await bot.application.sender.flush()
    assert sum("请另提供问诊时段" in text for text in helper.texts()) == 1
    assert (await demand(bot)).status is DemandStatus.ACCEPTED


async def test_two_visits_of_the_same_enterprise_at_the_same_time_are_no_clash(bot: BotHarness):
    """Item 4: the clash was between two demands of the same enterprise. One sitting serves both: the same time is
    offered and booked for its second demand."""
    helper, company, _, _ = await booked_visit(bot, 961, "吴师傅", 38)
    _, accepted = await second_case_of(bot, helper, company, "车间配电柜频繁跳闸，变压器异响，需要排查线路故障")
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send("2026-11-26 15:00")
    await helper.expect("问诊地点")
    helper.send("配电房")
    await helper.expect("已将 1 个时段发给企业")
    await bot.application.sender.flush()
    slots = await company.expect("提供了以下问诊时段")
    company.press("2026-11-26 15:00", slots)
    await company.expect("专家问诊预约成功")
    assert (await demand(bot)).status is DemandStatus.SCHEDULED


async def test_a_case_whose_visit_took_place_is_solved_though_follow_up_slots_are_on_offer(bot: BotHarness):
    """Item 5: after the visit 周建华 offered more slots, then ✅ 登记解决 was refused ("企业尚未选定") with no way to
    withdraw them. The visit took place: he records the solution; the slots on offer are withdrawn and the
    enterprise is told."""
    helper, company, match_id, _ = await booked_visit(bot, 961, "吴师傅", 38)
    bot.clock.advance(days=6)
    await bot.services.booking.start_due()
    await bot.services.booking.offer_slots(961, match_id, [VISIT + timedelta(days=8)], "配电房", None)
    await bot.application.sender.flush()
    card = await company.expect("提供了以下问诊时段")
    assert [b["text"] for b in FakeUser.buttons(card)] == ["2026-12-04 15:00"]
    helper.send("/tasks")
    helper.press("✅ 登记解决", await helper.expect("我的服务"))
    await helper.expect("请简述解决方案")
    await record_solution(helper, "更换分接开关，调整负荷分配")
    await bot.application.sender.flush()
    await company.expect("问题解决了吗")
    told = [text for text in company.texts() if "已撤回" in text]
    assert len(told) == 1 and "2026-12-04 15:00" in told[0], company.texts()[-3:]
    async with bot.services.db.session() as session:
        left = await session.scalars(
            select(Appointment.id).where(
                Appointment.match_id == match_id, Appointment.status == AppointmentStatus.OFFERED
            )
        )
        assert list(left) == []


async def test_call_pressed_twice_gives_the_phone_once(bot: BotHarness):
    """Item 6: 📞 致电 pressed twice sent the phone message twice; the second press now says it was given."""
    staff = await staffer(bot)
    await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone="+8613900020006")
    ticket = await queued(bot, "铝型材挤压后表面出现斑点缺陷", "32")
    staff.send("/queue")
    item = await staff.expect(ticket)
    staff.press("📞 致电 梁丽娟", item)
    await staff.expect("请电话联系")
    again = await staff.answer_to(staff.press("📞 致电 梁丽娟", item))
    assert "已" in again["text"] and "+8613900020006" not in again["text"]
    assert sum("+8613900020006" in text for text in staff.texts()) == 1


async def test_reschedule_from_the_notice_then_from_my_sends_one_request(bot: BotHarness):
    """Item 10: 🔁 改期 on the booked notice and again in /my's detail: the craftsman gets one request."""
    helper, company, _, booked = await booked_visit(bot, 961, "吴师傅", 38)
    company.press("🔁 改期", booked)
    await company.expect("已请劳模工匠重新提供时段")
    detail = await my_detail(company, (await demand(bot)).ticket)
    company.press("🔁 改期", detail)
    await company.expect("不用再按一次")
    await bot.application.sender.flush()
    assert sum("请重新提供时段" in text for text in helper.texts()) == 1


async def test_my_offers_the_slots_on_offer_or_asking_for_other_times(bot: BotHarness):
    """Items 4 and 5: /my said only "下一步：预约服务时间" with ↩️ 撤回, not the slot card waiting, and nothing for an
    enterprise none of whose slots could be booked. Its detail now offers the slots still bookable (the slot card's
    buttons), or 🔁 请劳模工匠另提供时间 when none is."""
    _, first, second, _ = await two_enterprises_offered(bot)
    async with bot.services.db.session() as session:
        tickets = list(await session.scalars(select(Demand.ticket).order_by(Demand.id)))
    detail = await my_detail(second, tickets[-1])
    assert labels(detail)[:2] == ["🔁 请劳模工匠另提供时间", "↩️ 撤回"], labels(detail)
    match_id = await match_of(bot, first=True)
    await bot.services.booking.offer_slots(961, match_id, [VISIT + timedelta(days=2)], "配电房", None)
    detail = await my_detail(first, tickets[0])
    assert "2026-11-28 15:00" in labels(detail), labels(detail)
    first.press("2026-11-28 15:00", detail)
    await first.expect("专家问诊预约成功")


async def test_my_list_says_a_slot_card_is_waiting(bot: BotHarness):
    """Item 5: after the visit, slots offered for a follow-up; /my still said "下一步：服务进行中", not that times
    wait to be picked. Its line and detail now say so."""
    _, company, match_id, _ = await booked_visit(bot, 961, "吴师傅", 38)
    bot.clock.advance(days=6)
    await bot.services.booking.start_due()
    await bot.services.booking.offer_slots(961, match_id, [VISIT + timedelta(days=8)], "配电房", None)
    detail = await my_detail(company, (await demand(bot)).ticket, "下一步：请选择问诊时段")
    assert "2026-12-04 15:00" in labels(detail) and "下一步：服务进行中" not in detail["text"]
