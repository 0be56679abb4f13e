"""An old 改期 button of a course whose classes were all cancelled (hostile tester, cards item 4) is refused at the
press, not after the new time is typed."""

from __future__ import annotations

from db.models import Role
from tests.harness import BotHarness
from tests.test_course_move import managed_course


async def test_move_of_a_cancelled_class_is_refused_at_the_press(bot: BotHarness):
    staff, card = await managed_course(bot)
    for s in await bot.services.courses.sessions(1):
        await bot.services.courses.change_session(staff.id, Role.STAFF, s.id, None)
    answer = await staff.answer_to(staff.press("改期 12-01 19:00", card))
    assert "已取消或已结束" in (answer.get("text") or "")
    await bot.wait_handled()
    assert not any("新的开始时间" in text for text in staff.texts())
