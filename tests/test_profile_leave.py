"""/profile → 🏖 休假 over booked visits: the craftsman is told which of his booked visits fall in his leave (they stay
booked unless he moves them), each with 🔁 改期 / ❌ 取消预约, and the staff of each case's region are told; the day
his leave ends is shown with its weekday, so an ambiguous "下周五" / "next Friday" is seen as it was read."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Appointment, AppointmentStatus, Craftsman, Demand, DemandStatus, Lang, Match, MatchStatus
from fakebotapi import FakeUser
from services.clock import ManualClock
from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_demo import stage

TUESDAY = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, Tuesday 2026-12-01


async def zhou_case(session: AsyncSession) -> tuple[Match, Demand]:
    """周建华's case in service (of the demo data): its match and demand."""
    match, demand = (
        await session.execute(
            select(Match, Demand)
            .join(Demand, Demand.id == Match.demand_id)
            .join(Craftsman, Craftsman.id == Match.craftsman_id)
            .where(
                Craftsman.user_id == demo_person("周建华").telegram_id,
                Match.status == MatchStatus.ACCEPTED,
                Demand.status == DemandStatus.IN_SERVICE,
            )
        )
    ).one()
    return match, demand


async def _second_visit(bot: BotHarness) -> str:
    """A second booked visit of 周建华, tomorrow 15:00, on his case in service; its ticket."""
    async with bot.services.db.session() as session:
        match, demand = await zhou_case(session)
        session.add(
            Appointment(
                match_id=match.id,
                starts_at=datetime(2026, 12, 2, 7, 0, tzinfo=UTC),
                place="湖州恒锐精密五金有限公司",
                status=AppointmentStatus.BOOKED,
                created_at=TUESDAY,
                updated_at=TUESDAY,
            )
        )
        return demand.ticket


async def _booked_ticket(bot: BotHarness) -> str:
    async with bot.services.db.session() as session:
        return await session.scalar(
            select(Demand.ticket)
            .join(Match, Match.demand_id == Demand.id)
            .join(Appointment, Appointment.match_id == Match.id)
            .where(Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > TUESDAY)
            .order_by(Appointment.starts_at)
            .limit(1)
        )


async def _take_leave(zhou: FakeUser, day: str, words: tuple[str, str, str, str]) -> tuple[dict, dict]:
    """周建华 sets his leave in /profile to end on ``day`` (``words``: the card's title, the pause button, its question
    and "saved", in his language); the saved card and what he is told of the visits in it."""
    title, pause, question, saved = words
    zhou.send("/profile")
    zhou.press(pause, await zhou.expect(title))
    await zhou.expect(question)
    zhou.send(day)
    card = await zhou.expect(saved)
    return card, await zhou.expect(("休假期间", "your leave"))


async def test_leave_over_booked_visits_names_them_with_a_way_to_move_them_and_tells_staff(db_url: str):
    bot = await stage(db_url, ManualClock(TUESDAY))
    try:
        other = await _second_visit(bot)
        first = await _booked_ticket(bot)
        zhou = bot.user(demo_person("周建华").telegram_id, first_name="周建华")
        saved, told = await _take_leave(zhou, "下周五", ("我的工匠资料", "休假", "休假到哪一天", "已保存"))
        assert "休假至 2026-12-11（周五）" in saved["text"]
        assert "2026-12-02 14:30" in told["text"] and "2026-12-02 15:00" in told["text"]
        assert first in told["text"] and other in told["text"]
        assert "仍然有效" in told["text"]  # they stay booked unless he moves them
        labels = [b["text"] for b in zhou.buttons(told)]
        assert any("改期" in label and first in label for label in labels)
        assert any("改期" in label and other in label for label in labels)
        await bot.tick()
        staffer = bot.user(demo_person("张敏").telegram_id, first_name="张敏")
        notice = await staffer.expect("休假")
        assert "周建华" in notice["text"] and first in notice["text"] and other in notice["text"]
        assert "2026-12-11" in notice["text"]
        async with bot.services.db.session() as session:  # nothing was cancelled behind his back
            booked = await session.scalars(
                select(Appointment).where(
                    Appointment.status == AppointmentStatus.BOOKED, Appointment.starts_at > TUESDAY
                )
            )
            assert len(booked.all()) == 2
        zhou.press("改期", told)  # the way to move one: he is asked for new slots
        await zhou.expect("可预约的时间")
    finally:
        await bot.stop()


async def test_leave_in_english_shows_the_weekday_and_names_the_visit_in_it(db_url: str):
    bot = await stage(db_url, ManualClock(TUESDAY))
    try:
        zhou = bot.user(demo_person("周建华").telegram_id, first_name="周建华", language_code="en")
        await bot.services.users.set_lang(zhou.id, Lang.ENGLISH, chosen=True)
        words = ("My craftsman profile", "Time off", "Until which day", "Saved")
        saved, told = await _take_leave(zhou, "next Friday", words)
        assert "On leave until 2026-12-04 (Fri)" in saved["text"]
        assert "2026-12-02 14:30" in told["text"] and "stay booked" in told["text"]
    finally:
        await bot.stop()
