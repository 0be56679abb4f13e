"""Times, slots, stars, capacity and enrolment as a hostile tester tried them (hostile report 1.5, 3.4, 3.5): a
booking is never replaced without a word, the same slot typed twice is one slot, a craftsman at capacity cannot
揭榜, typed stars are a rating, leaving a course is confirmed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from db.models import DemandStatus
from services.results import Done
from tests.harness import BotHarness
from tests.test_casework_visits import booked_visit
from tests.test_report import staffer
from tests.test_service_flow import demand, one_seat_two_demands

SH = ZoneInfo("Asia/Shanghai")


async def booked_case(bot: BotHarness):
    """A demand accepted by 陈师傅 (901) and booked for 2026-11-26 15:00: (craftsman, enterprise, match id, the
    booked message)."""
    return await booked_visit(bot, 901, "陈师傅", 35)


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
    _, volunteer, _, first, second = await one_seat_two_demands(
        bot,
        (601, "吴师傅", ["数控机床调试", "精密加工"], ["34"]),
        32,
        ("数控车床加工精度不稳定，零件尺寸超差，需要调试", "加工中心换刀报警，主轴定位不准，需要数控调试"),
    )

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


# ------------------------------------------------------------------ dates (hostile 3.4): the services' rules
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SH)


def _refusal(call, *args):
    import pytest

    from services.validation import Invalid

    with pytest.raises(Invalid) as raised:
        call(*args, SH, NOW)
    return raised.value


def test_a_day_its_month_does_not_have_is_named_not_called_unreadable():
    from i18n import t
    from services.course_times import parse_date_range, parse_session_lines
    from services.local_time import parse_local_datetime, with_dates_read

    for call, text in (
        (parse_session_lines, "2月30日晚上7点到9点"),
        (parse_session_lines, "2027-02-30 19:00-21:00"),
        (parse_local_datetime, "2月30日下午2点"),
        (parse_local_datetime, "2027-04-31 14:00"),
        (parse_date_range, "2月1日到2月30日"),
        (with_dates_read, "2月30日上午"),  # a training's 希望时间
    ):
        exc = _refusal(call, text)
        assert exc.key == "everyday.no_such_day", (text, exc.key)
        said = t(exc.key, "zh-hans", **exc.values)
        assert ("2月没有30日" in said or "4月没有31日" in said) and "看不懂" not in said
    assert _refusal(parse_local_datetime, "2027-02-29 14:00").key == "everyday.no_such_day_year"


def test_a_course_date_in_the_past_or_past_two_years_is_refused_at_the_dates_step():
    from i18n import t
    from services.course_times import parse_date_range, parse_session_lines
    from services.local_time import parse_moment

    assert _refusal(parse_session_lines, "1900-01-01 19:00-21:00").key == "everyday.past"
    # refused as past with a range still to come as its example (its own key since s6 item 5)
    assert _refusal(parse_date_range, "2026-11-01 至 2026-12-10").key == "time.range_past"
    far = _refusal(parse_session_lines, "9999-12-31 19:00-21:00")
    assert far.key == "everyday.too_far" and far.values["limit"] == "2028-11-30"
    assert "两年之内" in t(far.key, "zh-hans", **far.values)
    assert _refusal(parse_date_range, "2026-12-01 至 2029-01-01").key == "everyday.too_far"
    # a consultation slot (and any time still to come): the same rule, the same words
    for slot in ("9999-12-31 23:00", "2029-01-01 14:00", "2029年1月1日下午2点"):
        exc = _refusal(lambda text, tz, now: parse_moment(text, tz, now, future=True), slot)
        assert exc.key == "everyday.too_far", slot
    assert parse_moment("2028-11-30 14:00", SH, NOW, future=True).at.year == 2028


def test_every_bad_line_of_a_course_s_dates_is_named_with_its_reason():
    from i18n import t
    from services.course_times import parse_session_lines

    exc = _refusal(parse_session_lines, "2026-12-02 19:00-21:00\n明天晚上\n2月30日晚上7点到9点\n2020-01-01 19:00-21:00")
    assert exc.key == "time.bad_session_lines" and exc.values["count"] == 3
    said = t(exc.key, "zh-hans", **exc.values)
    for part in ("“明天晚上”：看不懂", "2月没有30日", "“2020-01-01 19:00-21:00”：已经过去了"):
        assert part in said, said
    assert "2026-12-02 19:00-21:00”：" not in said  # the good line is not called bad
    assert "month 2 has no day 30" in t(exc.key, "en", **exc.values)


async def test_the_course_form_refuses_a_past_or_far_date_at_the_dates_step(bot: BotHarness):
    """Hostile 3.4: 1900-01-01 was taken at the dates step and refused only at 发布 (then the reminder and the
    description were asked again); now the dates step itself says why, and every bad line."""
    from tests.test_course_night_school import up_to_dates

    staff = await staffer(bot)
    await up_to_dates(staff)
    staff.send("1900-01-01 19:00-21:00")
    assert "已经过去了" in (await staff.expect("1900-01-01"))["text"]
    staff.send("9999-12-31 19:00-21:00\n2月30日晚上7点到9点")
    said = await staff.expect("以下 2 行需要重写")
    assert "超过两年" in said["text"] and "2月没有30日" in said["text"]
    staff.send("2026-11-25 19:00-21:00")
    await staff.expect("每次课前多久提醒")
