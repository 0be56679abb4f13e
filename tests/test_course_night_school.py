"""Night-school courses as a union would run them (hostile tester, s6): the course form's lead, skip, dates and
date-range answers, classes that overlap, a course's last class, and a worker's two courses at the same time.
Through the real Application on the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_events_e2e import REMINDER, worker
from tests.test_report import staffer


async def up_to_dates(staff: FakeUser, name: str = "数控编程", teacher: str = "李老师") -> None:
    """/new_course answered up to the question of the classes' dates and times (one by one)."""
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    staff.send(name)
    await staff.expect("授课老师")
    staff.send(teacher)
    await staff.expect("上课地点")
    staff.send("湖州市职工服务中心")
    staff.press("不限人数", await staff.expect("最多多少人"))
    staff.press("不限地区", await staff.expect("面向哪个地区"))
    staff.press("逐次输入日期", await staff.expect("上课时间怎么安排"))
    await staff.expect("逐行输入")


async def publish_dated(bot: BotHarness, staff: FakeUser, name: str, lines: str, lead: str = "1 小时") -> None:
    await up_to_dates(staff, name)
    staff.send(lines)
    staff.press(lead, await staff.expect("每次课前多久提醒"))
    staff.press("跳过", await staff.expect("课程简介"))
    staff.press("发布", await staff.expect("请核对"))
    await staff.expect(f"已发布「{name}」")
    bot.clock.advance(minutes=1)  # past the flood guard's window: the form was many messages


async def enrolled(bot: BotHarness, user_id: int, course: str, name: str = "学员") -> FakeUser:
    """A worker of 吴兴区 enrolled in the first course of /courses (``course``)."""
    student = await worker(bot, user_id, "330502", name)
    student.send("/courses")
    student.press("报名①", await student.expect(course))
    await student.expect("您已报名")
    return student


async def test_a_zero_minute_lead_is_refused_like_minus_zero_and_a_day_is_shown_as_a_day(bot: BotHarness):
    """Item 1: 0 was taken ("课前提醒：0 分钟") though a reminder due at the class's start is never sent; "-0"
    was refused. Both are refused with the range in words; 1440 minutes is shown as 1 天."""
    staff = await staffer(bot)
    await up_to_dates(staff)
    staff.send("2026-12-02 19:00-21:00")
    await staff.expect("每次课前多久提醒")
    for typed in ("0", "-0"):
        staff.send(typed)
        refused = await staff.expect("提醒时间")
        assert "1 到 10080" in refused["text"] and "7 天" in refused["text"], refused["text"]
    staff.send("1440")
    staff.press("跳过", await staff.expect("课程简介"))
    summary = (await staff.expect("请核对"))["text"]
    assert "课前提醒：1 天" in summary and "1440" not in summary, summary


async def test_typed_skip_skips_the_teacher(bot: BotHarness):
    """Item 3: 跳过 typed at "授课老师是？（可跳过）" was saved as the teacher "跳过"."""
    staff = await staffer(bot)
    await up_to_dates(staff, teacher="跳过")
    staff.send("2026-12-02 19:00-21:00")
    staff.press("1 小时", await staff.expect("每次课前多久提醒"))
    staff.send("skip")
    summary = (await staff.expect("请核对"))["text"]
    assert "老师：—" in summary and "跳过" not in summary and "skip" not in summary, summary


async def test_lines_of_the_same_or_overlapping_classes_are_named_at_creation(bot: BotHarness):
    """Item 2: two lines of the same class and one overlapping them were published as three classes."""
    staff = await staffer(bot)
    await up_to_dates(staff)
    staff.send("明天晚上7点到9点\n明天晚上7点到9点\n明天晚上8点到10点")
    said = (await staff.expect("需要重写"))["text"]
    assert "“明天晚上7点到9点”：和“明天晚上7点到9点”是同一次课" in said, said
    assert "“明天晚上8点到10点”：和“明天晚上7点到9点”时间重叠" in said, said
    staff.send("明天晚上7点到9点\n后天晚上7点到9点")
    await staff.expect("每次课前多久提醒")


async def test_a_move_onto_part_of_another_class_names_that_class(bot: BotHarness):
    """Item 2: asking for 20:00 on a day with a 19:00–21:00 class was answered "已经有一次课了" at 19:00, as if
    she had asked for 19:00."""
    staff = await staffer(bot)
    await publish_dated(bot, staff, "焊接", "2026-12-02 19:00-21:00\n2026-12-03 19:00-21:00")
    staff.send("/courses")
    staff.press("管理①", await staff.expect("焊接"))
    staff.press("改期 12-03 19:00", await staff.expect("管理课程"))
    await staff.expect("新的开始时间")
    staff.send("2026-12-02 20:00")
    said = (await staff.expect("重叠"))["text"]
    assert "2026-12-02 20:00–22:00" in said and "2026-12-02 19:00–21:00" in said, said


async def test_class_lines_are_refused_with_their_reasons_every_one_named(bot: BotHarness):
    """Item 6: each of these got "看不懂" (and "23:00-01:00" was quoted cut from its line)."""
    staff = await staffer(bot)
    await up_to_dates(staff)
    staff.send("今天上午9点到8点\n昨天晚上7点\n13月1日\n12月24日 23:00-01:00\n12月3日晚上7点")
    said = (await staff.expect("以下 5 行需要重写"))["text"]
    assert "看不懂" not in said, said
    for part in (
        "“今天上午9点到8点”：下课时间早于上课时间",
        "“昨天晚上7点”：已经过去了",
        "“13月1日”：月份不对（没有13月）",
        "“12月24日 23:00-01:00”：下课时间早于上课时间",
        "“12月3日晚上7点”：没有写下课时间",
    ):
        assert part in said, (part, said)
    staff.send("12月3日晚上7点")  # one line alone: its reason too
    alone = (await staff.expect("12月3日晚上7点"))["text"]
    assert "没有写下课时间" in alone and "看不懂" not in alone, alone


async def test_the_date_range_example_is_still_to_come_and_a_reversed_range_is_named(bot: BotHarness):
    """Item 5: the question's example "2026-12-01 至 2026-12-31" was refused once the stage passed 12-01, with a
    one-time example; a range ending before it starts was called "not a valid range"."""
    bot.clock.advance(days=15)  # 2026-12-06
    staff = await staffer(bot)
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    for answer, next_question in (("焊接", "授课老师"), ("王老师", "上课地点"), ("湖州", "最多多少人")):
        staff.send(answer)
        await staff.expect(next_question)
    staff.press("不限人数")
    staff.press("不限地区", await staff.expect("面向哪个地区"))
    staff.press("每周固定时间", await staff.expect("上课时间怎么安排"))
    staff.press("周二", await staff.expect("每周哪几天"))
    await staff.expect("每周哪几天")
    staff.press("选好了")
    await staff.expect("每次上课的时间段")
    staff.send("19:00-21:00")
    asked = (await staff.expect("从哪天到哪天"))["text"]
    assert "2026-12-09 至 2027-01-08" in asked and "2026-12-01" not in asked, asked
    staff.send("2026-12-01 至 2026-12-31")
    past = (await staff.expect("已经过去了"))["text"]
    assert "例如：2026-12-09 至 2027-01-08" in past, past
    staff.send("2026-12-31 至 2026-12-20")
    reversed_ = (await staff.expect("2026-12-31 至 2026-12-20"))["text"]
    assert "结束日期早于开始日期" in reversed_, reversed_
    staff.send("2026-12-09 至 2027-01-08")
    await staff.expect("每次课前多久提醒")


async def test_a_day_ahead_reminder_fifteen_minutes_late_says_tomorrow_without_the_late_mark(bot: BotHarness):
    """Item 4: "【補發】… 開課，還有 1425 分鐘。" for a reminder a day ahead sent 15 minutes late."""
    staff = await staffer(bot)
    await publish_dated(bot, staff, "每周课", "2026-12-02 19:00-21:00", lead="1 天")
    student = await enrolled(bot, 81, "每周课")
    bot.clock.advance(seconds=(datetime(2026, 12, 1, 11, 15, tzinfo=UTC) - bot.clock.now()).total_seconds())
    await bot.tick()  # 12-01 19:15: the reminder due at 19:00 goes out 15 minutes late
    text = (await student.expect(REMINDER))["text"]
    assert "明天 19:00" in text and "1425" not in text and "补发" not in text, text


async def test_the_manage_buttons_show_a_class_s_year_when_not_this_year(bot: BotHarness):
    """Item 7: a 2028 class was listed as "改期 11-30 19:00"."""
    staff = await staffer(bot)
    await publish_dated(bot, staff, "远期课", "2026-12-02 19:00-21:00\n2028-11-20 19:00-21:00")
    staff.send("/courses")
    staff.press("管理①", await staff.expect("远期课"))
    manage = await staff.expect("管理课程")
    labels = [b["text"] for b in staff.buttons(manage)]
    assert "改期 12-02 19:00" in labels and "改期 2028-11-20 19:00" in labels, labels


async def test_students_are_told_the_course_is_over_when_its_last_class_is_cancelled(bot: BotHarness):
    """Item 7: cancelling the last class made the course vanish, and students heard only of that class."""
    staff = await staffer(bot)
    await publish_dated(bot, staff, "单次课", "2026-12-02 19:00-21:00")
    student = await enrolled(bot, 82, "单次课")
    staff.send("/courses")
    staff.press("管理①", await staff.expect("单次课"))
    staff.press("取消 12-02 19:00", await staff.expect("管理课程"))
    staff.press("确定取消", await staff.expect("确定取消这次课"))
    said = (await staff.expect("已取消"))["text"]
    assert "没有剩下的课" in said, said
    told = (await student.expect("单次课"))["text"]
    assert "取消" in told and "没有剩下的课" in told, told


async def test_enrolling_in_a_course_whose_class_overlaps_another_s_warns_and_keeps_both(bot: BotHarness):
    """Item 8: 孙晓梅 enrolled in two courses with classes at the same time and was not told."""
    staff = await staffer(bot)
    await publish_dated(bot, staff, "电工", "2026-12-02 19:00-20:30")
    await publish_dated(bot, staff, "插花", "2026-12-02 19:00-21:00")
    student = await worker(bot, 83, "330502", "孙晓梅")
    student.send("/courses")
    first = await student.expect("电工")
    pressed = student.press("报名①", first)
    assert "重叠" not in ((await student.answer_to(pressed)).get("text") or "")
    page = await student.expect("插花")
    pressed = student.press("报名②", page)
    warned = await student.expect("时间重叠")
    assert "电工" in warned["text"] and "2026-12-02 19:00–20:30" in warned["text"], warned["text"]
    mine = [card.course.name for card in await bot.services.courses.cards(83, only_mine=True)]
    assert sorted(mine) == ["插花", "电工"]
