"""The demo stage's data (services/demo/): every member of the cast (services/demo_people.py) has the records of
their role, so that each lands in that role's menu at once; the queue, the booked consultation, the figures and the
courses tell the programme's story; everything is dated from the injectable clock; the security rules hold on it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from db.models import (
    Appointment,
    AppointmentStatus,
    AuditEntry,
    Base,
    Competition,
    Course,
    Craftsman,
    Demand,
    DemandStatus,
    Enterprise,
    Match,
    MatchStatus,
    Notification,
    Role,
    Subscription,
    SubscriptionKind,
    User,
)
from i18n import t
from services.clock import ManualClock
from services.demo import DEMO_ADMIN_ID, load_demo_data, stage_settings
from services.demo_people import DEMO_MEMBERS, DEMO_PEOPLE, demo_person
from services.periods import Period
from services.validation import phone
from tests.harness import BotHarness

ROLE_COMMAND = {
    Role.ADMIN: "/grant",
    Role.STAFF: "/queue",
    Role.CRAFTSMAN: "/tasks",
    Role.ENTERPRISE: "/report",
    Role.WORKER: "/courses",
}
LATE_EVENING = datetime(2026, 11, 21, 15, 50, tzinfo=UTC)  # 23:50 in Shanghai: "tomorrow" is close


def chat_menu(bot: BotHarness, user_id: int) -> list[str]:
    key = json.dumps({"chat_id": user_id, "type": "chat"}, sort_keys=True) + "|"
    return [c["command"] for c in bot.api.world.commands.get(key, [])]


async def stage(db_url: str, clock: ManualClock | None = None) -> BotHarness:
    """The bot as `make run` starts it: the demo data in the empty database, the console's settings (the demo
    admin), then the Application (which sets the staff menus)."""
    bot = BotHarness(db_url, clock=clock, admin_ids=[DEMO_ADMIN_ID])
    await bot.start()
    assert await load_demo_data(bot.services.db, bot.services.clock, bot.services.settings.tz)
    for person in (*DEMO_PEOPLE, *DEMO_MEMBERS):  # the console's fake Telegram knows everyone of the demo
        bot.api.add_user(person.telegram_id, person.name)
    await bot.restart()  # the console loads before the Application starts: menus and reminders see the data
    return bot


@pytest.fixture
async def demo(db_url: str):
    bot = await stage(db_url)
    try:
        yield bot
    finally:
        await bot.stop()


async def counts(bot: BotHarness) -> dict[str, int]:
    async with bot.services.db.session() as session:
        return {
            table.name: await session.scalar(select(func.count()).select_from(table))
            for table in Base.metadata.sorted_tables
            if table.name not in ("regions", "presence")
        }


async def test_loading_twice_adds_nothing(demo: BotHarness):
    """Counted with the running bot's own work done: its outbox job (1 s after the start) delivers what the demo
    owes, and its first send on PostgreSQL writes the shared budget's row (runtime/budget.py). Counted around it,
    that row was 0 before and 1 after — the loader added nothing. So that work is done first, and forced again
    after the second load: the counts see the loader alone."""
    await demo.tick()
    before = await counts(demo)
    assert before["demands"] >= 20 and before["craftsmen"] >= 20 and before["users"] >= 8
    assert not await load_demo_data(demo.services.db, demo.services.clock, demo.services.settings.tz)
    await demo.tick()
    assert await counts(demo) == before


async def test_every_cast_member_lands_in_their_roles_menu(demo: BotHarness):
    for person in DEMO_PEOPLE:
        user = demo.user(person.telegram_id, first_name=person.name)
        user.send("/start")
        welcome = await user.expect("欢迎回来")
        assert person.name in welcome["text"] and t(f"role.{person.role.value}", "zh-hans") in welcome["text"]
        assert "个人信息处理说明" not in " ".join(user.texts()), f"{person.name} was asked to consent again"
        user.send("/help")
        menu = await user.expect("我能为您做什么")
        assert ROLE_COMMAND[person.role] in menu["text"], (person.name, menu["text"])
        assert ("/grant" in menu["text"]) == (person.role is Role.ADMIN)
    assert "grant" in chat_menu(demo, demo_person("赵刚").telegram_id)
    assert "queue" in chat_menu(demo, demo_person("张敏").telegram_id)
    assert "grant" not in chat_menu(demo, demo_person("张敏").telegram_id)


async def test_the_cast_has_their_records(demo: BotHarness):
    async with demo.services.db.session() as session:
        for person in DEMO_PEOPLE:
            user = await session.get(User, person.telegram_id)
            assert user is not None and user.consent_at is not None and user.role is person.role and user.region_code
            if person.role is Role.CRAFTSMAN:
                craftsman = await session.scalar(select(Craftsman).where(Craftsman.user_id == person.telegram_id))
                assert (
                    craftsman.phone == phone(person.phone) and craftsman.specialities and craftsman.name == person.name
                )
            if person.role is Role.ENTERPRISE:
                enterprise = await session.get(Enterprise, user.enterprise_id)
                assert enterprise.owner_user_id == person.telegram_id and enterprise.phone == phone(person.phone)
                assert "某" not in enterprise.name and "示例" not in enterprise.name
            if person.role is Role.STAFF:
                assert user.team_id is not None
            if person.role is Role.WORKER:
                assert (
                    await session.scalar(
                        select(func.count()).select_from(Subscription).where(Subscription.user_id == person.telegram_id)
                    )
                    >= 2
                )
        names = (await session.scalars(select(Enterprise.name))).all() + (
            await session.scalars(select(Craftsman.workplace))
        ).all()
        assert not [n for n in names if "某" in n or "示例" in n]
        provinces = {c[:2] for c in (await session.scalars(select(Craftsman.region_code))).all()}
        assert len(provinces) >= 3


async def test_the_staffer_finds_open_demands_in_the_queue(demo: BotHarness):
    staffer = demo.user(demo_person("张敏").telegram_id, first_name="张敏")
    staffer.send("/queue")
    title = await staffer.expect("待匹配需求")
    async with demo.services.db.session() as session:
        waiting = (await session.scalars(select(Demand).where(Demand.status == DemandStatus.SUBMITTED))).all()
        offered = (await session.scalars(select(Demand).where(Demand.status == DemandStatus.MATCHED))).all()
    assert len(waiting) >= 4 and len(offered) >= 2
    assert f"{len(waiting)} 条" in title["text"]
    await staffer.wait_until(lambda: sum("推荐劳模工匠" in m for m in staffer.texts()) == len(waiting))
    shown = " ".join(staffer.texts())
    for demand in waiting:
        assert demand.ticket in shown
        assert demand.industry and demand.region_code and len(demand.text or demand.training_topic) >= 30
    assert not [d.ticket for d in offered if d.ticket in shown], "an offered demand is not waiting"
    assert len({d.text for d in waiting}) == len(waiting)


@pytest.mark.parametrize("now", [None, LATE_EVENING], ids=["morning", "late-evening"])
async def test_the_booked_consultation_is_tomorrow(db_url: str, now):
    bot = await stage(db_url, ManualClock(now) if now else None)
    try:
        tz = bot.settings.tz
        tomorrow = (bot.clock.now().astimezone(tz) + timedelta(days=1)).date()
        async with bot.services.db.session() as session:
            booked = (
                await session.scalars(
                    select(Appointment).where(
                        Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > bot.clock.now()
                    )
                )
            ).all()
            [appointment] = booked
            match = await session.get(Match, appointment.match_id)
            demand = await session.get(Demand, match.demand_id)
            craftsman = await session.get(Craftsman, match.craftsman_id)
        assert appointment.starts_at.astimezone(tz).date() == tomorrow
        assert demand.status is DemandStatus.SCHEDULED and match.status is MatchStatus.ACCEPTED
        assert (
            demand.user_id == demo_person("王丽").telegram_id and craftsman.user_id == demo_person("周建华").telegram_id
        )
        master = bot.user(craftsman.user_id, first_name=craftsman.name)
        master.send("/tasks")
        tasks = await master.expect("📅 已预约")
        assert f"{tomorrow:%m-%d}" in tasks["text"] or f"{tomorrow.month}月{tomorrow.day}日" in tasks["text"]
        assert list(await bot.services.outbox.written([r.key for r in bot.services.reminders.pending()])) == []
        await bot.tick()
        assert not [m for m in master.texts() if "补发" in m], "history was not told again as late"
    finally:
        await bot.stop()


async def test_stats_have_a_trend_over_several_months(demo: BotHarness):
    tz = demo.settings.tz
    today = demo.clock.now().astimezone(tz).date()
    months = Period.of("month", today.year, today.month)
    by_month = {}
    figures = demo.services.statistics
    for _ in range(8):
        total_month, *_ = await figures.figures(months, None, breakdowns=False)
        by_month[f"{months.start:%Y-%m}"] = total_month
        months = months.previous()
    busy = [m for m, f in by_month.items() if f.problems and f.enterprises]
    assert len(busy) >= 5, {m: (f.problems, f.enterprises) for m, f in by_month.items()}
    assert sum(f.workers_trained for f in by_month.values()) > 0 and sum(f.benefit for f in by_month.values()) > 0
    assert all(f.ratings for f in by_month.values() if f.problems)
    staffer = demo.user(demo_person("张敏").telegram_id, first_name="张敏")
    staffer.send("/stats")
    report = await staffer.expect("服务企业")
    assert t("stats.nothing", "zh-hans") not in report["text"]
    total, *_ = await figures.figures(Period.of("year", today.year), None, breakdowns=False)
    assert total.enterprises >= 5 and total.problems >= 5 and total.workers_trained and total.benefit


async def test_competitions_and_courses_in_the_coming_weeks(demo: BotHarness):
    now = demo.clock.now()
    async with demo.services.db.session() as session:
        competitions = (await session.scalars(select(Competition))).all()
        courses = (await session.scalars(select(Course))).all()
        seats = dict(
            (
                await session.execute(
                    select(Subscription.course_id, func.count())
                    .where(Subscription.kind == SubscriptionKind.ENROLLED)
                    .group_by(Subscription.course_id)
                )
            ).all()
        )
    assert len(competitions) == 3 and all(
        now < c.registration_deadline < c.starts_at < now + timedelta(days=60) for c in competitions
    )
    assert len(courses) == 2
    assert [c.name for c in courses if c.capacity and c.capacity - seats.get(c.id, 0) == 1], "one course nearly full"
    for course in courses:
        sessions = await demo.services.courses.sessions(course.id)
        assert sessions and now < sessions[0].starts_at < now + timedelta(days=8)
        assert sessions[-1].starts_at < now + timedelta(days=45)
    worker = demo.user(demo_person("孙晓梅").telegram_id, first_name="孙晓梅")
    worker.send("/courses")
    await worker.expect("职工夜校")


async def test_an_offered_craftsman_sees_the_contact_only_once_assigned(demo: BotHarness):
    chen = demo_person("陈志强")
    li, zhou = demo_person("李秀英"), demo_person("周建华")
    async with demo.services.db.session() as session:
        enterprise = await session.scalar(select(Enterprise).where(Enterprise.owner_user_id == chen.telegram_id))
        match = await session.scalar(
            select(Match)
            .join(Craftsman)
            .join(Demand, Demand.id == Match.demand_id)
            .where(
                Craftsman.user_id == li.telegram_id,
                Match.status == MatchStatus.OFFERED,
                Demand.user_id == chen.telegram_id,
            )
        )
    assert match is not None, "李秀英 has an offer from 陈志强's plant waiting"
    craftswoman = demo.user(li.telegram_id, first_name=li.name)
    craftswoman.send("/tasks")
    tasks = await craftswoman.expect("我的服务")
    assert [b for b in craftswoman.buttons(tasks) if "接受" in b["text"]]
    assert (
        phone(chen.phone) not in tasks["text"]
        and enterprise.name not in tasks["text"]
        and chen.name not in tasks["text"]
    )
    other = demo.user(zhou.telegram_id, first_name=zhou.name)
    other.send("/tasks")
    own = await other.expect("我的服务")  # his own cases; he presses her offer's accept, signed for his chat
    query = other.press_data(demo.signed(other, f"tk:a:{match.id}"), own)
    answer = await other.answer_to(query)
    assert phone(chen.phone) not in (answer.get("text") or "") and not [
        m for m in other.texts() if phone(chen.phone) in m
    ]
    async with demo.services.db.session() as session:
        assert (
            await session.scalar(
                select(AuditEntry.id).where(AuditEntry.actor_user_id == zhou.telegram_id, AuditEntry.allowed.is_(False))
            )
            is not None
        )
    craftswoman.press("接受", tasks)
    accepted = await craftswoman.expect("企业联系方式")
    assert phone(chen.phone) in accepted["text"] and enterprise.name in accepted["text"]


async def test_the_demo_admin_is_an_admin_in_the_console_only(db_url: str, tmp_path):
    from config.settings import load_settings

    settings = load_settings(database_url=db_url, bot_token=None, admin_ids="42")
    assert stage_settings(settings).admin_ids == [42, DEMO_ADMIN_ID] and settings.admin_ids == [42]
    bot = await stage(db_url)
    await bot.stop()
    async with BotHarness(db_url, clock=bot.clock) as real:  # a run without the console: ADMIN_IDS alone decides
        assert (await real.services.users.get(DEMO_ADMIN_ID)).role is not Role.ADMIN
        async with real.services.db.session() as session:
            assert await session.scalar(
                select(AuditEntry.id).where(
                    AuditEntry.action == "role.demoted", AuditEntry.target == f"user:{DEMO_ADMIN_ID}"
                )
            )


async def test_history_is_not_pushed_again_at_the_first_start(demo: BotHarness):
    """The demo's past (competitions published days ago) was told then: the first start sends no late notices; what
    waits is the one resolution 王丽 has to confirm and rate."""
    await demo.tick()
    async with demo.services.db.session() as session:
        pending = (
            await session.execute(select(Notification.chat_id, Notification.dedupe_key, Notification.late))
        ).all()
    assert not [p for p in pending if p.late]
    wang = demo.user(demo_person("王丽").telegram_id, first_name="王丽")
    await wang.expect("问题解决了吗")


async def test_someone_of_the_cast_registered_before_keeps_their_record(bot: BotHarness):
    """A console user who onboarded as 张敏 before the demo data came keeps what they chose; the stage loads
    around them (the pool, the cases, the others' records)."""
    await bot.services.users.register(10005, "张敏")
    await bot.services.users.set_role(10005, Role.WORKER)
    assert await load_demo_data(bot.services.db, bot.services.clock, bot.services.settings.tz)
    bot.services.users.forget()
    assert (await bot.services.users.get(10005)).role is Role.WORKER
    assert (await bot.services.users.get(10006)).role is Role.ADMIN
    async with bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Demand)) >= 20
