"""Where a staffer with a region may act (services/staff_scope.py) beyond /queue, through the real Application on
the fake Bot API and the services, on SQLite and PostgreSQL: she cannot move her own region in /settings (an
administrator sets where staff work); she cannot cancel or change another region's or a nationwide (不限地区)
course or competition; publishing for another region is a refusal written to the audit log; she cannot decide an
enterprise link of another region's enterprise; an escalation or a search for another region's demand is refused
when its button is pressed, before the note is asked. Each refusal is Refused(OUT_OF_REGION), audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from buttons.enterprise_links import DecideLink, Decision
from buttons.events import ConfirmCancelCompetition
from buttons.queue import Escalate, FindCraftsman
from db.models import Course, Role
from i18n import t
from services.results import Reason, Refused
from tests.harness import BotHarness
from tests.test_queue_scope import city_queue, queue_tickets, refused, staff, waiting_demands
from tests.test_report import enterprise_user
from tests.test_trust_enterprise import IMPORTED, claim, enterprise_row, file_pending, imported_with_a_contact

ADMIN = 71
OUT = {"reason": "out_of_region"}


async def test_a_staffer_cannot_move_her_own_region_in_settings(bot: BotHarness):
    demands = await waiting_demands(bot)
    city = await staff(bot, 621, "330500")  # 湖州市
    assert await queue_tickets(city, 1) == {demands["湖州"][1]}
    city.send("/settings")
    city.press("地区", await city.expect("当前设置"))
    await city.expect(t("settings.region_by_admin", "zh-hans"))
    assert "省份" not in " ".join(city.texts()), "the region picker is not shown to staff"
    await city.expect("当前设置")  # the menu again, nothing lost
    with pytest.raises(Refused) as refusal:  # the rule is the service's, whatever the chat sends
        await bot.services.staffing.choose_region(city.id, "320500")
    assert refusal.value.reason is Reason.OUT_OF_REGION
    assert (await bot.services.users.get(city.id)).region_code == "330500"
    assert await queue_tickets(city, 1) == {demands["湖州"][1]}
    assert await refused(bot, 621) == [("settings.region", "user:621", OUT)] * 2

    worker = await enterprise_user(bot, 622)  # anyone else still chooses theirs
    assert (await bot.services.staffing.choose_region(worker.id, "320505")).region_code == "320505"


async def nationwide_and_suzhou_events(bot: BotHarness) -> tuple[int, int, int, int]:
    """A nationwide competition and course, and a 苏州 competition and course, published by a region-less staffer:
    (nationwide competition, 苏州 competition, nationwide course, 苏州 course)."""
    everywhere = await staff(bot, 631, None)
    now = bot.services.clock.now()
    ids = []
    for region in (None, "320500"):
        c = await bot.services.competitions.create(
            everywhere.id,
            Role.STAFF,
            {
                "name": f"数控技能大赛{region}",
                "region_code": region,
                "registration_deadline": now + timedelta(days=10),
                "starts_at": now + timedelta(days=20),
            },
        )
        ids.append(c.id)
    for region in (None, "320500"):
        course = await bot.services.courses.create(
            everywhere.id,
            Role.STAFF,
            {"name": f"数控车工提高班{region}", "region_code": region, "place": "职工服务中心"},
            [(now + timedelta(days=3), now + timedelta(days=3, hours=2))],
        )
        ids.append(course.id)
    return ids[0], ids[1], ids[2], ids[3]


async def first_session(bot: BotHarness, course_id: int) -> int:
    return (await bot.services.courses.sessions(course_id))[0].id


async def test_a_city_staffer_cannot_cancel_or_change_another_regions_or_a_nationwide_event(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        nationwide, suzhou, nationwide_course, suzhou_course = await nationwide_and_suzhou_events(bot)
        huzhou = await staff(bot, 632, "330500")
        huzhou.send("/help")
        shown = await huzhou.expect("")
        words = t("event.refused.out_of_region", "zh-hans")
        for competition_id in (nationwide, suzhou):  # through the chat: a confirmation press, forged or kept
            pressed = huzhou.press_data(bot.signed(huzhou, ConfirmCancelCompetition(competition_id).data()), shown)
            answer = await huzhou.answer_to(pressed)
            assert answer["text"] == words and answer["show_alert"]
        now = bot.clock.now()
        competitions, courses = bot.services.competitions, bot.services.courses
        attempts = [competitions.change(huzhou.id, Role.STAFF, suzhou, {"place": "湖州"})]
        attempts += [competitions.change(huzhou.id, Role.STAFF, nationwide, {"starts_at": now + timedelta(days=30)})]
        for course_id in (nationwide_course, suzhou_course):
            session_id = await first_session(bot, course_id)
            attempts += [
                courses.cancel(huzhou.id, Role.STAFF, course_id),
                courses.change_session(huzhou.id, Role.STAFF, session_id, now + timedelta(days=4)),
                courses.change_session(huzhou.id, Role.STAFF, session_id, None),
            ]
        for attempt in attempts:
            with pytest.raises(Refused) as refusal:
                await attempt
            assert refusal.value.reason is Reason.OUT_OF_REGION
        assert {
            (c.status.value, c.place) for c in [await competitions.get(nationwide), await competitions.get(suzhou)]
        } == {("published", None)}
        assert all(s.starts_at == now + timedelta(days=3) for s in await courses.sessions(nationwide_course))
        actions = sorted(action for action, _, details in await refused(bot, 632) if details == OUT)
        assert actions == sorted(
            ["competition.cancel"] * 2
            + ["competition.change"] * 2
            + ["course.cancel", "course.move_session", "course.cancel_session"] * 2
        )

        # a 苏州 staffer, a region-less one and an admin (whatever their own region) still do it
        suzhou_staff = await staff(bot, 633, "320000")
        assert (await competitions.change(suzhou_staff.id, Role.STAFF, suzhou, {"place": "苏州"})).place == "苏州"
        assert await courses.cancel(suzhou_staff.id, Role.STAFF, suzhou_course) is not None
        await bot.services.users.register(ADMIN, "管理员")
        await bot.services.users.set_region(ADMIN, "330500")
        assert await competitions.cancel(ADMIN, Role.ADMIN, nationwide) is not None
        assert await courses.change_session(631, Role.STAFF, await first_session(bot, nationwide_course), None)


async def test_publishing_for_another_region_is_an_audited_refusal(bot: BotHarness):
    huzhou = await staff(bot, 641, "330500")
    for region in ("110101", None):
        with pytest.raises(Refused) as refusal:
            await bot.services.courses.create(huzhou.id, Role.STAFF, {"name": "课", "region_code": region}, [])
        assert refusal.value.reason is Reason.OUT_OF_REGION
        with pytest.raises(Refused) as refusal:
            await bot.services.competitions.create(huzhou.id, Role.STAFF, {"name": "赛", "region_code": region})
        assert refusal.value.reason is Reason.OUT_OF_REGION
    assert sorted(action for action, _, details in await refused(bot, 641) if details == OUT) == sorted(
        ["course.create", "competition.create"] * 2
    )
    async with bot.services.db.session() as session:
        assert await session.get(Course, 1) is None


async def test_a_staffer_of_another_region_cannot_decide_an_enterprise_link(bot: BotHarness):
    await imported_with_a_contact(bot)  # 湖州 吴兴区
    stranger = await enterprise_user(bot, 642)
    await claim(stranger, IMPORTED)
    stranger.press("📨 提交", await file_pending(stranger))
    assert re.search(r"ZQ-\d{4}-\d{6}", (await stranger.expect("已提交，编号"))["text"])
    record = await enterprise_row(bot, IMPORTED)
    suzhou = await staff(bot, 643, "320500")
    suzhou.send("/help")
    shown = await suzhou.expect("")
    pressed = suzhou.press_data(bot.signed(suzhou, DecideLink(Decision.CONFIRM, 642, record.id).data()), shown)
    answer = await suzhou.answer_to(pressed)
    assert answer["text"] == t("link.out_of_region", "zh-hans") and answer["show_alert"]
    with pytest.raises(Refused) as refusal:
        await bot.services.links.decide(suzhou.id, Role.STAFF, 642, record.id, False)
    assert refusal.value.reason is Reason.OUT_OF_REGION
    async with bot.services.db.session() as session:
        from db.models import User

        user = await session.get(User, 642)
        assert (user.pending_enterprise_id, user.enterprise_id) == (record.id, None)
    assert sorted(
        action for action, _, details in await refused(bot, 643) if details == {**OUT, "enterprise": record.id}
    ) == [
        "enterprise.link.confirm",
        "enterprise.link.refuse",
    ]
    huzhou = await staff(bot, 644, "330500")  # the enterprise's own region's staffer decides it
    done = await bot.services.links.decide(huzhou.id, Role.STAFF, 642, record.id, True)
    assert done.values["enterprise"] == "湖州某纺织有限公司"


async def test_an_escalation_or_search_of_another_regions_demand_is_refused_before_the_note(bot: BotHarness):
    demands, city, card = await city_queue(bot, 651)
    suzhou, _ = demands["苏州"]
    words = t("case.refused.out_of_region", "zh-hans")
    for kind in (Escalate, FindCraftsman):
        answer = await city.answer_to(city.press_data(bot.signed(city, kind(suzhou).data()), card))
        assert answer["text"] == words and answer["show_alert"]
    city.send("苏州的需求我来上报")  # no note was asked for: nothing is taken as one
    await bot.wait_handled()
    asked = (t("queue.escalate_ask", "zh-hans"), t("queue.find_ask", "zh-hans"))
    assert not [text for text in city.texts() if text in asked]
    assert sorted(await refused(bot, 651)) == [
        ("demand.escalate", f"demand:{suzhou}", OUT),
        ("queue.find", f"demand:{suzhou}", OUT),
    ]
    huzhou, _ = demands["湖州"]  # her own region's demand: the note is asked for as before
    city.press_data(bot.signed(city, Escalate(huzhou).data()), card)
    await city.expect(t("queue.escalate_ask", "zh-hans"))


async def test_a_staffer_cannot_move_her_region_with_a_poster_link_either(bot: BotHarness):
    city = await staff(bot, 661, "330500")  # 湖州市
    city.send("/start r_320500")  # a 苏州 QR poster's link
    await city.expect("欢迎回来")
    assert "苏州" not in " ".join(city.texts())
    assert (await bot.services.users.get(city.id)).region_code == "330500"
    with pytest.raises(Refused):  # the service's rule: a staffer's region, once set, stays as set for her
        await bot.services.staffing.choose_region(city.id, "320500", registering=True)
    assert await refused(bot, 661) == [("settings.region", "user:661", OUT)]
    everywhere = await staff(bot, 662, None)  # a staffer registering without a region still picks her first
    assert (await bot.services.staffing.choose_region(everywhere.id, "330500", registering=True)).region_code
