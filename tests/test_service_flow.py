"""企业点菜、劳模工匠做菜、工会送菜 end to end through the real Application on the fake Bot API: four users at once
(enterprise, staff, two craftsmen), 揭榜, /match_all, and every refusal of a forged or foreign press."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.models import (
    AuditEntry,
    Craftsman,
    CraftsmanIndustry,
    Demand,
    DemandStatus,
    DemandStatusHistory,
    Feedback,
    Role,
)
from fakebotapi import FakeUser
from services.demand_info import ticket_for
from services.results import Done
from tests.harness import BotHarness
from tests.test_report import enterprise_user, fill_profile, staffer

PHONE = "13800138000"


async def craftsman(
    bot: BotHarness,
    user_id: int,
    name: str,
    region: str,
    specialities: list[str],
    divisions: list[str],
    capacity: int = 3,
) -> FakeUser:
    """A published craftsman with a Telegram account."""
    await bot.services.users.register(user_id, name)
    await bot.services.users.set_role(user_id, Role.CRAFTSMAN)
    await _published(bot, user_id, name, region, specialities, divisions, capacity, "13900000000")
    return bot.user(user_id, first_name=name)


async def phone_only_craftsman(
    bot: BotHarness, name: str, region: str, specialities: list[str], divisions: list[str], capacity: int = 3
) -> None:
    """A published craftsman without a Telegram account: staff reach him by phone."""
    await _published(bot, None, name, region, specialities, divisions, capacity, "13900000001")


async def _published(
    bot: BotHarness,
    user_id: int | None,
    name: str,
    region: str,
    specialities: list[str],
    divisions: list[str],
    capacity: int,
    phone: str,
) -> None:
    async with bot.services.db.session() as session:
        session.add(
            Craftsman(
                user_id=user_id,
                name=name,
                workplace=f"{name}的工作单位",
                phone=phone,
                specialities=specialities,
                service_modes=["onsite", "remote"],
                region_code=region,
                capacity=capacity,
                search_text=" ".join(specialities),
                industries=[CraftsmanIndustry(division=d) for d in divisions],
            )
        )
    bot.services.matcher.invalidate()


async def submit(user: FakeUser, text: str, first: bool = True, profile=fill_profile) -> str:
    """File a problem through /report (the enterprise's ``profile`` answered first, ``first``); return its ticket."""
    user.send("/report")
    shown = await user.expect("请选择需求类型")
    user.press("技术难题", shown)
    if first:
        await profile(user)
    await user.expect("请描述")
    user.send(text)
    noted = await user.expect("可以继续补充")
    user.press("完成", noted)
    shown = await user.expect("识别为：")
    user.press("✅确认", shown)
    shown = await user.expect("请选择紧急程度")
    user.press("一般", shown)
    shown = await user.expect("请选择希望的服务方式")
    user.press("现场指导", shown)
    card = await user.expect("请核对需求信息")
    user.press("📨 提交", card)
    done = await user.expect("已提交，编号")
    return re.search(r"ZQ-\d{4}-\d{6}", done["text"]).group(0)


async def demand(bot: BotHarness) -> Demand:
    async with bot.services.db.session() as session:
        return (
            await session.scalars(select(Demand).where(Demand.status != DemandStatus.DRAFT).order_by(Demand.id.desc()))
        ).first()


async def refusals(bot: BotHarness, user_id: int) -> list[str]:
    async with bot.services.db.session() as session:
        return list(
            (
                await session.scalars(
                    select(AuditEntry.action).where(AuditEntry.actor_user_id == user_id, AuditEntry.allowed.is_(False))
                )
            ).all()
        )


async def test_submit_match_decline_accept_book_remind_resolve_rate(bot: BotHarness):
    staff = await staffer(bot)
    first = await craftsman(bot, 501, "周师傅", "330502", ["铝型材挤压", "喷涂与阳极氧化"], ["32"])
    second = await craftsman(bot, 502, "钱师傅", "330503", ["铝合金表面处理", "氧化膜缺陷"], ["32"])
    await craftsman(bot, 503, "孙师傅", "440604", ["电机绕组"], ["38"])  # same section only, far away: last
    company = await enterprise_user(bot, 31)

    ticket = await submit(company, "铝型材喷涂后氧化膜厚度不均，表面起泡，良品率下降")
    await staff.expect("新需求 " + ticket)

    # the queue shows the candidates with their reasons, best first
    staff.send("/queue")
    item = await staff.expect(ticket)
    text = item["text"]
    assert text.index("周师傅") < text.index("钱师傅") < text.index("孙师傅")
    assert (
        "同属C32 有色金属冶炼和压延加工业" in text and "擅长：" in text and "同县区" in text and "在办 0/3 件" in text
    )

    # staff offer it to the first craftsman, who sees the problem but not the contact
    staff.press("派给 周师傅", item)
    await staff.expect("已派给 周师傅")
    offer = await first.expect("新的服务请求 " + ticket)
    assert "氧化膜" in offer["text"] and PHONE not in offer["text"] and "李工" not in offer["text"]
    assert "周师傅" not in (await company.expect("已找到合适的劳模工匠"))["text"]  # named only once he accepts

    # he declines with a reason; staff are alerted with the next candidate, one press away
    first.press("🙏 婉拒", offer)
    await first.expect("婉拒原因")
    first.send("下周出差，时间冲突")
    await first.expect("已婉拒")
    alert = await staff.expect("周师傅 婉拒了需求 " + ticket)
    assert "下周出差" in alert["text"] and "下一位候选：钱师傅" in alert["text"]
    again = first.press("✅ 接受", offer)  # the old offer is stale now
    assert "已处理或已失效" in (await first.answer_to(again))["text"]

    staff.press("派给 钱师傅", alert)
    offer2 = await second.expect("新的服务请求 " + ticket)
    # the first craftsman forges an accept for the offer sent to the second: refused and logged
    m2 = next(b["callback_data"] for b in FakeUser.buttons(offer2) if b["callback_data"].startswith("tk:a:"))
    forged = first.press_data(bot.signed(first, m2), offer)
    assert "不是发给您的" in (await first.answer_to(forged))["text"]
    assert "match.accept" in await refusals(bot, 501)

    second.press("✅ 接受", offer2)
    accepted = await second.expect("感谢接受需求 " + ticket)
    assert PHONE in accepted["text"] and "李工" in accepted["text"]
    await company.expect("钱师傅 已接受您的需求")
    await staff.expect("钱师傅 已接受需求 " + ticket)

    # 专家问诊预约: two slots offered, the enterprise picks one, both get it
    second.press("📅 提供预约时段", accepted)
    await second.expect("每行一个")
    second.send("11-24 15:00\n11-25 10:00")
    await second.expect("问诊地点")
    second.send("湖州市吴兴区某某路 1 号 <3 楼>")
    await second.expect("已将 2 个时段发给企业")
    slots = await company.expect("提供了以下问诊时段")
    company.press("2026-11-24 15:00", slots)
    booked = await company.expect("专家问诊预约成功")
    assert "&lt;3 楼&gt;" in booked["text"] or "<3 楼>" in booked["text"].replace("&lt;", "<").replace("&gt;", ">")
    await second.expect("专家问诊预约成功")
    assert (await demand(bot)).status is DemandStatus.SCHEDULED

    # the reminders come a day and an hour before, to both sides, once
    bot.clock.advance(days=2, hours=5, minutes=1)  # 11-23 15:01 local
    await bot.tick()
    await company.expect("问诊提醒（明天）")
    await second.expect("问诊提醒（明天）")
    bot.clock.advance(hours=23)  # 11-24 14:01 local
    await bot.tick()
    await bot.tick()
    await company.expect("问诊提醒（1 小时后）")
    assert sum("问诊提醒" in t for t in company.texts()) == 2

    # the service begins, the craftsman records the result with its figures
    bot.clock.advance(hours=1)
    await bot.services.sweep()
    assert (await demand(bot)).status is DemandStatus.IN_SERVICE
    second.send("/tasks")
    tasks = await second.expect("我的服务")
    assert PHONE in tasks["text"]
    second.press(f"✅ 登记解决 {ticket}", tasks)
    await second.expect("请简述解决方案")
    second.send("调整前处理脱脂温度和喷涂电压，更换过滤网")
    await second.expect("培训职工人数")
    second.send("-12")
    await second.expect("请输入 0 到")
    second.send("十二人")
    await second.expect("预计经济效益")
    second.send("负一万")
    await second.expect("一万五")  # refused, with the everyday forms it takes
    second.send("一万五")
    await second.expect("已登记解决结果")

    resolved = await company.expect("已登记需求 " + ticket + " 的解决结果")
    assert "12 人" in resolved["text"] and "15,000.00" in resolved["text"]
    company.press("✅ 已解决", resolved)
    stars = await company.expect("请为本次服务打分")
    company.press("5★", stars)
    await company.expect("已结案")
    company.send("钱师傅很专业，谢谢！")
    await company.expect("评价已保存")
    await second.expect("打了 ★★★★★")

    company.send("/my")
    mine = await company.expect(ticket)
    assert "已关闭" in mine["text"]
    assert "提交于 " in mine["text"] and "已关闭（" not in mine["text"]  # the date is the filing date, said so
    assert not any(line.strip() == "" and line for line in mine["text"].splitlines())  # no line of spaces
    d = await demand(bot)
    assert d.status is DemandStatus.CLOSED and d.workers_trained == 12 and int(d.economic_benefit) == 15000
    async with bot.services.db.session() as session:
        steps = [
            h.to_status
            for h in (
                await session.scalars(
                    select(DemandStatusHistory)
                    .where(DemandStatusHistory.demand_id == d.id)
                    .order_by(DemandStatusHistory.id)
                )
            ).all()
        ]
        feedback = (await session.scalars(select(Feedback))).one()
        rated = await session.scalar(select(Craftsman).where(Craftsman.user_id == 502))
    assert steps == [
        "submitted",
        "matched",
        "submitted",
        "matched",
        "accepted",
        "scheduled",
        "in_service",
        "resolved",
        "closed",
    ]
    assert feedback.stars == 5 and "专业" in feedback.comment
    assert (rated.rating_sum, rated.rating_count) == (5, 1)
    assert (await bot.services.follow_up.satisfaction(rated.id)).satisfied == 1.0

    # contact details went to the accepting craftsman and staff only
    assert not any(PHONE in t for t in first.texts())
    assert any(PHONE in t for t in second.texts())


async def test_volunteer_board_staff_confirm_and_refusals(bot: BotHarness):
    staff = await staffer(bot)
    volunteer = await craftsman(bot, 601, "吴师傅", "330502", ["数控机床调试", "精密加工"], ["34"])
    company = await enterprise_user(bot, 32)
    ticket = await submit(company, "数控车床加工精度不稳定，零件尺寸超差，需要调试")
    d = await demand(bot)
    assert d.industry == "34"

    volunteer.send("/board")
    board = await volunteer.expect(ticket)
    assert PHONE not in board["text"]
    volunteer.press(f"🙋 揭榜 {ticket}", board)
    notice = await staff.expect("吴师傅 揭榜需求 " + ticket)

    # nobody but staff may confirm, offer, escalate or plan: refused and logged
    for data in (
        f"qu:vol:{notice['reply_markup']['inline_keyboard'][0][0]['callback_data'].split(':')[-1]}",
        f"qu:ok:{d.id}:1",
    ):
        pressed = company.press_data(bot.signed(company, data, board), board)
        assert "只有" in (await company.answer_to(pressed))["text"]
    pressed = volunteer.press_data(bot.signed(volunteer, f"qu:e:{d.id}", board), board)
    assert "只有" in (await volunteer.answer_to(pressed))["text"]
    volunteer.send("/match_all")
    await volunteer.expect("只有")
    await bot.wait_handled()
    assert {"match.confirm_volunteer", "match.offer"} <= set(await refusals(bot, 32))
    assert {"demand.escalate", "match.plan_all"} <= set(await refusals(bot, 601))

    staff.press("✅ 确认揭榜", notice)
    await staff.expect("已确认 吴师傅 揭榜")
    confirmed = await volunteer.expect("工会已确认您揭榜需求 " + ticket)
    assert PHONE in confirmed["text"]
    await company.expect("吴师傅 已接受您的需求")
    assert (await demand(bot)).status is DemandStatus.ACCEPTED
    volunteer.send("/board")
    await volunteer.expect("暂无您所在行业可揭榜的需求")


async def one_seat_two_demands(
    bot: BotHarness, helper: tuple[int, str, list[str], list[str]], company_id: int, texts: tuple[str, str]
) -> tuple[FakeUser, FakeUser, FakeUser, str, str]:
    """Staff, a craftsman in 330502 with room for one case (``helper``: his id, name, specialities, divisions) and
    an enterprise that files the two ``texts`` a minute apart: (staff, craftsman, enterprise, first, second ticket)."""
    staff = await staffer(bot)
    user_id, name, specialities, divisions = helper
    one = await craftsman(bot, user_id, name, "330502", specialities, divisions, capacity=1)
    company = await enterprise_user(bot, company_id)
    first = await submit(company, texts[0])
    bot.clock.advance(minutes=1)  # a person typing: the flood guard counts updates per minute
    second = await submit(company, texts[1], first=False)
    return staff, one, company, first, second


async def test_match_all_respects_capacity_and_offers_after_confirmation(bot: BotHarness):
    staff, only, _, first, second = await one_seat_two_demands(
        bot,
        (701, "郑师傅", ["铝型材挤压", "表面处理"], ["32"]),
        33,
        ("铝型材挤压后表面出现斑点缺陷，需要分析原因", "铝型材阳极氧化后颜色不一致，批次色差明显"),
    )

    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    assert "1/2 条需求可分配" in plan["text"] and "郑师傅" in plan["text"] and "未能分配" in plan["text"]
    staff.press("✅ 全部派单", plan)
    await staff.expect("已派单 1 条")
    await only.expect("新的服务请求")
    again = staff.press("✅ 全部派单", plan)  # pressed twice: the plan was used up
    assert (await staff.answer_to(again))["show_alert"]
    async with bot.services.db.session() as session:
        statuses = sorted(
            (await session.scalars(select(Demand.status).where(Demand.ticket.in_([first, second])))).all()
        )
    assert set(statuses) == {DemandStatus.SUBMITTED, DemandStatus.MATCHED}


async def test_an_unanswered_offer_lapses_after_48_hours_and_staff_get_the_next_candidate(bot: BotHarness):
    staff = await staffer(bot)
    slow = await craftsman(bot, 801, "冯师傅", "330502", ["污水处理工艺"], ["46"])
    await craftsman(bot, 802, "何师傅", "330503", ["活性污泥调控"], ["46"])
    company = await enterprise_user(bot, 34)
    ticket = await submit(company, "污水处理厂出水氨氮超标，活性污泥沉降差")
    d = await demand(bot)
    result = await bot.services.casework.offer(
        900, Role.STAFF, d.id, (await bot.services.matcher.for_demand(d.id, 1))[0].craftsman_id
    )
    assert isinstance(result, Done)
    await bot.application.sender.flush()
    offer = await slow.expect("新的服务请求 " + ticket)
    bot.clock.advance(hours=47)
    assert await bot.services.casework.expire_offers() == 0
    bot.clock.advance(hours=1, minutes=1)
    assert await bot.services.casework.expire_offers() == 1
    assert await bot.services.casework.expire_offers() == 0  # once
    await bot.application.sender.flush()
    alert = await staff.expect("未在 48 小时内答复需求 " + ticket)
    assert "下一位候选：何师傅" in alert["text"]
    await slow.expect("已失效")
    late = slow.press("✅ 接受", offer)
    assert "已处理或已失效" in (await slow.answer_to(late))["text"]
    assert ticket == ticket_for(d.id, d.submitted_at, bot.services.settings.tz)


async def test_cancel_reschedule_reopen_and_the_day_three_rating_reminder(bot: BotHarness):
    from datetime import datetime
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    staff = await staffer(bot)
    helper = await craftsman(bot, 901, "陈师傅", "330502", ["变压器运维", "配电线路故障排查"], ["44"])
    company = await enterprise_user(bot, 35)
    stranger = await enterprise_user(bot, 36)
    ticket = await submit(company, "配电线路经常故障跳闸，变压器温度偏高，需要排查")
    d = await demand(bot)
    offered = await bot.services.casework.offer(
        900, Role.STAFF, d.id, (await bot.services.matcher.for_demand(d.id, 1))[0].craftsman_id
    )
    assert isinstance(await bot.services.casework.accept(901, offered.match_id), Done)
    sh = ZoneInfo("Asia/Shanghai")
    slot = datetime(2026, 11, 26, 15, 0, tzinfo=sh)
    assert isinstance(await bot.services.booking.offer_slots(901, offered.match_id, [slot], "配电房", None), Done)
    await bot.application.sender.flush()
    slots = await company.expect("提供了以下问诊时段")
    forged = stranger.press_data(
        bot.signed(stranger, slots["reply_markup"]["inline_keyboard"][0][0]["callback_data"], slots), slots
    )
    assert "不是发给您的" in (await stranger.answer_to(forged))["text"]
    assert "booking.pick" in await refusals(bot, 36)
    company.press("2026-11-26 15:00", slots)
    booked = await company.expect("专家问诊预约成功")
    assert [r.what for r in bot.services.reminders.pending() if r.event.startswith("appointment:")] == ["day", "hour"]

    # the enterprise asks for another time; the craftsman is asked for new slots, the booking stands
    company.press("🔁 改期", booked)
    await company.expect("原预约保留")
    await helper.expect("请重新提供时段")
    # then cancels: the craftsman is told, the reminders are withdrawn, the case is back to accepted
    company.press("❌ 取消预约", booked)
    await company.expect("已取消 2026-11-26 15:00 的预约")
    await helper.expect("企业取消了需求 " + ticket)
    assert not [r for r in bot.services.reminders.pending() if r.event.startswith("appointment:")]
    assert (await demand(bot)).status is DemandStatus.ACCEPTED
    again = company.press("❌ 取消预约", booked)
    assert "已处理或已失效" in (await company.answer_to(again))["text"]

    # resolved, reopened by the enterprise, resolved again; unrated for 3 days → one reminder
    assert isinstance(
        await bot.services.follow_up.resolve(901, offered.match_id, "更换分接开关", 3, Decimal("8000")), Done
    )
    await answered_not_solved(bot, company, helper)
    assert (await demand(bot)).status is DemandStatus.ACCEPTED
    assert isinstance(
        await bot.services.follow_up.resolve(901, offered.match_id, "更换分接开关并调整负荷", 3, Decimal("8000")), Done
    )
    bot.clock.advance(days=2, hours=23)
    assert await bot.services.follow_up.remind_ratings() == 0
    bot.clock.advance(hours=2)
    assert await bot.services.follow_up.remind_ratings() == 1
    assert await bot.services.follow_up.remind_ratings() == 0
    await bot.application.sender.flush()
    reminder = await company.expect("回访：需求 " + ticket)
    company.press("4★", reminder)
    await company.expect("已结案")
    assert (await demand(bot)).status is DemandStatus.CLOSED
    await staff.expect("已由 陈师傅 解决")


async def answered_not_solved(bot: BotHarness, company: FakeUser, helper: FakeUser) -> None:
    """The enterprise answers 未解决 to the craftsman's solution: the case is reopened, and he is told."""
    await bot.application.sender.flush()
    resolved = await company.expect("的解决结果")
    company.press("↩️ 未解决", resolved)
    await company.expect("已重新打开")
    await helper.expect("尚未解决，已重新打开")


async def offered_to_the_second_best(bot: BotHarness) -> tuple[FakeUser, FakeUser, FakeUser, Demand, dict[str, int]]:
    """Staff, two craftsmen (林师傅 the better match, 高师傅), an enterprise's submitted demand offered to 高师傅:
    (林师傅, 高师傅, the enterprise, the demand, craftsman ids by name)."""
    await staffer(bot)
    helper = await craftsman(bot, 951, "林师傅", "330502", ["注塑成型缺陷", "缩痕"], ["29"])
    other = await craftsman(bot, 952, "高师傅", "330502", ["注塑模具"], ["29"])
    company = await enterprise_user(bot, 37)
    await submit(company, "注塑件表面缩痕明显，变形超差，需要调整工艺")
    d = await demand(bot)
    by_name = {c.name: c.craftsman_id for c in await bot.services.matcher.for_demand(d.id, 2)}
    await bot.services.casework.offer(900, Role.STAFF, d.id, by_name["高师傅"])
    await bot.application.sender.flush()
    return helper, other, company, d, by_name


async def test_wrong_input_long_text_restarts_and_double_presses_in_the_new_steps(bot: BotHarness):
    """Decline reason, slots, place and resolution steps: stickers and photos, over-long text, bad times, a restart
    in the middle of each, and a slot pressed after another was booked."""
    helper, other, company, d, by_name = await offered_to_the_second_best(bot)

    offer = await other.expect("新的服务请求")
    other.press("🙏 婉拒", offer)
    await other.expect("婉拒原因")
    other.send_sticker()
    await other.expect("这一步需要文字回复")
    other.send("忙" * 301)
    await other.expect("最多 300 个字")
    await bot.restart()  # mid-step: the reason is still expected, nothing lost
    other.send("模具不是我的专长")
    await other.expect("已婉拒")
    assert (await demand(bot)).status is DemandStatus.SUBMITTED

    await bot.services.casework.offer(900, Role.STAFF, d.id, by_name["林师傅"])
    await bot.application.sender.flush()
    offer = await helper.expect("新的服务请求")
    helper.press("✅ 接受", offer)
    accepted = await helper.expect("感谢接受需求")
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send("明天3点")  # 03:00 or 15:00: asked again
    await helper.expect("这一行请重写：明天3点")
    helper.send("11-20 10:00")  # yesterday
    assert "已经过去了" in (await helper.expect("这一行请重写：11-20 10:00"))["text"]
    helper.send_photo()
    await helper.expect("这一步需要文字回复")
    await bot.restart()
    helper.send("11-27 09:00\n11-28 14:30")
    await helper.expect("问诊地点")
    helper.send("地" * 257)
    await helper.expect("最多 256 个字")
    helper.send("https://meeting.example.com/abc")
    await helper.expect("已将 2 个时段发给企业")

    slots = await company.expect("提供了以下问诊时段")
    company.press("2026-11-27 09:00", slots)
    await company.expect("专家问诊预约成功")
    late = company.press("2026-11-28 14:30", slots)  # the other slot, after booking: withdrawn
    assert "已处理或已失效" in (await company.answer_to(late))["text"]

    bot.clock.advance(days=6)  # the visit (11-27 09:00) has taken place: a case is solved after its visit
    helper.send("/tasks")
    tasks = await helper.expect("我的服务")
    helper.press(next(b["text"] for b in FakeUser.buttons(tasks) if b["text"].startswith("✅ 登记解决")), tasks)
    await helper.expect("请简述解决方案")
    await bot.restart()
    helper.send("调整保压时间和模温")
    await helper.expect("培训职工人数")
    helper.send("-1")
    await helper.expect("请输入 0 到")
    helper.send("0")
    await helper.expect("预计经济效益")
    helper.send("NaN")
    await helper.expect("请输入 0 到")
    helper.send("1200.5元")
    await helper.expect("已登记解决结果")
    assert float((await demand(bot)).economic_benefit) == 1200.5


async def test_staff_search_and_escalation_steps_take_bad_input_politely(bot: BotHarness):
    staff = await staffer(bot)
    await craftsman(bot, 961, "方师傅", "330502", ["注塑成型缺陷"], ["29"])
    company = await enterprise_user(bot, 38)
    ticket = await submit(company, "注塑件飞边毛刺多，模具合模不严")
    staff.send("/queue")
    await staff.expect("待匹配需求 1 条")
    item = await staff.expect(ticket)
    staff.press("🔍 搜索工匠", item)
    await staff.expect("姓名或专长关键词")
    staff.send_sticker()
    await staff.expect("这一步需要文字回复")
    staff.send("词" * 51)
    await staff.expect("最多 50 个字")
    staff.send("量子计算")
    await staff.expect("没有找到与“量子计算”相关")
    await bot.restart()
    staff.send("注塑")
    found = await staff.expect("搜索结果")
    assert "方师傅" in found["text"]
    staff.press("⬆️ 升级省级", item)
    await staff.expect("升级原因")
    staff.send("<b>本市无人</b>")  # echoed escaped: shown as typed, not as markup
    await staff.expect("已升级至省级服务队")
    notice = await staff.expect("说明：<b>本市无人</b>")
    assert "<b>本市无人</b>" in notice["text"]
    assert (await demand(bot)).status is DemandStatus.ESCALATED
    await company.expect("省级劳模工匠服务队协调")


async def test_declining_an_offer_already_accepted_is_refused_at_the_press(bot: BotHarness):
    """The offer's 🙏 婉拒, pressed after 接受: refused at once, not after the craftsman typed a reason."""
    _helper, other, _company, _d, _by_name = await offered_to_the_second_best(bot)
    offer = await other.expect("新的服务请求")
    other.press("✅ 接受", offer)
    await other.expect("感谢接受需求")
    late = other.press("🙏 婉拒", offer)
    assert (await other.answer_to(late))["show_alert"]
    await bot.wait_handled()
    assert not any("婉拒原因" in text for text in other.texts())


async def test_match_all_says_which_pairs_need_a_phone_call_before_it_is_confirmed(bot: BotHarness):
    """The plan promised "1/1 条需求可分配" and ✅ then offered nothing (the craftsman has no Telegram account): the
    plan says so on the pair's line and in its title."""
    staff = await staffer(bot)
    await phone_only_craftsman(bot, "吴师傅", "330502", ["铝型材挤压", "表面处理"], ["32"])
    company = await enterprise_user(bot, 35)
    await submit(company, "铝型材挤压后表面出现斑点缺陷，需要分析原因")
    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    assert "1 条需电话联系" in plan["text"]
    assert "吴师傅（" in plan["text"] and "未绑定 Telegram" in plan["text"]
