"""Competitions and courses end to end through the real Application on the fake Bot API: staff publish with the
step-by-step forms, workers follow and enrol, the manual clock moves to reminder time, the bot restarts."""

from __future__ import annotations

from db.models import Role
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_report import staffer

REMINDER = "上课提醒"


async def worker(harness: BotHarness, user_id: int, region: str, name: str = "职工") -> FakeUser:
    await harness.services.users.register(user_id, name)
    await harness.services.users.set_role(user_id, Role.WORKER)
    await harness.services.users.set_region(user_id, region)
    return harness.user(user_id, first_name=name)


def count(user: FakeUser, needle: str) -> int:
    return sum(needle in text for text in user.texts())


async def publish_weekly_course(staff: FakeUser) -> None:
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    staff.send("AI写作 <入门>")
    await staff.expect("授课老师")
    staff.send("周老师")
    await staff.expect("上课地点")
    staff.send("湖州市职工服务中心")
    await staff.expect("最多多少人")
    staff.send("1")
    staff.press("不限地区", await staff.expect("面向哪个地区"))
    staff.press("每周固定时间", await staff.expect("上课时间怎么安排"))
    days = await staff.expect("每周哪几天")
    staff.press("周二", days)
    await staff.expect("每周哪几天")  # the same message, its buttons ticked
    staff.press("周四")
    await staff.expect("每周哪几天")
    staff.press("选好了")
    await staff.expect("每次上课的时间段")
    staff.send("19:00-21:00")
    await staff.expect("从哪天到哪天")
    staff.send("2026-12-01 至 2026-12-10")
    staff.press("1 小时", await staff.expect("每次课前多久提醒"))
    staff.press("跳过", await staff.expect("课程简介"))
    summary = await staff.expect("共 4 次课")
    assert "2026-12-01 19:00–21:00" in summary["text"] and "AI写作 &lt;入门&gt;" not in summary["text"]
    staff.press("发布", summary)
    await staff.expect("已发布「AI写作 <入门>」，共 4 次课")


async def competition_up_to_organiser(staff: FakeUser) -> dict:
    """/new_competition for 湖州市数控车工技能竞赛 (section C, 湖州市) answered up to the organiser question: that
    question."""
    staff.send("/new_competition")
    await staff.expect("请输入竞赛名称")
    staff.send("湖州市数控车工技能竞赛")
    staff.press("C 制造业", await staff.expect("面向哪个行业"))
    await staff.expect("面向哪个地区")
    staff.send("湖州")
    staff.press("浙江省 湖州市", await staff.expect("找到以下地区"))
    staff.press("就选湖州市", await staff.expect("请继续选择"))
    return await staff.expect("主办单位")


async def test_course_waitlist_promotion_and_one_reminder_across_a_restart(bot: BotHarness):
    staff = await staffer(bot)
    await publish_weekly_course(staff)
    first, second = await worker(bot, 31, "330502", "甲"), await worker(bot, 32, "330502", "乙")

    first.send("/courses")
    listing = await first.expect("AI写作")
    assert await first.answer_to(first.press("报名①", listing)) == {
        "text": "报名成功，每次课前会提醒您 ✅",
        "show_alert": False,
    }
    second.send("/courses")
    listing = await second.expect("已报 1/1")
    answer = await second.answer_to(second.press("报名①", listing))
    assert "候补名单第 1 位" in answer["text"]
    await second.expect("您在候补名单上")  # the list is shown again with the new state

    first.send("/subscriptions")
    first.press("退出：AI写作", await first.expect("已报名，下次课 2026-12-01 19:00"))
    first.press("确定退出", await first.expect("确定退出「AI写作 <入门>」"))
    await first.expect("您还没有关注竞赛或报名课程")
    await second.expect("您已从候补转为正式学员")

    bot.clock.advance(days=10, hours=7, minutes=59)  # 2026-12-01 17:59 in Shanghai
    await bot.tick()
    assert count(second, REMINDER) == 0
    bot.clock.advance(minutes=1)  # one hour before the first class
    await bot.tick()
    await second.expect(REMINDER)
    assert count(second, REMINDER) == 1 and count(first, REMINDER) == 0

    await bot.restart()
    await bot.tick()
    bot.clock.advance(minutes=30)
    await bot.tick()
    assert count(second, REMINDER) == 1  # nothing repeats after the restart


async def test_competition_reaches_huzhou_followers_of_c_and_not_suzhou(bot: BotHarness):
    staff = await staffer(bot)
    huzhou, suzhou = await worker(bot, 41, "330502", "湖州职工"), await worker(bot, 42, "320505", "苏州职工")
    for user in (huzhou, suzhou):  # both follow section C, through /settings
        user.send("/settings")
        user.press("关注行业", await user.expect("当前设置"))
        user.press("C 制造业", await user.expect("选择您关注的行业门类"))
        await user.expect("选择您关注的行业门类")
        user.press("✅")
        shown = await user.expect("关注行业：C")
        assert "关注行业：C 制造业" in shown["text"]  # the section's name, not a bare letter
        user.press("完成")
        await user.expect("设置已保存")

    staff.press("跳过", await competition_up_to_organiser(staff))
    await staff.expect("报名截止时间")
    staff.send("12月1日 17点")
    await staff.expect("比赛开始时间")
    staff.send("2026-11-20 09:00")  # in the past: asked again
    await staff.expect("已经过去了，请输入将来的时间")
    staff.send("2026-12-10 09:00")
    staff.press("跳过", await staff.expect("比赛结束时间"))
    await staff.expect("比赛地点")
    staff.send("湖州技师学院")
    staff.press("跳过", await staff.expect("简要介绍"))
    staff.press("跳过", await staff.expect("如何报名"))
    summary = await staff.expect("请核对")
    assert "浙江省 湖州市" in summary["text"] and "C 制造业" in summary["text"]
    assert "<b>" not in summary["text"] and "\n湖州市数控车工技能竞赛\n" in summary["text"], "the card is HTML once"
    staff.press("发布", summary)
    await staff.expect("已发布「湖州市数控车工技能竞赛」")
    await bot.wait_handled()

    notice = await huzhou.expect("新的技能竞赛")
    assert "报名截止：2026-12-01 17:00" in notice["text"]
    assert count(suzhou, "新的技能竞赛") == 0
    assert await huzhou.answer_to(huzhou.press("关注此竞赛", notice)) == {
        "text": "已关注，报名截止和比赛前会提醒您 ✅",
        "show_alert": False,
    }
    suzhou.send("/competitions")
    await suzhou.expect("目前没有适合您地区和行业的技能竞赛")

    bot.clock.advance(days=7, hours=7)  # 11-28 17:00 local: three days before registration closes
    await bot.tick()
    await huzhou.expect("还有 3 天截止报名")


async def test_forms_survive_bad_input_restarts_and_forged_buttons(bot: BotHarness):
    from sqlalchemy import select

    from db.models import AuditEntry

    staff, intruder = await staffer(bot), await worker(bot, 51, "330502", "路人")
    intruder.send("/new_competition")
    await intruder.expect("只有工会工作人员")
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    staff.send_sticker()
    await staff.expect("请直接输入文字")
    staff.send("课" * 101)
    await staff.expect("101")
    staff.send("数字人 🎬")
    await staff.expect("授课老师")
    await bot.restart()  # mid-form: the next answer lands on the same step
    staff.send("李老师")
    await staff.expect("上课地点")
    staff.send("https://example.org/live")
    capacity = await staff.expect("最多多少人")
    staff.send("零")
    await staff.expect("不是有效的人数")
    for odd in ("²", "9" * 30):  # a digit int() refuses, and a number past any column
        staff.send(odd)
        await staff.expect("不是有效的人数")
    staff.press("不限人数", capacity)
    staff.press("不限地区", await staff.expect("面向哪个地区"))
    staff.press("逐次输入日期", await staff.expect("上课时间怎么安排"))
    await staff.expect("逐行输入")
    staff.send("2026-11-25 19:00-21:00\n明天晚上")
    await staff.expect("这一行看不懂：“明天晚上”")
    staff.send("2026-11-25 19:00-21:00\n2026-11-27 19:30-21:00")
    await staff.expect("每次课前多久提醒")
    staff.send("30")
    staff.press("跳过", await staff.expect("课程简介"))
    summary = await staff.expect("共 2 次课")
    staff.press("发布", summary)
    await staff.expect("已发布「数字人 🎬」")
    staff.press_data(bot.signed(staff, "newcourse:publish"), summary)  # a double press on the old summary
    await bot.wait_handled()
    assert len(await bot.services.courses.cards(staff.id, is_staff=True)) == 1

    intruder.send("/courses")
    listing = await intruder.expect("数字人")
    assert [b["text"] for b in intruder.buttons(listing)] == ["📝 报名①"]  # no manage button for workers
    await intruder.answer_to(intruder.press("报名①", listing))
    await intruder.expect("您已报名")
    assert (
        "已经报名" in (await intruder.answer_to(intruder.press_data(bot.signed(intruder, "cs:j:1:0"))))["text"]
    )  # double press
    for forged in ("cs:xx:1", "cs:mv:1", "cp:e:1:starts_at", "cs:m:1"):
        answer = await intruder.answer_to(intruder.press_data(bot.signed(intruder, forged), listing))
        assert "只有工会工作人员" in answer["text"], forged
    await bot.wait_handled()
    async with bot.services.db.session() as session:
        refusals = (await session.scalars(select(AuditEntry.action).where(AuditEntry.allowed.is_(False)))).all()
    assert {"competition.create", "course.manage", "event.edit"} <= set(refusals)
    assert (await bot.services.courses.get(1)).status.value == "published"

    # staff move the first class: the enrolled worker is told once, the reminder follows the new time
    staff.send("/courses")
    staff.press("管理①", await staff.expect("数字人"))
    staff.press("改期 11-25 19:00", await staff.expect("管理课程"))
    await staff.expect("新的开始时间")
    staff.send("11-26 19:00")
    await staff.expect("已改期")
    await intruder.expect("改到 2026-11-26 19:00–21:00")
    assert next(r.at.isoformat() for r in bot.services.reminders.pending()) == "2026-11-26T10:30:00+00:00"


async def enrolled_student(bot: BotHarness, user_id: int) -> FakeUser:
    """A worker enrolled in the weekly AI写作 course (first class 12-01 19:00, reminded an hour before)."""
    staff, student = await staffer(bot), await worker(bot, user_id, "330502", "学员")
    await publish_weekly_course(staff)
    student.send("/courses")
    student.press("报名①", await student.expect("AI写作"))
    await student.expect("您已报名")
    return student


async def test_a_reminder_due_while_the_bot_was_down_comes_marked_late(bot: BotHarness):
    student = await enrolled_student(bot, 61)
    await bot.stop()
    bot.clock.advance(days=10, hours=8, minutes=20)  # back at 18:20 on 12-01: the 18:00 reminder was missed
    await bot.start()
    await bot.tick()
    late = await student.expect(REMINDER)
    assert late["text"].startswith("【补发】")
    await bot.restart()
    await bot.tick()
    assert count(student, REMINDER) == 1


async def test_quiet_hours_and_notices_in_settings(bot: BotHarness):
    user = await worker(bot, 71, "330502")
    user.send("/settings")
    user.press("免打扰", await user.expect("免打扰：22:00–07:00"))
    await user.expect("免打扰时段内不推送提醒")
    user.send("晚上十点")
    await user.expect("看不懂")
    user.send("23:00-08:00")
    menu = await user.expect("免打扰：23:00–08:00")
    assert "竞赛发布通知：开" in menu["text"]
    user.press("竞赛通知", menu)
    await user.expect("竞赛发布通知：关")
    profile = await bot.services.users.get(71)
    assert (profile.quiet.start, profile.quiet.end, profile.notify_publications) == (23 * 60, 8 * 60, False)


async def test_choosing_craftsman_in_settings_is_not_called_saved(bot: BotHarness):
    """劳模工匠 comes with staff approval: the press is not answered "已保存 ✅" while the role stays 职工; the
    reader is told to apply instead."""
    user = await worker(bot, 48, "330502", "王师傅")
    user.send("/settings")
    user.press("身份", await user.expect("当前设置"))
    press = user.press("劳模工匠", await user.expect("请选择您的身份"))
    assert "已保存" not in ((await user.answer_to(press)).get("text") or "")
    await user.expect("申请")
    assert (await bot.services.users.get(48)).role is Role.WORKER


async def test_a_course_form_stored_before_the_one_engine_goes_on(bot: BotHarness):
    """A draft the old engine stored ({"step": …, "values": …}) in the same conversation state goes on after a
    restart: the question it waited for, with its buttons, then the next."""
    staff = await staffer(bot)
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    staff.send("老草稿")
    await staff.expect("授课老师")  # the conversation waits in "newcourse.answer", as the old engine's did
    await bot.wait_handled()  # the update's draft is written as it ends, after the question was sent
    values = {"name": "老草稿", "teacher": None, "where": "湖州", "capacity": "any", "region_code": None}
    await bot.services.forms.put(staff.id, "newcourse", {"step": 5, "values": values})
    await bot.restart()
    asked = await staff.expect("上课时间怎么安排")
    staff.send("你好")
    await staff.expect("请点击上方消息中的按钮")
    staff.press("逐次输入日期", asked)
    await staff.expect("逐行输入")
