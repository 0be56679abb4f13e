"""Flows that lost or confused (the last testers' leftovers), through the real Application on SQLite and PostgreSQL:

- /join, /new_competition and /new_course set aside by another step (conversations/one_step.py) go on from the
  answers already given when begun again, after a restart too (they started afresh, the answers silently gone,
  though the drafts were still in the database), and the aside line says the answers are kept;
- a large resolution figure asked to be confirmed, then a restart: the confirmation is asked again and taken;
- a consultation follow-up across a restart: staff reply, restart, the member's 回复工会 reaches staff."""

from __future__ import annotations

from decimal import Decimal

from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer
from tests.test_resolution_figures import at_workers_trained
from tests.test_service_flow import demand
from tests.test_union_thread import replied


async def test_join_set_aside_goes_on_from_its_answers_after_a_restart(bot: BotHarness):
    applicant = await enterprise_user(bot, 891)
    applicant.send("/join")
    await applicant.expect("请输入您的姓名")
    applicant.send("陆师傅")
    await applicant.expect("荣誉")
    applicant.send("/report")
    aside = await applicant.expect("劳模工匠申请表已放下")
    assert "保留" in aside["text"], aside["text"]
    await bot.restart()
    applicant.send("/join")
    kept = await applicant.expect("接着上次")
    assert "/cancel" in kept["text"] and "/join" in kept["text"], kept["text"]
    applicant.press("下一步", await applicant.expect("荣誉"))  # the name is not asked again
    await applicant.expect("工作单位")
    assert sum("请输入您的姓名" in t for t in applicant.texts()) == 1
    assert (await bot.services.forms.get(891, "join")).get("name") == "陆师傅"


async def test_new_competition_and_new_course_set_aside_go_on_from_their_answers_after_a_restart(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/new_competition")
    await staff.expect("请输入竞赛名称")
    staff.send("湖州市焊工技能大赛")
    await staff.expect("面向哪个行业")
    staff.send("/new_course")
    await staff.expect("请输入课程名称")  # the aside line comes after the new step's question
    aside = await staff.expect("新建竞赛已放下")
    assert "保留" in aside["text"], aside["text"]
    staff.send("AI写作")
    await staff.expect("授课老师")
    await bot.restart()
    await staff.expect("授课老师")  # the open step asked again
    staff.send("/new_competition")
    await staff.expect("接着上次")
    await staff.expect("面向哪个行业")  # not the name again
    assert "保留" in (await staff.expect("新建课程已放下"))["text"]
    staff.send("C34")
    await staff.expect("地区")
    staff.send("/new_course")
    await staff.expect("接着上次")
    await staff.expect("授课老师")
    assert sum("请输入竞赛名称" in t for t in staff.texts()) == 1
    assert sum("请输入课程名称" in t for t in staff.texts()) == 1
    comp = await bot.services.forms.get(staff.id, "newcomp")
    assert comp.get("values")["name"] == "湖州市焊工技能大赛" and comp.get("values")["industry"] == "C34"


async def test_a_large_figure_asked_to_be_confirmed_is_confirmed_after_a_restart(bot: BotHarness):
    helper = await at_workers_trained(bot)
    helper.send("800")
    await helper.expect("一次服务培训 800 人，比通常多很多")
    await bot.restart()
    again = await helper.expect("培训")  # the question asked again is the confirmation, not the bare question
    assert "800" in again["text"], again["text"]
    helper.send("确认")
    await helper.expect("预计经济效益")
    helper.send("2000万")
    await helper.expect("经济效益 20,000,000 元，比通常高很多")
    await bot.restart()
    again = await helper.expect("经济效益")
    assert "20,000,000" in again["text"], again["text"]
    helper.send("确认")
    await helper.expect("已登记解决结果")
    solved = await demand(bot)
    assert solved.workers_trained == 800 and solved.economic_benefit == Decimal(20_000_000)


async def test_a_consultation_followed_up_across_a_restart_reaches_staff(bot: BotHarness):
    member, staff, number, first = await replied(bot, 895, 896, "请先保留考勤记录和工资条。")
    await bot.restart()
    member.press("回复工会", first)
    await member.expect(f"请输入您要回复工会工作人员的内容（咨询 #{number}）")
    await bot.restart()
    await member.expect(f"请输入您要回复工会工作人员的内容（咨询 #{number}）")  # asked again after the restart
    member.send("老板说下个月才发，还能等吗？")
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    await bot.tick()
    await staff.expect(f"职工补充了咨询 #{number}")
    member.send("还有加班费也没给", reply_to=first)  # Telegram's reply to staff's message, after the restarts
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    await bot.tick()
    await staff.expect(f"职工补充了咨询 #{number}")
    staff.send("/queue")
    card = await staff.expect(f"咨询 #{number}")
    assert "老板说下个月才发，还能等吗？" in card["text"] and "还有加班费也没给" in card["text"], card["text"]


async def test_queue_with_consultations_listed_says_no_demand_waits_not_that_it_is_empty(bot: BotHarness):
    """It listed the open consultations and then said 需求队列为空, which read as "nothing here"."""
    _member, staff, number, _first = await replied(bot, 897, 898, "请先保留考勤记录和工资条。")
    staff.send("/queue")
    await staff.expect(f"咨询 #{number}")
    after = await staff.expect("需求队列为空")
    assert "以上是仍未结束的职工咨询" in after["text"] and "没有等待处理的需求" in after["text"], after["text"]


async def test_a_reply_to_staff_looks_its_consultation_up_once(bot: BotHarness, monkeypatch):
    """conversations/union.py: the reply handler's filter and the handler each read the replied message's buttons;
    the filter's finding is handed to the handler (a data filter), so it is read once per update."""
    from conversations import union

    member, _staff, number, first = await replied(bot, 899, 900, "请先保留考勤记录和工资条。")
    calls: list[int | None] = []
    looked_up = union.replied_consultation

    def counted(message):
        calls.append(found := looked_up(message))
        return found

    monkeypatch.setattr(union, "replied_consultation", counted)
    member.send("还有加班费也没给", reply_to=first)
    await member.expect(f"已转给工会工作人员（咨询 #{number}）")
    assert calls == [number]
