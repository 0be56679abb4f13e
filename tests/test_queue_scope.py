"""Staff work on their own region's demands (services/staff_scope.py), through the real Application on the fake Bot
API: /queue, a queue item, a demand opened from a notice and /match_all show a city staffer the city's demands and a
province staffer the province's; staff without a region see every region's. Opening another region's demand by id
gets a polite refusal, audited. A staffer reading a demand sees what the union does next, not the enterprise's
words."""

from __future__ import annotations

from sqlalchemy import select

from buttons.demands import OpenDemand
from buttons.queue import ShowQueueItem
from db.models import AuditEntry, Demand, DemandKind, DemandStatus, Role
from fakebotapi import FakeUser
from i18n import t
from tests.harness import BotHarness

TEXT = "数控车床加工的轴类零件圆度超差，主轴振动明显，想请专家来现场看看"
PLACES = {"湖州": "330502", "绍兴": "330603", "苏州": "320506"}  # 吴兴区 (湖州市), 柯桥区 (绍兴市), 吴中区 (苏州市)


async def waiting_demands(bot: BotHarness) -> dict[str, tuple[int, str]]:
    """One submitted demand in each of PLACES: place → (id, ticket)."""
    out = {}
    async with bot.services.db.session() as session:
        for n, (place, code) in enumerate(PLACES.items(), start=1):
            demand = Demand(
                ticket=f"ZQ-2026-90000{n}",
                kind=DemandKind.PROBLEM,
                text=f"{place}：{TEXT}",
                region_code=code,
                industry="34",
                urgency="normal",
                status=DemandStatus.SUBMITTED,
                submitted_at=bot.clock.now(),
            )
            session.add(demand)
            await session.flush()
            out[place] = (demand.id, demand.ticket)
    return out


async def staff(bot: BotHarness, user_id: int, region: str | None) -> FakeUser:
    await bot.services.users.register(user_id, f"工会{user_id}")
    await bot.services.users.set_staff(user_id, True)
    if region:
        await bot.services.users.set_region(user_id, region)
    return bot.user(user_id, first_name=f"工会{user_id}")


async def queue_tickets(user: FakeUser, count: int) -> set[str]:
    user.send("/queue")
    title = await user.expect("待匹配需求")
    assert f"{count} 条" in title["text"], title["text"]
    await user.wait_until(lambda: sum("推荐劳模工匠" in m for m in user.texts()) == count)
    shown = " ".join(user.texts())
    return {ticket for ticket in (f"ZQ-2026-90000{n}" for n in (1, 2, 3)) if ticket in shown}


async def refused(bot: BotHarness, user_id: int) -> list[tuple[str, str | None, dict | None]]:
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.target, AuditEntry.details).where(
                AuditEntry.actor_user_id == user_id, AuditEntry.allowed.is_(False)
            )
        )
        return list(rows.all())


async def test_the_queue_of_a_city_staffer_holds_the_citys_demands_a_province_staffer_the_provinces(bot: BotHarness):
    demands = await waiting_demands(bot)
    tickets = {place: ticket for place, (_, ticket) in demands.items()}
    city = await staff(bot, 601, "330500")  # 湖州市总工会
    province = await staff(bot, 602, "330000")  # 浙江省总工会
    everyone = await staff(bot, 603, None)  # no region: every region's demands
    assert await queue_tickets(city, 1) == {tickets["湖州"]}
    assert await queue_tickets(province, 2) == {tickets["湖州"], tickets["绍兴"]}
    assert await queue_tickets(everyone, 3) == set(tickets.values())

    city.send("/match_all")  # 清单匹配: the city's queue only
    plan = await city.expect("批量匹配方案")
    assert tickets["湖州"] in plan["text"]
    assert tickets["苏州"] not in plan["text"] and tickets["绍兴"] not in plan["text"]


async def city_queue(bot: BotHarness, user_id: int) -> tuple[dict[str, tuple[int, str]], FakeUser, dict]:
    """A demand in each of PLACES and a 湖州 staffer's /queue: (the demands, the staffer, her 湖州 demand's card)."""
    demands = await waiting_demands(bot)
    city = await staff(bot, user_id, "330500")
    city.send("/queue")
    return demands, city, await city.expect(demands["湖州"][1])


async def test_another_regions_demand_opened_by_id_is_refused_politely_and_audited(bot: BotHarness):
    demands, city, card = await city_queue(bot, 611)
    suzhou, _ = demands["苏州"]
    words = t("case.refused.out_of_region", "zh-hans")

    answer = await city.answer_to(city.press_data(bot.signed(city, ShowQueueItem(suzhou).data()), card))
    assert answer["text"] == words and answer["show_alert"]
    answer = await city.answer_to(city.press_data(bot.signed(city, OpenDemand(suzhou).data()), card))
    assert answer["text"] == t("demand.refused.out_of_region", "zh-hans") and answer["show_alert"]
    assert TEXT not in " ".join(m for m in city.texts() if "苏州" in m), "nothing of the Suzhou demand was shown"
    assert sorted(await refused(bot, 611)) == [
        ("demand.view", f"demand:{suzhou}", {"reason": "out_of_region"}),
        ("queue.view", f"demand:{suzhou}", {"reason": "out_of_region"}),
    ]

    huzhou, _ = demands["湖州"]  # the staffer's own region's demand opens as before
    city.press_data(bot.signed(city, ShowQueueItem(huzhou).data()), card)
    await city.wait_until(lambda: sum(demands["湖州"][1] in m for m in city.texts()) >= 2)
    everyone = await staff(bot, 612, None)
    everyone.send("/queue")
    mine = await everyone.expect(demands["苏州"][1])
    everyone.press_data(bot.signed(everyone, OpenDemand(suzhou).data()), mine)
    await everyone.expect("联系人")


async def test_a_staffer_reading_a_demand_sees_what_the_union_does_next(bot: BotHarness):
    demands = await waiting_demands(bot)
    city = await staff(bot, 621, "330500")
    city.send("/queue")
    card = await city.expect(demands["湖州"][1])
    city.press_data(bot.signed(city, OpenDemand(demands["湖州"][0]).data()), card)
    view = await city.expect("湖州：")
    assert t("demand.staff_next.submitted", "zh-hans") in view["text"]
    assert t("my.next.submitted", "zh-hans") not in view["text"], "the enterprise's words, not the union's"
    assert (await bot.services.users.get(621)).role is Role.STAFF


async def test_a_city_staffer_cannot_offer_escalate_or_confirm_another_regions_demand(bot: BotHarness):
    """Offers, escalations and confirming a 揭榜 volunteer are region-checked like the queue: a city staffer who
    replays a press for another region's demand (from another staffer's message) is refused politely, audited, and
    nothing changes; a staffer without a region does the same as before."""
    from buttons.queue import ConfirmVolunteer, Escalate, OfferTo
    from db.models import Craftsman, Match
    from tests.test_service_flow import craftsman

    demands = await waiting_demands(bot)
    suzhou, _ = demands["苏州"]
    await craftsman(bot, 631, "吴师傅", "320506", ["数控机床调试"], ["34"])
    async with bot.services.db.session() as session:
        craftsman_id = await session.scalar(select(Craftsman.id).where(Craftsman.user_id == 631))
    city = await staff(bot, 632, "330500")
    city.send("/queue")
    card = await city.expect(demands["湖州"][1])
    words = t("case.refused.out_of_region", "zh-hans")

    answer = await city.answer_to(city.press_data(bot.signed(city, OfferTo(suzhou, craftsman_id).data()), card))
    assert answer["text"] == words and answer["show_alert"]
    answer = await city.answer_to(city.press_data(bot.signed(city, Escalate(suzhou).data()), card))
    assert answer["text"] == words and answer["show_alert"]  # at the press: no note is asked for first
    await bot.services.casework.volunteer(631, suzhou)  # 揭榜: the craftsman volunteers for the Suzhou demand
    async with bot.services.db.session() as session:
        match_id = await session.scalar(select(Match.id).where(Match.demand_id == suzhou))
    answer = await city.answer_to(city.press_data(bot.signed(city, ConfirmVolunteer(match_id).data()), card))
    assert answer["text"] == words and answer["show_alert"]

    async with bot.services.db.session() as session:
        assert (await session.get(Demand, suzhou)).status is DemandStatus.SUBMITTED
        assert (await session.get(Match, match_id)).status.value == "proposed"
    assert sorted(await refused(bot, 632)) == [
        ("demand.escalate", f"demand:{suzhou}", {"reason": "out_of_region"}),
        ("match.confirm_volunteer", f"demand:{suzhou}", {"reason": "out_of_region"}),
        ("match.offer", f"demand:{suzhou}", {"reason": "out_of_region"}),
    ]

    everyone = await staff(bot, 633, None)  # no region: confirms the Suzhou volunteer as before
    everyone.send("/queue")
    mine = await everyone.expect(demands["苏州"][1])
    everyone.press_data(bot.signed(everyone, ConfirmVolunteer(match_id).data()), mine)
    await everyone.expect("已确认 吴师傅 揭榜")
    async with bot.services.db.session() as session:
        assert (await session.get(Demand, suzhou)).status is DemandStatus.ACCEPTED
