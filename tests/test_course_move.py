"""Moving a course session is held to the rules of creating a course (issue 21 leftovers): a time in the past or
past the two-year window is refused with the same words, asked again, and the session stays where it was."""

from __future__ import annotations

from datetime import UTC

from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_events_e2e import publish_weekly_course
from tests.test_report import staffer


async def managed_course(bot: BotHarness) -> tuple[FakeUser, dict]:
    """A staffer with a weekly course published, at its 管理课程 card: (the staffer, the card)."""
    staff = await staffer(bot)
    await publish_weekly_course(staff)
    bot.clock.advance(minutes=1)  # past the flood guard's window: the form was many messages
    staff.send("/courses")
    staff.press("管理①", await staff.expect("AI写作"))
    return staff, await staff.expect("管理课程")


async def test_a_session_is_not_moved_into_the_past_or_past_two_years(bot: BotHarness):
    staff, card = await managed_course(bot)
    staff.press("改期 12-01 19:00", card)
    await staff.expect("新的开始时间")
    staff.send("2020-01-01 19:00")
    past = await staff.expect("已经过去了")
    assert "2020-01-01 19:00" in past["text"] and "例如" in past["text"]
    staff.send("2030-01-01 19:00")
    far = await staff.expect("太远了")
    assert "只能安排两年之内" in far["text"]
    first = (await bot.services.courses.sessions(1))[0]
    assert first.starts_at.astimezone(UTC).isoformat() == "2026-12-01T11:00:00+00:00"  # not moved
    staff.send("12-02 19:00")  # the question still stands: a time still to come is taken
    await staff.expect("已改期")
