"""The form engine's drafts (services/forms.py) and /report's rules in the service (services/demand_form.py): a
form's progress lives in the database with its draft, not in the chat layer's user data; what a demand still needs
is said once; a demand's industry comes only from a proposal made for a demand."""

from __future__ import annotations

from datetime import UTC

from sqlalchemy import select

from db.models import DemandKind, FormDraft, Role
from nlp.analyzer import Analysis
from services.demand_form import Progress, next_field
from services.event_fields import Reading
from services.talent import Application
from tests.harness import BotHarness
from tests.test_join_form import specialities_to_the_card
from tests.test_report import answer_contact, demands, enterprise_user, staffer


async def test_report_keeps_its_progress_in_the_database_not_in_user_data(bot: BotHarness):
    user = await enterprise_user(bot, 71)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    assert "report" not in bot.application.user_data[71]  # no flags in the chat layer
    async with bot.services.db.session() as session:
        [row] = (await session.scalars(select(FormDraft).where(FormDraft.user_id == 71))).all()
    [draft] = await demands(bot)
    assert row.form == "report" and row.answers["demand_id"] == draft.id and row.answers["asked"] == ["kind"]


async def test_report_goes_on_when_the_chat_layers_user_data_is_lost(bot: BotHarness):
    """Only the conversation state says which step waits; the answers and the progress are the draft's."""
    user = await enterprise_user(bot, 72)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    user.send("湖州某铝业有限公司")
    await user.expect("统一社会信用代码")
    bot.application.user_data[72].clear()
    user.send("91330100799655058B")
    user.press("其他", await user.expect("请选择企业类型"))
    await answer_contact(user, "李工", "13800138000")
    await user.expect("请描述")
    bot.application.user_data[72].clear()
    user.send("铝型材喷涂过程遇到氧化，皮膜厚度不均")
    user.press("完成", await user.expect("可以继续补充"))
    await user.expect("识别为：C32")
    [draft] = await demands(bot)
    assert "皮膜厚度不均" in draft.text


async def test_what_a_demand_needs_is_asked_in_order_from_one_rule(bot: BotHarness):
    services = bot.services
    await services.users.register(73, "王工")
    draft = await services.demands.start_draft(73, DemandKind.TRAINING)
    progress = Progress(draft.id)
    assert next_field(progress, draft, None) == "kind"
    progress = Progress(draft.id, asked=("kind",))
    assert next_field(progress, draft, None) == "training_topic"  # the demand's own needs first (DemandInfo.missing)
    draft = await services.demands.update(draft.id, 73, training_topic="数控", trainees=5, preferred_dates="下周")
    assert next_field(progress, draft, None) == "name"  # then the enterprise profile
    enterprise = await services.enterprises.set_field(73, "name", "湖州某铝业有限公司")
    enterprise = await services.enterprises.of_user(73)
    assert next_field(progress, draft, enterprise) == "credit_code"


async def test_only_a_proposal_made_for_a_demand_gives_the_draft_its_industry(bot: BotHarness):
    services = bot.services
    await services.users.register(74, "王工")
    draft = await services.demands.start_draft(74, DemandKind.PROBLEM, "铝型材喷涂过程遇到氧化，皮膜厚度不均")
    form = services.demand_form.begin(draft, asked=("kind",))  # the draft's answers, as the form engine holds them
    analysis: Analysis = services.analyzer.analyse(draft.text)
    for purpose, expected in (("classify", None), ("demand", "32")):
        proposal = await services.industry.propose(74, analysis, purpose)
        settled = await services.industry.choose(proposal.id, 74, "32", "confirm", purpose)
        chosen = await services.demand_form.industry_chosen(74, form, settled)
        assert (chosen.industry if chosen else None) == expected
        assert (await services.demands.get(draft.id)).industry == expected
    assert "industry" in services.demand_form.progress(form).asked


async def test_an_event_forms_answers_are_its_draft_in_the_database(bot: BotHarness):
    """The engine keeps a form's answers and its step as the form's draft: user data lost mid-form loses nothing,
    and the toggled buttons of a step are kept too."""
    staff = await staffer(bot)
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    staff.send("AI写作入门")
    await staff.expect("授课老师")
    bot.application.user_data[staff.id].clear()
    staff.send("周老师")
    await staff.expect("上课地点")
    staff.send("湖州市职工服务中心")
    await staff.expect("最多多少人")
    staff.send("1")
    staff.press("不限地区", await staff.expect("面向哪个地区"))
    staff.press("每周固定时间", await staff.expect("上课时间怎么安排"))
    staff.press("周二", await staff.expect("每周哪几天"))
    await staff.expect("每周哪几天")
    bot.application.user_data[staff.id].clear()
    staff.press("选好了")
    await staff.expect("每次上课的时间段")
    assert "newcourse" not in bot.application.user_data[staff.id]
    draft = await bot.services.forms.get(staff.id, "newcourse")
    assert draft.answers["values"]["name"] == "AI写作入门" and draft.answers["values"]["teacher"] == "周老师"
    staff.send("/cancel")
    await staff.expect("已退出当前操作")
    await bot.wait_handled()  # the draft is dropped as the update ends, after the reply was sent
    assert await bot.services.forms.get(staff.id, "newcourse") is None


async def test_join_keeps_its_answers_in_the_database(bot: BotHarness):
    """/join's answers (and below /profile's ticked service modes and the half-made broadcast) are form drafts:
    user data lost between two steps loses nothing."""
    applicant = await enterprise_user(bot, 75)
    applicant.send("/join")
    await applicant.expect("请输入您的姓名")
    applicant.send("陆师傅")
    applicant.press("大国工匠", await applicant.expect("荣誉"))
    ticked = await applicant.expect("荣誉")  # the same message, its button ticked
    bot.application.user_data[75].clear()
    applicant.press("下一步", ticked)
    await applicant.expect("工作单位")
    applicant.send("苏州某精密机械公司")
    await applicant.expect("技术处方")
    bot.application.user_data[75].clear()
    applicant.press("提交申请", await specialities_to_the_card(applicant))
    await applicant.expect("申请已提交")
    card = await bot.services.talent.of_user(75)
    assert card.name == "陆师傅" and list(card.honours) == ["great_craftsman"]
    await bot.wait_handled()  # the draft is dropped as the update ends, after the reply was sent
    assert await bot.services.forms.get(75, "join") is None


async def test_profile_keeps_the_ticked_service_modes_in_its_draft(bot: BotHarness):
    staff = await staffer(bot)
    applicant = await enterprise_user(bot, 76)
    card = await bot.services.talent.apply(
        76,
        Application(
            "陆师傅", "苏州某精密机械公司", "13900139000", [], ["数控机床调试"], ["34"], "330502", None, 2, ["remote"]
        ),
    )
    await bot.services.talent.decide(card.id, staff.id, Role.STAFF, approve=True)
    applicant.send("/profile")
    applicant.press("服务方式", await applicant.expect("我的工匠资料"))
    applicant.press("现场指导", await applicant.expect("服务方式"))
    ticked = await applicant.expect("服务方式")  # the same message: 现场指导 ticked besides 远程指导
    bot.application.user_data[76].clear()
    applicant.press("下一步", ticked)
    await applicant.expect("已保存")
    assert set((await bot.services.talent.of_user(76)).service_modes) == {"onsite", "remote"}


async def test_a_half_made_broadcast_is_a_draft_in_the_database(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/broadcast")
    staff.press("下一步", await staff.expect("群发"))
    await staff.expect("请发送要群发的内容")
    bot.application.user_data[staff.id].clear()
    staff.send("提醒 🔔")
    preview = await staff.expect("将发送给")
    bot.application.user_data[staff.id].clear()
    staff.press("发送", preview)
    await staff.expect("📤 群发 #")


def test_the_event_forms_answers_are_read_by_the_service_without_a_chat():
    """The readers of /new_competition's and /new_course's answers are services (services/event_fields.py): any
    front end reads "晚上7点到9点" or "三十人" the same way, and a wrong answer names its message."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import pytest

    from services import event_fields as fields
    from services.validation import Invalid

    reading = Reading(datetime(2026, 11, 20, 2, 0, tzinfo=UTC), ZoneInfo("Asia/Shanghai"))
    assert fields.time_span("晚上7点到9点", reading) == "19:00-21:00"
    assert fields.capacity("三十人", reading) == 30
    assert fields.industry("C34", reading) == "C34"
    assert fields.moment()("2026-12-01 19:00", reading) == "2026-12-01T11:00:00+00:00"
    with pytest.raises(Invalid) as refused:
        fields.capacity("很多", reading)
    assert refused.value.key == "course.bad_capacity"
    with pytest.raises(Invalid) as refused:
        fields.text(5)("123456", reading)
    assert (refused.value.key, refused.value.values) == ("input.too_long", {"max": 5, "length": 6})


async def weekly_course_card(staff) -> dict:
    """/new_course answered up to its summary card: on Tuesdays 19:00-21:00, 2026-12-01 to 12-10 (2 sessions)."""
    staff.send("/new_course")
    await staff.expect("请输入课程名称")
    staff.send("AI写作入门")
    staff.press("跳过", await staff.expect("授课老师"))
    await staff.expect("上课地点")
    staff.send("湖州市职工服务中心")
    staff.press("不限人数", await staff.expect("最多多少人"))
    staff.press("不限地区", await staff.expect("面向哪个地区"))
    staff.press("每周固定时间", await staff.expect("上课时间怎么安排"))
    staff.press("周二", await staff.expect("每周哪几天"))
    staff.press("选好了", await staff.expect("每周哪几天"))
    await staff.expect("每次上课的时间段")
    staff.send("19:00-21:00")
    await staff.expect("从哪天到哪天")
    staff.send("2026-12-01 至 2026-12-10")
    staff.press("1 小时", await staff.expect("每次课前多久提醒"))
    staff.press("跳过", await staff.expect("课程简介"))
    return await staff.expect("共 2 次课")


async def test_an_answer_is_edited_from_the_summary_card_and_the_steps_it_opens_are_asked(bot: BotHarness):
    """The engine's summary card has ✏️ per answer: that question again, then the card — and a changed answer
    that opens other steps (a course's schedule from weekly to dated sessions) asks those first."""
    staff = await staffer(bot)
    summary = await weekly_course_card(staff)
    assert {"✏️ 课程名称", "✏️ 每周上课日", "✅ 发布"} <= {b["text"] for b in staff.buttons(summary)}

    staff.press("✏️ 课程名称", summary)
    await staff.expect("请输入课程名称")
    staff.send("AI写作进阶")
    summary = await staff.expect("共 2 次课")  # straight back to the card: nothing else asked
    assert "AI写作进阶" in summary["text"]

    staff.press("✏️ 时间安排", summary)
    staff.press("逐次输入日期", await staff.expect("上课时间怎么安排"))
    await staff.expect("请逐行输入每次课的日期和时间")  # the step the new answer opens
    staff.send("2026-12-02 19:00-21:00")
    summary = await staff.expect("共 1 次课")
    assert "✏️ 每周上课日" not in {b["text"] for b in staff.buttons(summary)}
    staff.press("发布", summary)
    await staff.expect("已发布「AI写作进阶」，共 1 次课")


def test_every_form_is_declared_with_the_one_engine():
    """/join, /profile, /broadcast, /new_competition and /new_course are each a form_draft.Flow; the second engine
    (conversations/events/form.py) is gone."""
    import importlib.util

    from conversations.broadcast import BROADCAST
    from conversations.events.competition_form import FLOW as COMPETITION
    from conversations.events.course_form import FLOW as COURSE
    from conversations.form_draft import Flow
    from conversations.join import JOIN
    from conversations.profile import PROFILE

    assert all(isinstance(flow, Flow) for flow in (JOIN, PROFILE, BROADCAST, COMPETITION, COURSE))
    assert importlib.util.find_spec("conversations.events.form") is None
    assert [s.field for s in COURSE.steps][:3] == ["name", "teacher", "where"]


def test_what_an_event_form_still_needs_is_the_services_rule():
    """The answers an event form still needs, in order: those that apply and are not answered (a skipped optional
    answer is answered: None); an answer being edited from the summary card comes first."""
    from services.event_fields import missing

    def weekly(values):
        return values.get("mode") == "weekly"

    def always(values):
        return True

    order = (("name", always), ("mode", always), ("days", weekly), ("description", always))
    assert missing(order, {"values": {}}) == ["name", "mode", "description"]
    assert missing(order, {"values": {"name": "课", "mode": "weekly", "description": None}}) == ["days"]
    done = {"name": "课", "mode": "dates", "description": None}
    assert missing(order, {"values": done}) == []
    assert missing(order, {"values": done, "editing": "mode"}) == ["mode"]


def test_report_steps_are_declared_with_the_one_engine():
    """/report's questions are the engine's Steps: one per summary-card field (each with the state that waits for
    it and its handlers), the summary card a Step; the conversation's states and their re-asks after a restart
    come from the Flow, besides the two yes/no questions around it (continue the kept draft, discard it)."""
    from conversations import resume
    from conversations.form_draft import Flow
    from conversations.report.flow import REPORT, build
    from conversations.report.steps import DISCARD, RESUME

    assert isinstance(REPORT, Flow) and REPORT.summary is not None
    fields = [s.field for s in REPORT.steps]
    assert {"kind", "training_topic", "text", "industry", "name", "credit_code", "region_code", "phone"} <= set(fields)
    assert set(build().states) == {*REPORT.states(), RESUME, DISCARD}
    assert all(s.state in resume.REASKS and s.takes for s in (*REPORT.steps, REPORT.summary))


async def test_a_ticked_answer_edited_from_the_card_keeps_its_ticks_across_a_restart(bot: BotHarness):
    """✏️ on a toggled answer asks it again with its ticks; ticks changed before a restart are still there after
    it (the question asked again), and 选好了 goes straight back to the card."""
    staff = await staffer(bot)
    staff.press("✏️ 每周上课日", await weekly_course_card(staff))
    days = await staff.expect("每周哪几天")
    assert "✅ 周二" in {b["text"] for b in staff.buttons(days)}  # the answer's ticks, to change
    staff.press("周四", days)
    await staff.expect("每周哪几天")
    await bot.restart()
    days = await staff.expect("每周哪几天")
    assert {"✅ 周二", "✅ 周四"} <= {b["text"] for b in staff.buttons(days)}
    staff.press("选好了", days)
    await staff.expect("共 4 次课")  # nothing else asked
