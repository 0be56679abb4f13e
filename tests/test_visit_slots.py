"""Slots and solving as a newcomer tried them (stranger s5 items 1, 2, 12): every slot line the bot cannot use is
named with its reason; a case whose slots are on offer is not recorded solved before a visit is booked; a
craftsman is not booked twice at the same time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from db.models import Appointment, DemandStatus, Match, Role
from services.results import Done, Reason, Refused
from tests.harness import BotHarness
from tests.test_casework_visits import VISIT, booked_visit
from tests.test_report import enterprise_user, fill_profile, staffer
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


async def match_of(bot: BotHarness, first: bool = False) -> int:
    """The id of the latest match (the earliest, ``first``)."""
    async with bot.services.db.session() as session:
        return (await session.scalars(select(Match.id).order_by(Match.id if first else Match.id.desc()))).first()


async def test_every_unusable_slot_line_is_named_even_when_the_good_ones_fill_the_offer(bot: BotHarness):
    """Stranger s5 item 2: nine lines, six good: the past one, the garbage one and the impossible one were dropped
    without a word. Each is named with its reason; the six good ones go on to the place question."""
    helper, _, accepted = await accepted_case(bot)
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send(
        "昨天下午三点\n明天上午十点\nasdfgh\n2099-13-45 25:00\n下周二下午两点\n后天下午3点\n"
        "11月25日9点\n11月26日9点\n11月27日9点"
    )
    read = (await helper.expect("问诊地点"))["text"]
    for line in ("昨天下午三点", "asdfgh", "2099-13-45 25:00"):
        assert line in read, line
    assert "已经过去了" in read and "太远了" in read
    assert "这一行没有采用：asdfgh" in read and "这一行请重写" not in read  # six are read: nothing to rewrite


async def test_a_garbage_line_is_named_next_to_a_far_one(bot: BotHarness):
    """Stranger s5 item 2: "asdfgh / 2099-01-01 09:00 / 后天上午9点": only the 2099 line was asked again."""
    helper, _, accepted = await accepted_case(bot)
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send("asdfgh\n2099-01-01 09:00\n后天上午9点")
    again = (await helper.expect("这一行请重写"))["text"]
    assert "这一行请重写：asdfgh" in again and "这一行请重写：2099-01-01 09:00" in again
    assert "共 1 个" in again


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


async def other_profile(user) -> None:
    """An enterprise other than fill_profile's answers the enterprise-profile questions (its first /report)."""
    await fill_profile(user, other=("湖州恒锐机电有限公司", "91440605MA4UQ4XW13", "赵工", "13800138001"))


async def second_case_of(bot: BotHarness, helper, company, text: str, profile=None):
    """A demand of ``company`` (its profile answered with ``profile`` when it is a new enterprise; else its second
    demand) offered to and accepted by the craftsman of the latest match: (its ticket, the 感谢接受需求 message)."""
    async with bot.services.db.session() as session:
        craftsman_id = (await session.scalars(select(Match.craftsman_id).order_by(Match.id.desc()))).first()
    bot.clock.advance(minutes=1)  # a person typing: the flood guard counts updates per minute
    ticket = await submit(company, text, first=profile is not None, profile=profile or other_profile)
    d = await demand(bot)
    assert isinstance(await bot.services.casework.offer(900, Role.STAFF, d.id, craftsman_id), Done)
    helper.press("✅ 接受", await helper.expect("新的服务请求 " + ticket))
    return ticket, await helper.expect("感谢接受需求 " + ticket)


async def test_a_slot_at_the_time_of_the_craftsmans_own_booked_visit_is_asked_again(bot: BotHarness):
    """Stranger s5 item 12: 周建华 offered ZQ-7 the time his ZQ-9 visit was booked for, without a word. A slot
    within two hours of another visit of his is asked again, naming that visit; the other lines are kept."""
    helper, _, _, _ = await booked_visit(bot, 961, "吴师傅", 38)
    first = (await demand(bot)).ticket
    other = await enterprise_user(bot, 39)  # another enterprise: one of the same is no clash (test_visit_clash.py)
    _, accepted = await second_case_of(
        bot, helper, other, "车间配电柜频繁跳闸，变压器异响，需要排查线路故障", other_profile
    )
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send("2026-11-26 15:00\n11月26日下午4点\n2026-11-27 10:00")
    again = (await helper.expect("这一行请重写：2026-11-26 15:00"))["text"]
    assert first in again and "这一行请重写：11月26日下午4点" in again and "共 1 个" in again
    helper.send("11月28日上午9点")
    await helper.expect("问诊地点")


async def test_the_enterprise_cannot_book_a_slot_the_craftsman_was_booked_for_meanwhile(bot: BotHarness):
    """Stranger s5 item 12: two enterprises offered the same time could both book it. The second pick is refused
    politely (the case stays as it was); the service refuses such an offer too."""
    helper, _, _, _ = await booked_visit(bot, 961, "吴师傅", 38)
    company = await enterprise_user(bot, 39)  # another enterprise: one of the same is no clash (test_visit_clash.py)
    await second_case_of(bot, helper, company, "车间配电柜频繁跳闸，变压器异响，需要排查线路故障", other_profile)
    match_id = await match_of(bot)
    with pytest.raises(Refused) as refused:
        await bot.services.booking.offer_slots(961, match_id, [VISIT], "车间", None)
    assert refused.value.reason is Reason.CLASH and refused.value.values["at"] == "2026-11-26 15:00"
    # offered on both cases before either was booked: the first booking wins, the second pick is refused
    later = VISIT + timedelta(days=1)
    await bot.services.booking.offer_slots(961, match_id, [later], "车间", None)
    await bot.application.sender.flush()
    slots = await company.expect("提供了以下问诊时段")
    first_match = await match_of(bot, first=True)
    await bot.services.booking.offer_slots(961, first_match, [later], "配电房", None)
    async with bot.services.db.session() as session:
        offered = await session.scalar(
            select(Appointment.id).where(Appointment.match_id == first_match, Appointment.starts_at == later)
        )
    await bot.services.booking.pick(38, offered)
    answer = await company.answer_to(company.press("2026-11-27 15:00", slots))
    assert "已有另一个问诊预约" in answer["text"] and answer["show_alert"]
    assert (await demand(bot)).status is DemandStatus.ACCEPTED


def test_a_visit_is_taken_to_last_two_hours():
    """A slot clashes with a booked visit starting less than two hours before or after it; two hours on is free."""
    from services.slot_reading import Booked, clash

    booked = [Booked(VISIT, "ZQ-2026-000001")]
    assert clash(VISIT + timedelta(hours=1, minutes=59), booked) == booked[0]
    assert clash(VISIT - timedelta(hours=1), booked) == booked[0]
    assert clash(VISIT + timedelta(hours=2), booked) is None
