"""/profile → 🏖 休假 over visit slots he offered that the enterprise has not picked yet (hostile tester, cards item 3):
they are named to him too and withdrawn (an enterprise can no longer book him on a day of his leave), and the
enterprise is told, as when offered slots are withdrawn elsewhere; slots after his leave stay on offer."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from db.models import Appointment, AppointmentStatus
from services.clock import ManualClock
from services.demo_people import demo_person
from tests.test_demo import stage
from tests.test_profile_leave import TUESDAY, _take_leave, zhou_case

IN_LEAVE = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)  # Thursday 10:00 in Shanghai
AFTER = datetime(2026, 12, 15, 2, 0, tzinfo=UTC)


async def _offered(bot) -> tuple[str, int, list[int]]:
    """Two slots 周建华 offers on his case in service, one in his leave and one after: (ticket, owner, ids)."""
    async with bot.services.db.session() as session:
        match, demand = await zhou_case(session)
        slots = [
            Appointment(
                match_id=match.id,
                starts_at=at,
                place="湖州恒锐精密五金有限公司",
                status=AppointmentStatus.OFFERED,
                created_at=TUESDAY,
                updated_at=TUESDAY,
            )
            for at in (IN_LEAVE, AFTER)
        ]
        session.add_all(slots)
        await session.flush()
        return demand.ticket, demand.user_id, [s.id for s in slots]


async def test_leave_withdraws_the_slots_he_offered_in_it_and_tells_the_enterprise(db_url: str):
    bot = await stage(db_url, ManualClock(TUESDAY))
    try:
        ticket, owner, (inside, after) = await _offered(bot)
        zhou = bot.user(demo_person("周建华").telegram_id, first_name="周建华")
        await _take_leave(zhou, "下周五", ("我的工匠资料", "休假", "休假到哪一天", "已保存"))
        told = await zhou.wait_until(lambda: next((t for t in zhou.texts() if "已撤回" in t), None))
        assert "2026-12-03 10:00" in told and ticket in told
        assert "2026-12-15" not in told
        async with bot.services.db.session() as session:
            statuses = {a.id: a.status for a in await session.scalars(select(Appointment))}
        assert (statuses[inside], statuses[after]) == (AppointmentStatus.CANCELLED, AppointmentStatus.OFFERED)
        await bot.tick()
        enterprise = bot.user(owner, first_name="企业")
        notice = await enterprise.expect("已撤回")
        assert ticket in notice["text"] and "2026-12-03 10:00" in notice["text"] and "周建华" in notice["text"]
    finally:
        await bot.stop()
