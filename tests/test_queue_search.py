"""/queue → 🔍 搜索工匠: each craftsman found shows his load as the queue's cards do ("在办 3/4 件"), and one who
cannot be offered the demand (full, on leave, declined it) is shown with the reason and no 派给 button that could
only fail; one without Telegram gets 📞 致电 as on the cards."""

from __future__ import annotations

from sqlalchemy import select

from buttons.queue import CallCraftsman, OfferTo
from db.models import Craftsman
from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_demo import demo  # noqa: F401 (the demo stage fixture)
from tests.test_queue_views import pool_member


async def test_search_shows_each_craftsmans_load_and_offers_no_button_that_can_only_fail(demo: BotHarness):  # noqa: F811
    zhou = demo_person("周建华")
    await demo.services.talent.update_own(zhou.telegram_id, capacity=3)  # his three open cases fill it
    async with demo.services.db.session() as session:
        craftsman_id = await session.scalar(select(Craftsman.id).where(Craftsman.user_id == zhou.telegram_id))
    phoned = await pool_member(demo, "钱师傅", ["阳极氧化槽液维护"], "33")
    staffer = demo.user(demo_person("张敏").telegram_id, first_name="张敏")
    staffer.send("/queue")
    card = await staffer.expect("推荐劳模工匠")
    staffer.press("搜索", card)
    await staffer.expect("姓名或专长")
    staffer.send("阳极氧化")
    found = await staffer.expect("搜索结果")
    lines = found["text"].splitlines()
    [his] = [line for line in lines if "周建华" in line]
    assert "在办 3/3 件" in his and "已满" in his
    datas = [b["callback_data"].rpartition("~")[0] for b in staffer.buttons(found)]
    offered = [OfferTo.parse(d) for d in datas if OfferTo.parse(d) is not None]
    assert craftsman_id not in [o.craftsman_id for o in offered], "no 派给 to a full craftsman"
    [theirs] = [line for line in lines if "钱师傅" in line]
    assert "在办 0/3 件" in theirs
    called = [CallCraftsman.parse(d) for d in datas if CallCraftsman.parse(d) is not None]
    assert phoned in [c.craftsman_id for c in called], "one without Telegram: 📞 致电, as on the cards"
