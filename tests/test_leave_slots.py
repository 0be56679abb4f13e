"""A craftsman on leave (/profile → 🏖 休假) and his consultation slots and offers (hostile tester 7): a slot on a day
of his own leave is refused with the reason, like any slot line that cannot be used (new slots and the 🔁 改期 his
leave notice suggests), as the slots he had offered in it are withdrawn when he takes it; the leave's confirmation
names the offers still waiting for his answer; accepting one during the leave is done, with a word that its visit
must come after the leave."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Craftsman, Demand, Match, MatchStatus
from services.clock import ManualClock
from services.demo_people import demo_person
from tests.test_demo import stage
from tests.test_profile_leave import TUESDAY, _take_leave


async def _waiting(bot) -> str:
    """The ticket of the offer waiting for 周建华's answer in the demo data."""
    async with bot.services.db.session() as session:
        return await session.scalar(
            select(Demand.ticket)
            .join(Match, Match.demand_id == Demand.id)
            .join(Craftsman, Craftsman.id == Match.craftsman_id)
            .where(Craftsman.user_id == demo_person("周建华").telegram_id, Match.status == MatchStatus.OFFERED)
        )


async def test_a_craftsman_on_leave_cannot_offer_slots_in_it_and_is_told_of_offers_waiting(db_url: str):
    bot = await stage(db_url, ManualClock(TUESDAY))
    try:
        waiting = await _waiting(bot)
        assert waiting
        zhou = bot.user(demo_person("周建华").telegram_id, first_name="周建华")
        _, told = await _take_leave(zhou, "12月3日", ("我的工匠资料", "休假", "休假到哪一天", "已保存"))
        offers = await zhou.wait_until(lambda: next((t for t in zhou.texts() if "等您答复" in t), None))
        assert waiting in offers and "2026-12-03" in offers, offers

        zhou.press("改期", told)  # the way his leave notice suggests: not to a day of the leave
        await zhou.expect("可预约的时间")
        zhou.send("明天下午4点\n12月4日上午10点")
        answer = (await zhou.expect("这一行请重写"))["text"]
        assert "明天下午4点" in answer and "休假" in answer and "2026-12-03" in answer, answer
        assert "“12月4日上午10点” → 2026-12-04 10:00" in answer, answer

        zhou.send("/cancel")  # the reschedule is not his business here
        await zhou.expect("已退出")
        zhou.send("/tasks")
        tasks = await zhou.expect(waiting)
        accept = next(b for b in zhou.buttons(tasks) if "接受" in b["text"] and waiting in b["text"])
        zhou.press(accept["text"], tasks)
        accepted = await zhou.expect("感谢接受")
        assert "休假" in accepted["text"] and "2026-12-03" in accepted["text"], accepted["text"]
        zhou.press("提供预约时段", accepted)
        await zhou.expect("可预约的时间")
        zhou.send("后天上午10点")
        refused = (await zhou.expect("这一行请重写"))["text"]
        assert "休假" in refused, refused
    finally:
        await bot.stop()
