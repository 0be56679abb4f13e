"""Flows that lost or confused (the last testers' leftovers), through the real Application on SQLite and PostgreSQL:

- /join, /new_competition and /new_course set aside by another step (conversations/one_step.py) go on from the
  answers already given when begun again, after a restart too (they started afresh, the answers silently gone,
  though the drafts were still in the database), and the aside line says the answers are kept;
- a large resolution figure asked to be confirmed, then a restart: the confirmation is asked again and taken;
- a consultation follow-up across a restart: staff reply, restart, the member's 回复工会 reaches staff."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer


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
