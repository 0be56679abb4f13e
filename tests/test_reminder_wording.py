"""A late reminder says what is true when it is sent (hostile report item 8), and the scheduler fires by the stage's
clock (item 16)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.models import Appointment, AppointmentStatus
from services.clock import ShiftedClock
from services.demo import load_demo_data
from services.demo_people import demo_person
from services.outbox import notice_text
from services.reminder_plan import Reminder
from services.reminders_wording import as_sent, timing, when
from tests.harness import BotHarness
from tests.test_events_e2e import REMINDER, enrolled_student


async def test_a_class_reminder_sent_late_counts_the_minutes_really_left(bot: BotHarness):
    student = await enrolled_student(bot, 61)
    await bot.stop()
    bot.clock.advance(days=10, hours=8, minutes=30)  # back at 18:30 on 12-01: the 18:00 reminder of 19:00 was missed
    await bot.start()
    await bot.tick()
    late = (await student.expect(REMINDER))["text"]
    assert late.startswith("【补发】") and "还有 30 分钟" in late and "60 分钟" not in late


async def test_a_class_reminder_on_time_keeps_its_planned_lead(bot: BotHarness):
    student = await enrolled_student(bot, 62)
    bot.clock.advance(days=10, hours=8, minutes=1)  # 18:01 on 12-01, the 18:00 reminder fires a minute late
    await bot.tick()
    text = (await student.expect(REMINDER))["text"]
    assert "还有 60 分钟" in text and not text.startswith("【补发】")


async def test_the_demo_visit_reminder_after_a_restart_on_the_day_says_how_long_is_left(bot: BotHarness):
    """王丽's consultation with 周建华 is tomorrow at 14:00 on the demo stage; the console restarted that day at
    12:30 wrote the day-before reminder late: it must not say 明天."""
    owner = bot.user(demo_person("王丽").telegram_id)  # 王丽 and 周建华 on the fake Telegram
    bot.user(demo_person("周建华").telegram_id)
    await load_demo_data(bot.services.db, bot.clock, bot.settings.tz)
    visit = await _demo_visit(bot)
    await bot.stop()
    bot.clock.advance(seconds=(visit - timedelta(minutes=90) - bot.clock.now()).total_seconds())
    await bot.start()
    await bot.tick()
    texts = [t for t in owner.texts() if "问诊提醒" in t]
    assert texts, owner.texts()
    assert all("明天" not in t for t in texts), texts
    assert any("1 小时 30 分钟后" in t for t in texts), texts


async def _demo_visit(bot: BotHarness) -> datetime:
    async with bot.services.db.session() as session:
        starts = await session.scalar(
            select(Appointment.starts_at)
            .where(Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > bot.clock.now())
            .order_by(Appointment.starts_at)
        )
    assert starts is not None
    return starts if starts.tzinfo else starts.replace(tzinfo=UTC)


async def test_the_schedule_runs_by_the_stage_clock(bot: BotHarness):
    """On the console's stage (a ShiftedClock) a reminder due at 13:00 stage time fires when the stage shows 13:00,
    not when the real clock does (the scheduler's run times are the real instants the stage reaches them)."""
    stage = ShiftedClock(datetime.now(UTC) + timedelta(days=3, hours=2))
    reminders = bot.services.reminders
    reminders.clock = stage
    due = stage.now() + timedelta(minutes=1)
    reminder = Reminder("session:999", "lead", due, due + timedelta(hours=1), "lead")
    reminders._schedule(reminder)
    job = reminders.scheduler.get_job(reminder.key)
    assert abs(job.trigger.run_date - stage.real(due)) < timedelta(seconds=1)
    assert job.trigger.run_date < due - timedelta(days=3)


def test_a_late_competition_reminder_names_the_day_as_it_now_is():
    """The day-before reminder sent on time says 明天; written on the day itself, 今天 or the hours left."""
    tz = ZoneInfo("Asia/Shanghai")
    starts = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)  # 09:00 local
    eve = datetime(2026, 12, 4, 1, 0, tzinfo=UTC)
    payload = {"key": "remind.competition.eve", "values": {"name": "数控", "start": "12-05 09:00", "place": "湖州"}}
    payload["timing"] = timing(starts, eve)
    assert "明天开赛" in notice_text(as_sent(payload, eve + timedelta(minutes=3), tz, "zh-hans"), "zh-hans")
    late = as_sent(payload, starts - timedelta(hours=8, minutes=30), tz, "zh-hans")  # 00:30 on the day
    assert "今天开赛" in notice_text(late, "zh-hans")
    soon = as_sent(payload, starts - timedelta(hours=3.5), tz, "en")
    assert "starts in 3 hours 30 minutes" in notice_text(soon, "en")
    assert when(starts, starts - timedelta(hours=7), tz, "zh-hans") == "今天"
    assert when(starts, starts - timedelta(days=2), tz, "en") == "in 2 days"
    assert when(starts, starts - timedelta(minutes=29, seconds=30), tz, "zh-hans") == "30 分钟后"
