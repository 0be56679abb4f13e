"""Competitions, courses and reminders on both databases, with a manual clock: restarts between scheduling and
firing, double firing, moves, cancellations, quiet hours, the waitlist and the Asia/Shanghai day boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from config.settings import load_settings
from db.models import AuditEntry, Notification, OutboxStatus, Role, User
from services.audit import NotStaff
from services.clock import ManualClock
from services.competitions import FollowResult
from services.container import Services
from services.course_enrolment import Seat
from services.courses import expand_weekly
from services.local_time import QuietHours, parse_local_datetime
from services.validation import Invalid

SH = ZoneInfo("Asia/Shanghai")
STAFF, HUZHOU_C, HUZHOU_F, HUZHOU_ANY, SUZHOU_C, QUIET_OFF = 900, 1, 2, 3, 4, 5
HUZHOU, WUXING, SUZHOU = "330500", "330502", "320500"


def local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=SH).astimezone(UTC)


class World:
    """Services on one database and one manual clock; ``restart()`` builds them anew, as a restarted bot does."""

    def __init__(self, url: str) -> None:
        self.url, self.clock = url, ManualClock(local(2026, 11, 21, 10))
        self.services: Services | None = None

    async def start(self) -> Services:
        self.services = await Services.start(load_settings(database_url=self.url, bot_token=None), clock=self.clock)
        self.report = await self.services.reminders.start(autorun=False)
        return self.services

    async def restart(self) -> Services:
        await self.services.close()
        return await self.start()

    async def rows(self, chat_id: int, kind: str | None = None) -> list[Notification]:
        return [n for n in await self.services.outbox.sent_to(chat_id) if kind is None or n.kind == kind]


async def person(s: Services, user_id: int, role: Role, region: str | None, sections: list[str] = ()) -> None:
    await s.users.register(user_id, f"用户{user_id}")
    if role in (Role.STAFF, Role.ADMIN):
        async with s.db.session() as session:
            (await session.get(User, user_id)).role = role
        s.users.forget(user_id)
    else:
        await s.users.set_role(user_id, role)
    if region:
        await s.users.set_region(user_id, region)
    await s.audience.set_sections(user_id, list(sections))


@pytest.fixture
async def world(db_url: str):
    w = World(db_url)
    s = await w.start()
    await person(s, STAFF, Role.STAFF, None)
    await person(s, HUZHOU_C, Role.WORKER, WUXING, ["C"])
    await person(s, HUZHOU_F, Role.WORKER, WUXING, ["F"])
    await person(s, HUZHOU_ANY, Role.CRAFTSMAN, HUZHOU)
    await person(s, SUZHOU_C, Role.WORKER, "320505", ["C"])
    await person(s, QUIET_OFF, Role.WORKER, WUXING, ["C"])
    await s.users.set_quiet_hours(QUIET_OFF, QuietHours(0, 0))
    yield w
    await w.services.close()


async def one_session_course(s: Services, starts: datetime, capacity: int | None = None, minutes: int = 60):
    return await s.courses.create(
        STAFF,
        Role.STAFF,
        {
            "name": "AI写作",
            "teacher": "周老师",
            "place": "市职工服务中心",
            "capacity": capacity,
            "remind_minutes": minutes,
        },
        [(starts, starts + timedelta(hours=2))],
    )


def competition(**overrides):
    values = {
        "name": "湖州市数控车工技能竞赛",
        "industry": "C",
        "region_code": HUZHOU,
        "organiser": "湖州市总工会",
        "registration_deadline": local(2026, 12, 1, 17),
        "starts_at": local(2026, 12, 10, 9),
        "ends_at": local(2026, 12, 10, 17),
        "place": "湖州技师学院",
        "how_to_register": "向所在企业工会报名",
    }
    return {**values, **overrides}


async def test_publication_reaches_the_region_and_industry_it_is_for(world: World):
    s = world.services
    c = await s.competitions.create(STAFF, Role.STAFF, competition())
    told = {
        uid
        for uid in (HUZHOU_C, HUZHOU_F, HUZHOU_ANY, SUZHOU_C, QUIET_OFF)
        if [n for n in await world.rows(uid) if n.dedupe_key.startswith(f"competition:{c.id}:published")]
    }
    # Huzhou + follows C, Huzhou + follows nothing (= every industry); not Suzhou, not a follower of F only
    assert told == {HUZHOU_C, HUZHOU_ANY, QUIET_OFF}
    await s.users.set_notify_publications(HUZHOU_C, False)
    c2 = await s.competitions.create(STAFF, Role.STAFF, competition(name="第二场", region_code=None))
    assert not [n for n in await world.rows(HUZHOU_C) if f"competition:{c2.id}:" in n.dedupe_key]
    assert [n for n in await world.rows(SUZHOU_C) if f"competition:{c2.id}:" in n.dedupe_key]  # everywhere
    listing = await s.competitions.listing(SUZHOU_C, "320505")
    assert [x.id for x in listing.competitions] == [c2.id]  # the Huzhou one is not listed in Suzhou
    assert await s.competitions.follow(SUZHOU_C, c2.id) is FollowResult.FOLLOWED
    assert await s.competitions.follow(SUZHOU_C, c2.id) is FollowResult.ALREADY
    await s.competitions.cancel(STAFF, Role.STAFF, c2.id)
    assert await s.competitions.follow(HUZHOU_ANY, c2.id) is FollowResult.GONE  # a stale button
    assert [n.payload["key"] for n in await world.rows(SUZHOU_C, "notice")] == ["competition.cancelled_notice"]


async def test_only_staff_publish_and_refusals_are_audited(world: World):
    s = world.services
    with pytest.raises(NotStaff):
        await s.competitions.create(HUZHOU_C, Role.WORKER, competition())
    with pytest.raises(NotStaff):
        await one_session_course_as(s, HUZHOU_C)
    async with s.db.session() as session:
        refused = (await session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False)))).all()
    assert [e.action for e in refused] == ["competition.create", "course.create"]


async def one_session_course_as(s: Services, actor: int):
    return await s.courses.create(actor, Role.WORKER, {"name": "x"}, [(local(2026, 12, 1, 19), local(2026, 12, 1, 21))])


async def test_restart_between_scheduling_and_firing_neither_misses_nor_doubles(world: World):
    s = world.services
    course = await one_session_course(s, local(2026, 11, 24, 19))
    assert (await s.courses.enrol(HUZHOU_C, course.id)).seat is Seat.ENROLLED
    assert [r.at for r in s.reminders.pending()] == [local(2026, 11, 24, 18)]
    s = await world.restart()
    (scheduled,) = s.reminders.pending()
    assert scheduled.at == local(2026, 11, 24, 18)  # rebuilt from the database
    world.clock.advance(days=3, hours=7, minutes=59)
    assert await s.reminders.run_due() == 0  # a minute early
    world.clock.advance(minutes=1)
    assert await s.reminders.run_due() == 1
    assert await s.reminders.fire(scheduled) == 0  # fired twice: written once
    s = await world.restart()  # a restart after firing catches nothing up twice
    assert world.report.caught_up == 0 and not s.reminders.pending()
    rows = await world.rows(HUZHOU_C, "reminder")
    assert len(rows) == 1 and not rows[0].late and rows[0].not_before == local(2026, 11, 24, 18)


async def test_missed_while_down_is_sent_late_when_useful_and_dropped_when_not(world: World):
    s = world.services
    soon = await one_session_course(s, local(2026, 11, 21, 19))  # reminder 18:00, session 19:00
    later = await one_session_course(s, local(2026, 11, 21, 22))  # reminder 21:00, session 22:00
    for course in (soon, later):
        await s.courses.enrol(QUIET_OFF, course.id)
    await s.close()  # the bot goes down at 10:00 …
    world.clock.advance(hours=11, minutes=30)  # … and comes back at 21:30
    s = await world.start()
    assert world.report.caught_up == 1 and len(world.report.dropped) == 1
    assert "session:" in world.report.dropped[0]
    rows = {n.status: n for n in await world.rows(QUIET_OFF, "reminder")}
    assert set(rows) == {OutboxStatus.PENDING, OutboxStatus.EXPIRED}  # the useless one is kept as a record, unsent
    assert rows[OutboxStatus.PENDING].late and rows[OutboxStatus.PENDING].expires_at == local(2026, 11, 21, 22)
    await world.restart()
    assert world.report.caught_up == 0 and world.report.dropped == []  # told once, dropped once


async def test_only_the_latest_missed_deadline_reminder_is_caught_up(world: World):
    s = world.services
    c = await s.competitions.create(STAFF, Role.STAFF, competition())
    await s.competitions.follow(QUIET_OFF, c.id)
    await s.close()
    world.clock.advance(days=9, hours=12)  # down over both the 3-days and the 1-day reminders: 11-30 22:00 local
    s = await world.start()
    rows = await world.rows(QUIET_OFF, "reminder")
    sent = [n.dedupe_key.split(":")[2] for n in rows if n.status is OutboxStatus.PENDING]
    assert sent == ["published", "deadline_1d"] and rows[-1].late
    assert any(":deadline_3d:" in k for k in world.report.dropped)


async def test_moving_a_competition_tells_followers_once_and_reschedules(world: World):
    s = world.services
    c = await s.competitions.create(STAFF, Role.STAFF, competition())
    await s.competitions.follow(HUZHOU_C, c.id)
    eve = [r for r in s.reminders.pending() if r.what == "eve"]
    assert [r.at for r in eve] == [local(2026, 12, 9, 9)]
    await s.competitions.change(STAFF, Role.STAFF, c.id, {"starts_at": local(2026, 12, 12, 9), "ends_at": None})
    await s.competitions.change(STAFF, Role.STAFF, c.id, {"starts_at": local(2026, 12, 12, 9)})  # no change: not told
    assert [r.at for r in s.reminders.pending() if r.what == "eve"] == [local(2026, 12, 11, 9)]
    notices = await world.rows(HUZHOU_C, "notice")
    assert [n.payload["key"] for n in notices] == ["competition.changed_notice"]
    assert notices[0].payload["values"]["start"] == "2026-12-12 09:00"
    with pytest.raises(Invalid):
        await s.competitions.change(STAFF, Role.STAFF, c.id, {"registration_deadline": local(2026, 12, 20, 9)})
    s = await world.restart()
    assert [r.at for r in s.reminders.pending() if r.what == "eve"] == [local(2026, 12, 11, 9)]


async def test_cancelling_withdraws_pending_reminders_and_tells_once(world: World):
    s = world.services
    course = await one_session_course(s, local(2026, 11, 22, 7, 30))  # reminder 06:30: quiet hours until 07:00
    await s.courses.enrol(HUZHOU_C, course.id)
    world.clock.advance(hours=20, minutes=30)  # 11-22 06:30 local
    assert await s.reminders.run_due() == 1
    pending = (await world.rows(HUZHOU_C, "reminder"))[0]
    assert pending.not_before == local(2026, 11, 22, 7)  # waits for the end of the quiet hours
    await s.courses.cancel(STAFF, Role.STAFF, course.id)
    await s.courses.cancel(STAFF, Role.STAFF, course.id)  # a double press
    rows = await world.rows(HUZHOU_C)
    assert [(n.kind, n.status) for n in rows] == [
        ("reminder", OutboxStatus.WITHDRAWN),
        ("notice", OutboxStatus.PENDING),
    ]
    assert rows[1].payload["key"] == "course.cancelled_notice"


async def test_moving_a_session_reschedules_its_reminder(world: World):
    s = world.services
    course = await one_session_course(s, local(2026, 11, 25, 19))
    await s.courses.enrol(HUZHOU_C, course.id)
    (session,) = await s.courses.sessions(course.id)
    await s.courses.change_session(STAFF, Role.STAFF, session.id, local(2026, 11, 26, 19, 30))
    assert [r.at for r in s.reminders.pending()] == [local(2026, 11, 26, 18, 30)]
    assert [n.payload["key"] for n in await world.rows(HUZHOU_C)] == ["course.session_moved_notice"]
    await s.courses.change_session(STAFF, Role.STAFF, session.id, None)
    assert not s.reminders.pending()


async def test_quiet_hours_and_the_shanghai_day_boundary(world: World):
    s = world.services
    world.clock.advance(hours=13, minutes=30)  # 23:30 local = 15:30 UTC, the same UTC day
    c = await s.competitions.create(
        STAFF, Role.STAFF, competition(starts_at=local(2026, 12, 2, 0, 30), ends_at=None, registration_deadline=None)
    )
    by_user = {uid: [n for n in await world.rows(uid) if n.kind == "reminder"] for uid in (HUZHOU_C, QUIET_OFF)}
    assert by_user[HUZHOU_C][0].not_before == local(2026, 11, 22, 7)  # after the quiet hours, local time
    assert by_user[QUIET_OFF][0].not_before == local(2026, 11, 21, 23, 30)  # quiet hours off: at once
    # the day before a 00:30 start on 12-02 (local) is 12-01 local, though the start is still 12-01 in UTC
    assert [r.at for r in s.reminders.pending() if r.event == f"competition:{c.id}"] == [local(2026, 12, 1, 9)]
    # a session at 00:30 local: its 23:30 reminder falls in quiet hours, but waiting would be useless: at once
    course = await one_session_course(s, local(2026, 11, 23, 0, 30))
    await s.courses.enrol(HUZHOU_C, course.id)
    world.clock.advance(days=1)  # 11-22 23:30 local
    assert await s.reminders.run_due() == 1
    row = next(n for n in await world.rows(HUZHOU_C, "reminder") if n.dedupe_key.startswith("session:"))
    assert row.not_before == local(2026, 11, 22, 23, 30)


async def test_waitlist_promotion_tells_the_first_in_line(world: World):
    s = world.services
    course = await one_session_course(s, local(2026, 11, 28, 19), capacity=1)
    assert (await s.courses.enrol(HUZHOU_C, course.id)).seat is Seat.ENROLLED
    first = await s.courses.enrol(HUZHOU_F, course.id)
    assert first.seat is Seat.WAITLISTED and first.position == 1
    second = await s.courses.enrol(SUZHOU_C, course.id)
    assert second.seat is Seat.WAITLISTED and second.position == 2
    again = await s.courses.enrol(HUZHOU_F, course.id)
    assert again.seat is Seat.ALREADY_WAITLISTED and again.position == 1
    assert await s.courses.leave(HUZHOU_C, course.id) == (True, HUZHOU_F)
    assert [n.payload["key"] for n in await world.rows(HUZHOU_F)] == ["course.promoted_notice"]
    assert (await s.courses.enrol(SUZHOU_C, course.id)).position == 1
    assert await s.courses.leave(HUZHOU_C, course.id) == (False, None)  # a double press


async def test_weekly_rule_expands_with_the_cron_trigger():
    sessions = expand_weekly(["tue", "thu"], time(19), time(21), date(2026, 12, 1), date(2026, 12, 31), SH)
    assert len(sessions) == 10 and sessions[0] == (local(2026, 12, 1, 19), local(2026, 12, 1, 21))
    assert sessions[-1][0] == local(2026, 12, 31, 19)
    assert all(s.astimezone(SH).strftime("%a") in ("Tue", "Thu") for s, _ in sessions)
    with pytest.raises(Invalid):
        expand_weekly([], time(19), time(21), date(2026, 12, 1), date(2026, 12, 31), SH)


def test_local_times_are_read_in_the_bot_time_zone():
    now = local(2026, 11, 21, 10)
    assert parse_local_datetime("2026-12-01 19:00", SH, now) == datetime(2026, 12, 1, 11, tzinfo=UTC)
    assert parse_local_datetime("12月1日 19:30", SH, now) == local(2026, 12, 1, 19, 30)
    assert parse_local_datetime("1-5 8:00", SH, now) == local(2027, 1, 5, 8)  # January is next year's
    with pytest.raises(Invalid):
        parse_local_datetime("2026-02-30 19:00", SH, now)
    assert QuietHours(22 * 60, 7 * 60).release(local(2026, 11, 21, 6, 59), SH) == local(2026, 11, 21, 7)
    assert QuietHours(22 * 60, 7 * 60).release(local(2026, 11, 21, 21, 59), SH) == local(2026, 11, 21, 21, 59)


async def test_competitions_import_from_excel_publishes_and_updates(world: World):
    from io import BytesIO

    from openpyxl import Workbook

    from services.importing import read_table, template
    from services.importing_competitions import COLUMNS

    s = world.services
    assert read_table(template("competitions"), "t.xlsx")[0] == list(COLUMNS)
    book = Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    sheet.append(
        [
            "湖州市电工技能竞赛",
            "D",
            "330500",
            "湖州市总工会",
            "2026-12-01",
            datetime(2026, 12, 10, 9),
            "",
            "湖州技师学院",
            "",
            "",
        ]
    )
    sheet.append(["没有开始时间", "C", "", "", "", "", "", "", "", ""])
    sheet.append(["行业错了", "Z9", "", "", "", "2026-12-10 09:00", "", "", "", ""])
    sheet.append(["截止晚于开始", "", "", "", "2026-12-11 09:00", "2026-12-10 09:00", "", "", "", ""])
    buffer = BytesIO()
    book.save(buffer)
    report = s.importer.check(read_table(buffer.getvalue(), "c.xlsx"), {})
    assert report.kind == "competitions" and len(report.valid) == 1
    assert [(e.row, e.key) for e in report.errors] == [
        (3, "import.err.required"),
        (4, "import.err.division"),
        (5, "import.err.deadline_after_start"),  # worded for a row of a file, not the form's "type it again"
    ]
    assert report.valid[0]["registration_deadline"] == local(2026, 12, 1, 23, 59)
    with pytest.raises(NotStaff):
        await s.importer.apply(report, HUZHOU_C, Role.WORKER)
    assert await s.importer.apply(report, STAFF, Role.STAFF) == (1, 0)
    assert await s.importer.apply(report, STAFF, Role.STAFF) == (0, 1)  # the same file again updates
    listing = await s.competitions.listing(HUZHOU_ANY, HUZHOU)
    assert [c.name for c in listing.competitions] == ["湖州市电工技能竞赛"]
    assert [n for n in await world.rows(HUZHOU_ANY) if ":published:" in n.dedupe_key]


async def test_the_running_scheduler_fires_on_its_own_at_the_real_time(db_url: str):
    """Production path: a started (not paused) AsyncIOScheduler fires the job at the wall-clock time by itself."""
    import asyncio

    from services.clock import Clock

    s = await Services.start(load_settings(database_url=db_url, bot_token=None), clock=Clock())
    try:
        await person(s, STAFF, Role.STAFF, None)
        await person(s, QUIET_OFF, Role.WORKER, WUXING)
        await s.users.set_quiet_hours(QUIET_OFF, QuietHours(0, 0))
        fired = asyncio.Event()

        async def after_fire() -> None:
            fired.set()

        s.reminders.after_fire = after_fire
        await s.reminders.start(autorun=True)
        # due 2–3 s from now: setting the course up on a busy machine must not take the reminder past its time
        starts = (datetime.now(UTC) + timedelta(minutes=60, seconds=3)).replace(microsecond=0)
        course = await one_session_course(s, starts)
        await s.courses.enrol(QUIET_OFF, course.id)
        await asyncio.wait_for(fired.wait(), timeout=15)
        (row,) = await s.outbox.sent_to(QUIET_OFF)
        assert row.kind == "reminder" and not row.late and not s.reminders.pending()
    finally:
        await s.close()
