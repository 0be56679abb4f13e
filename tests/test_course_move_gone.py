"""An old 改期 button of a course whose classes were all cancelled (hostile tester, cards item 4) is refused at the
press, not after the new time is typed."""

from __future__ import annotations

from db.models import Role
from tests.harness import BotHarness
from tests.test_events_e2e import publish_weekly_course
from tests.test_report import staffer


async def test_move_of_a_cancelled_class_is_refused_at_the_press(bot: BotHarness):
    staff = await staffer(bot)
    await publish_weekly_course(staff)
    bot.clock.advance(minutes=1)  # past the flood guard's window: the form was many messages
    staff.send("/courses")
    staff.press("管理①", await staff.expect("AI写作"))
    card = await staff.expect("管理课程")
    for s in await bot.services.courses.sessions(1):
        await bot.services.courses.change_session(staff.id, Role.STAFF, s.id, None)
    answer = await staff.answer_to(staff.press("改期 12-01 19:00", card))
    assert "已取消或已结束" in (answer.get("text") or "")
    await bot.wait_handled()
    assert not any("新的开始时间" in text for text in staff.texts())
