"""Four flows a review found wrong, through the real Application on the fake Bot API, on both databases: a visit
that took place is DONE (never cancelled as a reschedule) when the next one is booked; an old 跳过 of 其他原因 after
/cancel withdraws nothing; an old /grant confirmation cannot apply a later /revoke, and a revocation whose shown
change no longer holds is refused as expired; a withdrawal tells a craftsman nothing of an offer he never got."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import Appointment, AppointmentStatus
from tests.harness import BotHarness
from tests.test_casework_visits import VISIT, booked_case


async def visits(bot: BotHarness) -> list[AppointmentStatus]:
    async with bot.services.db.session() as session:
        return list((await session.scalars(select(Appointment.status).order_by(Appointment.id))).all())


async def test_slots_offered_after_a_visit_took_place_book_a_new_visit_and_the_first_is_done(bot: BotHarness):
    helper, company, match_id = await booked_case(bot)
    bot.clock.advance(days=5, hours=6)  # the visit (2026-11-26 15:00) has taken place
    await bot.services.booking.start_due()
    done = await bot.services.booking.offer_slots(961, match_id, [VISIT + timedelta(days=3)], "配电房", None)
    assert done.values["booked"] == "", "no booking stands: this is no reschedule"
    await bot.application.sender.flush()
    slots = await company.expect("问诊时段")
    assert "改期" not in slots["text"] and "仍然保留" not in slots["text"]
    company.press("2026-11-29 15:00", slots)
    booked = await company.expect("预约成功")
    assert "已改期" not in booked["text"] and "已取消" not in booked["text"]
    assert "已改期" not in (await helper.expect("2026-11-29 15:00"))["text"]
    assert await visits(bot) == [AppointmentStatus.DONE, AppointmentStatus.BOOKED]

