"""Issue 18 ("Trust"), the service flow's part: a demand's status moves by compare-and-set only (two sweeps at the
same moment start a service once), the enterprise's /my shows its steps in plain words (never staff's notes or
who declined), staff find craftsmen by name and team, and an offer to a craftsman without Telegram says what is
true (phone them, or they cannot be reached)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import func, select

from buttons.queue import OfferTo
from db.database import Database
from db.models import (
    Appointment,
    Craftsman,
    CraftsmanIndustry,
    Demand,
    DemandStatus,
    DemandStatusHistory,
    Match,
    MatchStatus,
    Role,
    ServiceTeam,
    TeamLevel,
)
from services.booking import Booking
from services.casework import Casework
from services.clock import ManualClock
from services.results import Done, Refused
from tests.harness import BotHarness
from tests.test_report import STAFF, enterprise_user, staffer
from tests.test_service_flow import craftsman, demand, submit


class ReadThenWait:
    """The database as a second process sees it, whose sessions pause after their first query until every
    racer has made its own: each sweep has read the demand before either writes (the leader's timer and another
    caller at the same moment)."""

    def __init__(self, url: str, barrier: asyncio.Barrier) -> None:
        self.db, self.barrier = Database(url), barrier

    @asynccontextmanager
    async def session(self):
        async with self.db.session() as session:
            originals = {name: getattr(session, name) for name in ("execute", "get", "scalar", "scalars")}

            def first_then_wait(call):
                async def wrapped(*args, **kwargs):
                    session.__dict__.update(originals)  # only the first query waits
                    result = await call(*args, **kwargs)
                    await self.barrier.wait()
                    return result

                return wrapped

            for name, call in originals.items():
                setattr(session, name, first_then_wait(call))
            yield session


async def done(action: Awaitable[object]) -> bool:
    """Whether a service's action was done (True) or Refused (False)."""
    try:
        await action
    except Refused:
        return False
    return True


async def history_count(bot: BotHarness, demand_id: int, to: DemandStatus) -> int:
    async with bot.services.db.session() as session:
        return await session.scalar(
            select(func.count())
            .select_from(DemandStatusHistory)
            .where(DemandStatusHistory.demand_id == demand_id, DemandStatusHistory.to_status == to.value)
        )


async def booked_case(bot: BotHarness) -> tuple[int, int]:
    """A demand accepted by 周师傅 with a booked appointment a day from now: (demand id, match id)."""
    await staffer(bot)
    await craftsman(bot, 501, "周师傅", "330502", ["铝型材挤压", "喷涂与阳极氧化"], ["32"])
    company = await enterprise_user(bot, 31)
    await submit(company, "铝型材喷涂后氧化膜厚度不均，表面起泡，良品率下降")
    d = await demand(bot)
    [best] = await bot.services.matcher.for_demand(d.id, 1)
    offered = await bot.services.casework.offer(STAFF, Role.STAFF, d.id, best.craftsman_id)
    assert isinstance(await bot.services.casework.accept(501, offered.match_id), Done)
    slot = bot.clock.now() + timedelta(days=1)
    assert isinstance(await bot.services.booking.offer_slots(501, offered.match_id, [slot], "车间", None), Done)
    async with bot.services.db.session() as session:
        appointment_id = await session.scalar(select(Appointment.id).where(Appointment.match_id == offered.match_id))
    assert isinstance(await bot.services.booking.pick(31, appointment_id), Done)
    assert (await demand(bot)).status is DemandStatus.SCHEDULED
    return d.id, offered.match_id


async def test_two_sweeps_at_the_same_moment_start_the_service_once(bot: BotHarness, db_url: str):
    demand_id, _ = await booked_case(bot)
    # Two processes' sweeps, with their own clock past the appointment (the harness's own leader keeps the
    # harness clock, before it, so it does not sweep this case): both read the case as scheduled, then write.
    later = ManualClock(bot.clock.now() + timedelta(days=1, minutes=1))
    barrier = asyncio.Barrier(2)
    racers = [
        Booking(
            ReadThenWait(db_url, barrier),
            later,
            bot.services.audit,
            bot.services.outbox,
            bot.services.reminders,
            bot.services.settings.tz,
            bot.services.booking.staff,
        )
        for _ in range(2)
    ]
    try:
        started = await asyncio.wait_for(asyncio.gather(*(r.start_due() for r in racers)), 30)
    finally:
        for r in racers:
            await r.db.db.dispose()
    assert await history_count(bot, demand_id, DemandStatus.IN_SERVICE) == 1
    assert sorted(started) == [0, 1]
    assert (await demand(bot)).status is DemandStatus.IN_SERVICE


async def test_an_accept_racing_the_lapse_of_its_offer_has_one_winner(bot: BotHarness, db_url: str):
    """The craftsman presses 接受 in the very second the 48-hour sweep lapses his offer: one of them wins, the
    match and the demand agree, and the history has one step."""
    await staffer(bot)
    await craftsman(bot, 501, "周师傅", "330502", ["铝型材挤压"], ["32"])
    company = await enterprise_user(bot, 31)
    await submit(company, "铝型材挤压后表面出现斑点缺陷，需要分析原因")
    d = await demand(bot)
    [best] = await bot.services.matcher.for_demand(d.id, 1)
    offered = await bot.services.casework.offer(STAFF, Role.STAFF, d.id, best.craftsman_id)
    later = ManualClock(bot.clock.now() + timedelta(hours=48, minutes=1))
    # On PostgreSQL the match row's lock (SELECT … FOR UPDATE in both) already orders the two, and holding one
    # side back would deadlock; on SQLite (two processes, no row locks) both read the offer before either writes.
    barrier = asyncio.Barrier(2 if db_url.startswith("sqlite") else 1)
    s = bot.services
    racers = [
        Casework(ReadThenWait(db_url, barrier), later, s.audit, s.outbox, s.matcher, s.regions, s.casework.staff)
        for _ in range(2)
    ]
    try:
        lapsed, accepted = await asyncio.wait_for(
            asyncio.gather(racers[0].expire_offers(), done(racers[1].accept(501, offered.match_id))), 30
        )
    finally:
        for r in racers:
            await r.db.db.dispose()
    assert (lapsed == 1) != accepted
    async with s.db.session() as session:
        match = await session.get(Match, offered.match_id)
        steps = (
            await session.scalars(
                select(DemandStatusHistory.to_status)
                .where(DemandStatusHistory.demand_id == d.id)
                .order_by(DemandStatusHistory.id)
            )
        ).all()
    final = (await demand(bot)).status
    if accepted:
        assert (match.status, final, steps[-1]) == (MatchStatus.ACCEPTED, DemandStatus.ACCEPTED, "accepted")
    else:
        assert (match.status, final, steps[-1]) == (MatchStatus.EXPIRED, DemandStatus.SUBMITTED, "submitted")
    assert len(steps) == 3  # submitted, matched, and one of the two


async def test_my_shows_the_enterprise_its_steps_never_internal_notes_or_who_declined(bot: BotHarness):
    staff = await staffer(bot)
    first = await craftsman(bot, 501, "周师傅", "330502", ["铝型材挤压", "喷涂与阳极氧化"], ["32"])
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, "铝型材喷涂后氧化膜厚度不均，表面起泡，良品率下降")
    await staff.expect("新需求 " + ticket)

    note = "本市两位师傅均在外地，内部协调"
    staff.send("/queue")
    item = await staff.expect(ticket)
    staff.press("⬆️ 升级省级", item)
    await staff.expect("升级原因")
    staff.send(note)
    await staff.expect("已升级至省级服务队")
    await staff.expect("说明：" + note)  # staff's own notice carries the note

    staff.send("/queue")
    item = await staff.expect(ticket)
    staff.press("派给 周师傅", item)
    offer = await first.expect("新的服务请求 " + ticket)
    first.press("🙏 婉拒", offer)
    await first.expect("婉拒原因")
    reason = "下周出差，时间冲突"
    first.send(reason)
    await first.expect("已婉拒")
    await company.expect("暂时无法承接")  # told that the union looks further (the decline's notice names the ticket)

    company.send("/my")
    listed = await company.expect("我的需求")
    company.press(ticket, listed)
    detail = (await company.expect(ticket))["text"]
    assert "已转交省级服务队" in detail
    for private in (note, reason, "周师傅", "no answer", "reopened"):
        assert private not in detail, private

    # staff still see every note, as before
    d = await demand(bot)
    seen = await bot.services.demands.view(d.id, STAFF, is_staff=True)
    notes = " ".join(step.note or "" for step in seen.history)
    assert note in notes and reason in notes and "周师傅" in notes


async def no_account_craftsman(bot: BotHarness, name: str, phone: str | None, region: str = "330502") -> None:
    """An imported craftsman who has not linked a Telegram account."""
    async with bot.services.db.session() as session:
        session.add(
            Craftsman(
                user_id=None,
                name=name,
                workplace=f"{name}的工作单位",
                phone=phone,
                specialities=["铝型材挤压", "表面处理"],
                service_modes=["onsite"],
                region_code=region,
                capacity=3,
                search_text="铝型材挤压 表面处理",
                industries=[CraftsmanIndustry(division="32")],
            )
        )
    bot.services.matcher.invalidate()


async def test_offering_to_a_craftsman_without_telegram_says_call_them_or_pick_another(bot: BotHarness):
    staff = await staffer(bot)
    await no_account_craftsman(bot, "张师傅", "13912345678")
    await no_account_craftsman(bot, "李师傅", None)
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, "铝型材挤压后表面出现斑点缺陷，需要分析原因")
    await staff.expect("新需求 " + ticket)

    staff.send("/queue")
    item = await staff.expect(ticket)
    staff.press("📞 致电 张师傅", item)  # no 派给 for him: an offer could not reach him
    call = await staff.expect("张师傅")
    assert "请电话联系：13912345678" in call["text"]
    await staff.expect(ticket)  # the card, given his answer's buttons (✅ 已电话确认接单 / 🙅 电话婉拒)

    async with bot.services.db.session() as session:  # no button for him at all: an old 派给 pressed
        d = await session.scalar(select(Demand).where(Demand.ticket == ticket))
        li = await session.scalar(select(Craftsman.id).where(Craftsman.name == "李师傅"))
    staff.press_data(bot.signed(staff, OfferTo(d.id, li).data(), item), item)
    nobody = (await staff.expect("李师傅"))["text"]
    assert "请电话联系" not in nobody
    assert "无法联系" in nobody and "另选" in nobody


async def test_match_all_names_the_missing_account_instead_of_a_changed_status(bot: BotHarness):
    staff = await staffer(bot)
    await no_account_craftsman(bot, "李师傅", None)
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, "铝型材挤压后表面出现斑点缺陷，需要分析原因")

    staff.send("/match_all")
    plan = await staff.expect("批量匹配方案")
    assert "李师傅" in plan["text"]
    staff.press("✅ 全部派单", plan)
    report = (await staff.expect("已派单 0 条"))["text"]
    assert "期间状态已变化" not in report
    assert ticket in report and "李师傅" in report and "无法联系" in report


async def test_match_all_tells_staff_whom_to_phone(bot: BotHarness):
    staff = await staffer(bot)
    await no_account_craftsman(bot, "张师傅", "13912345678")
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, "铝型材挤压后表面出现斑点缺陷，需要分析原因")
    staff.send("/match_all")
    staff.press("✅ 全部派单", await staff.expect("批量匹配方案"))
    report = (await staff.expect("已派单 0 条"))["text"]
    assert "期间状态已变化" not in report
    assert ticket in report and "张师傅" in report and "13912345678" in report


async def test_staff_search_finds_craftsmen_by_name_and_by_team(bot: BotHarness):
    staff = await staffer(bot)
    await craftsman(bot, 961, "方师傅", "330502", ["注塑成型缺陷"], ["29"])
    async with bot.services.db.session() as session:
        team = ServiceTeam(name="吴兴区劳模工匠服务队", level=TeamLevel.COUNTY, region_code="330502")
        session.add(team)
        await session.flush()
        (await session.scalar(select(Craftsman).where(Craftsman.user_id == 961))).team_id = team.id
    bot.services.matcher.invalidate()
    company = await enterprise_user(bot, 38)
    ticket = await submit(company, "注塑件飞边毛刺多，模具合模不严")
    await staff.expect("新需求 " + ticket)

    staff.send("/queue")
    item = await staff.expect(ticket)
    for query in ("方师傅", "吴兴区劳模工匠服务队"):
        staff.press("🔍 搜索工匠", item)
        await staff.expect("姓名或专长关键词")
        staff.send(query)
        found = await staff.expect(("搜索结果", "没有找到"))
        assert "搜索结果" in found["text"] and "方师傅" in found["text"], query
