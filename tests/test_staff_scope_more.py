"""Staff scope, continued (hostile report 2, items 3, 8, 10 and 11), through the real Application on the fake Bot
API, on SQLite and PostgreSQL: a staffer with a region broadcasts only to her region and below ("全部" is her
region, and the preview says so), a region outside hers is refused at the region step and audited, and a
broadcast saved before reaches only her region when it is sent; an out-of-region staffer is shown no ⚙️ 管理 and
is refused at the press of 取消/改期 before anything is asked; a class is not moved onto another class of the same
course; a queue button pressed while the search waits for words is handled, not called expired."""

from __future__ import annotations

from datetime import timedelta

import pytest

from buttons.events import (
    CancelCompetition,
    CancelCourse,
    CancelSession,
    ChangeCompetition,
    CompetitionField,
    ManageCourse,
    MoveSession,
)
from db.models import Role
from i18n import t
from services.audience import Filters
from services.broadcasts import Content
from services.results import Reason, Refused
from tests.harness import BotHarness
from tests.test_events_e2e import publish_weekly_course, worker
from tests.test_queue_scope import city_queue, refused, staff
from tests.test_report import staffer

MESSAGE = "湖州职工夜校下周开课"
OUT = {"reason": "out_of_region"}


async def huzhou_foshan_people(bot: BotHarness) -> dict[str, list[int]]:
    """Workers in 湖州 (吴兴区, 南浔区), one in 佛山 (禅城区) and one in 苏州."""
    places = {"湖州": [(401, "330502"), (402, "330503")], "佛山": [(403, "440604")], "苏州": [(404, "320505")]}
    for users in places.values():
        for uid, region in users:
            await worker(bot, uid, region, f"职工{uid}")
    return {place: [uid for uid, _ in users] for place, users in places.items()}


def got(bot: BotHarness, uid: int) -> bool:
    return any(MESSAGE in text for text in bot.user(uid).texts())


async def test_a_city_staffer_broadcasts_to_her_region_only_and_another_region_is_refused(db_url: str):
    async with BotHarness(db_url, admin_ids="99") as bot:
        await city_broadcast(bot)


async def city_broadcast(bot: BotHarness) -> None:
    people = await huzhou_foshan_people(bot)
    zhang = await staff(bot, 611, "330500")  # 湖州市
    zhang.send("/broadcast")
    menu = await zhang.expect("符合条件的共")
    assert "共 3 人" in menu["text"] and "湖州市" in menu["text"], menu["text"]  # her two workers and herself
    zhang.press("按地区", menu)
    await zhang.expect("浙江省 湖州市 — 请继续选择")  # the picker opens at her own region
    assert not [text for text in zhang.texts() if "您所在的省份" in text]
    zhang.send("佛山")
    zhang.press("佛山市", await zhang.expect("找到以下地区"))
    zhang.press("就选佛山市", await zhang.expect("请继续选择"))
    await zhang.expect(t("broadcast.region_outside", "zh-hans", region="浙江省 湖州市"))
    again = await zhang.expect("不限地区请点")  # asked again
    await zhang.expect("浙江省 湖州市 — 请继续选择")
    assert await refused(bot, 611) == [("broadcast.region", "region:440600", OUT)]
    zhang.press("不限", again)
    back = await zhang.expect("符合条件的共")
    assert "共 3 人" in back["text"]
    zhang.press("下一步", back)
    await zhang.expect("请发送要群发的内容")
    zhang.send(MESSAGE)
    preview = await zhang.expect("将发送给 3 人")
    zhang.press("发送", preview)
    await zhang.expect("已发送 0 / 3")
    await bot.wait_handled()
    await bot.application.broadcaster.idle()
    assert [got(bot, uid) for uid in people["湖州"] + people["佛山"] + people["苏州"]] == [True, True, False, False]

    # the rule is the service's: a forged audience is refused, audited, and an admin still reaches everyone
    with pytest.raises(Refused) as refusal:
        await bot.services.broadcasts.count(611, Role.STAFF, Filters(region="440600"))
    assert refusal.value.reason is Reason.OUT_OF_REGION
    await bot.services.users.register(99, "管理员")
    await bot.services.users.set_region(99, "330500")  # an admin works on every region, whatever his own
    assert (
        await bot.services.broadcasts.count(99, Role.ADMIN, Filters()) == 6
    )  # the four workers, the staffer and himself


async def test_a_broadcast_saved_before_reaches_only_the_staffers_region_when_sent(db_url: str):
    async with BotHarness(db_url) as bot:
        people = await huzhou_foshan_people(bot)
        await staff(bot, 612, None)
        later = bot.clock.now() + timedelta(hours=2)
        saved = await bot.services.broadcasts.create(612, Role.STAFF, Filters(), Content(MESSAGE), later)
        assert saved.total == 5
        await bot.services.users.set_region(612, "330500")  # her region set before the broadcast went out
        bot.clock.advance(hours=3)
        await bot.application.deliver()
        await bot.application.broadcaster.idle()
        assert [got(bot, uid) for uid in people["湖州"] + people["佛山"] + people["苏州"]] == [True, True, False, False]


async def suzhou_staff_course_and_competition(bot: BotHarness) -> tuple[int, int]:
    everywhere = await staff(bot, 641, None)
    now = bot.services.clock.now()
    c = await bot.services.competitions.create(
        everywhere.id,
        Role.STAFF,
        {"name": "湖州数控竞赛", "region_code": "330500", "starts_at": now + timedelta(days=10)},
    )
    course = await bot.services.courses.create(
        everywhere.id,
        Role.STAFF,
        {"name": "湖州夜校", "region_code": "330500"},
        [(now + timedelta(days=3), now + timedelta(days=3, hours=2))],
    )
    return c.id, course.id


async def test_an_out_of_region_staffer_sees_no_manage_and_is_refused_before_any_question(bot: BotHarness):
    competition_id, course_id = await suzhou_staff_course_and_competition(bot)
    session_id = (await bot.services.courses.sessions(course_id))[0].id
    liu = await staff(bot, 642, "330502")  # 吴兴区: under 湖州市, not over it
    liu.send("/courses")
    listing = await liu.expect("湖州夜校")
    assert not [b for b in liu.buttons(listing) if "管理" in b["text"]]
    liu.send("/competitions")
    listing = await liu.expect("湖州数控竞赛")
    assert not [b for b in liu.buttons(listing) if "管理" in b["text"]]

    words = t("event.refused.out_of_region", "zh-hans")
    presses = [
        ManageCourse(course_id),
        CancelCourse(course_id),
        CancelSession(session_id),
        MoveSession(session_id),
        ChangeCompetition(competition_id, CompetitionField.STARTS_AT),
        CancelCompetition(competition_id),
    ]
    for press in presses:
        answer = await liu.answer_to(liu.press_data(bot.signed(liu, press.data()), listing))
        assert answer["text"] == words and answer["show_alert"], press
    await bot.wait_handled()
    asked = [
        t(key, "zh-hans")
        for key in (
            "course.cancel_confirm",
            "course.cancel_session_confirm",
            "course.ask.move",
            "competition.ask.starts_at_new",
            "competition.cancel_confirm",
        )
    ]
    assert not [text for text in liu.texts() if text in asked or "管理课程" in text]
    assert len([1 for _, _, details in await refused(bot, 642) if details == OUT]) == len(presses)

    city = await staff(bot, 643, "330500")  # 湖州市: hers
    city.send("/courses")
    city.press("管理①", await city.expect("湖州夜校"))
    await city.expect("管理课程")


async def test_a_class_is_not_moved_onto_another_class_of_the_same_course(bot: BotHarness):
    staff_ = await staffer(bot)
    await publish_weekly_course(staff_)
    bot.clock.advance(minutes=1)
    staff_.send("/courses")
    staff_.press("管理①", await staff_.expect("AI写作"))
    staff_.press("改期 12-03 19:00", await staff_.expect("管理课程"))
    await staff_.expect("新的开始时间")
    staff_.send("2026-12-08 19:00")
    clash = await staff_.expect(t("course.session_clash", "zh-hans", when="2026-12-08 19:00"))
    assert "12-08 19:00" in clash["text"]
    starts = [s.starts_at for s in await bot.services.courses.sessions(1)]
    assert len(set(starts)) == len(starts) == 4
    staff_.send("2026-12-09 19:00")  # the question still stands
    await staff_.expect("已改期")


async def test_a_queue_button_pressed_while_the_search_waits_is_handled(bot: BotHarness):
    _, city, card = await city_queue(bot, 652)
    city.press("搜索工匠", card)
    await city.expect(t("queue.find_ask", "zh-hans"))
    city.send("%")
    await city.expect("没有找到")
    pressed = city.press("升级省级", card)
    await city.expect(t("queue.escalate_ask", "zh-hans"))
    assert (await city.answer_to(pressed)).get("text") in (None, "")
    city.send("需要省级专家")
    await city.expect("已升级")
