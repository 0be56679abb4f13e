"""The security review, as tests: signed callback data, role checks on every staff button, personal data only for
those who may see it, per-user flood limits, and /privacy and /delete_me (erasure that keeps the statistics)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select, update

from db.models import (
    AuditEntry,
    BotState,
    Craftsman,
    Demand,
    DemandAttachment,
    Enterprise,
    Feedback,
    Role,
    Subscription,
    User,
)
from services.demo import load_demo_data
from services.periods import YEAR, this
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_service_flow import PHONE, craftsman, submit


async def refused(bot: BotHarness, user_id: int) -> list[str]:
    async with bot.services.db.session() as session:
        return list(
            (
                await session.scalars(
                    select(AuditEntry.action)
                    .where(AuditEntry.actor_user_id == user_id, AuditEntry.allowed.is_(False))
                    .order_by(AuditEntry.id)
                )
            ).all()
        )


def in_own_chat(bot: BotHarness, user_id: int) -> dict:
    """A message of the bot's in the user's own chat, to press a button on."""
    return {"message_id": 1, "date": 0, "chat": {"id": user_id, "type": "private"}, "from": bot.api.bot_user}


async def test_unsigned_and_foreign_callback_data_never_reach_a_handler(bot: BotHarness):
    user = await worker(bot, 301, "330502", "甲")
    other = await worker(bot, 302, "330502", "乙")
    other.send("/delete_me")
    confirm = await other.expect("确定要删除")
    [erase] = [b["callback_data"] for b in other.buttons(confirm) if "确认删除" in b["text"]]
    assert erase.startswith("pv:erase:yes~"), "every button the bot sends is signed"

    for data in (
        "pv:erase:yes",  # made up: no signature
        erase,  # copied from another user's chat
        "pv:erase:yes~AAAAAA",  # a guessed signature
        "x" * 64,
    ):  # garbage
        answer = await user.answer_to(user.press_data(data, in_own_chat(bot, user.id)))
        assert "按钮已失效" in answer["text"]
    await bot.wait_handled()
    assert await bot.services.users.get(301) is not None, "the forged presses erased nothing"
    assert (await refused(bot, 301)).count("button.forged") == 4

    other.press("确认删除", confirm)  # the real button, in its own chat, works
    await other.expect("个人信息已删除")
    assert await bot.services.users.get(302) is None


STAFF_BUTTONS = [
    "rv:ok:{craftsman}",
    "rv:no:{craftsman}",
    "qu:e:{demand}",
    "qu:f:{demand}",
    "qu:ok:{demand}:{craftsman}",
    "qu:v:{demand}",
    "ma:ok",
    "dm:view:{demand}",
    "bc:send",
    "bc:csv:1",
    "cp:m:{competition}:0",
    "cp:x:{competition}",
    "cp:xx:{competition}",
    "cp:e:{competition}:start",
    "cs:m:{course}:0",
    "cs:x:{course}",
    "cs:xx:{course}",
    "cs:xs:{course}:{session}",
    "cs:mv:{session}",
]


async def test_every_staff_button_is_refused_to_non_staff_even_when_validly_signed(bot: BotHarness):
    """A worker and a craftsman press every staff button with data the bot itself signed for their chat (as if it
    had been sent to them): each is refused by the server's role check (or as stale), and nothing changes."""
    await load_demo_data(bot.services.db, bot.services.clock, bot.services.settings.tz)
    company = bot.user(401)
    await bot.services.users.register(401, "王工")
    await bot.services.users.set_role(401, Role.ENTERPRISE)
    await bot.services.users.set_region(401, "330502")
    await submit(company, "注塑件表面有缩痕，模具温度不稳定")
    someone = await worker(bot, 402, "330502", "职工")
    master = await craftsman(bot, 403, "未指派的师傅", "330502", ["注塑"], ["29"])
    async with bot.services.db.session() as session:
        ids = {
            "demand": await session.scalar(select(func.max(Demand.id))),
            "craftsman": await session.scalar(select(func.min(Craftsman.id))),
            "competition": 1,
            "course": 1,
            "session": 1,
        }
        before = (
            await session.scalar(select(Demand.status).where(Demand.id == ids["demand"])),
            await session.scalar(select(func.count()).select_from(Craftsman).where(Craftsman.status == "approved")),
        )
    for user in (someone, master):
        for template in STAFF_BUTTONS:
            data = template.format(**ids)
            answer = await user.answer_to(user.press_data(bot.signed(user, data), in_own_chat(bot, user.id)))
            text = answer.get("text") or ""
            assert "只有" in text or "已失效" in text, (user.id, data, text)
            assert PHONE not in text
        assert not any(PHONE in t for t in user.texts()), "the enterprise's phone reached someone not assigned"
    await bot.wait_handled()
    async with bot.services.db.session() as session:
        after = (
            await session.scalar(select(Demand.status).where(Demand.id == ids["demand"])),
            await session.scalar(select(func.count()).select_from(Craftsman).where(Craftsman.status == "approved")),
        )
    assert after == before
    assert await refused(bot, 402) and await refused(bot, 403), "the refusals are in the audit log"


async def test_staff_see_contacts_and_the_flood_guard_limits_each_user_alone(db_url: str):
    async with BotHarness(db_url, flood_max_updates=5, flood_window_seconds=60) as bot:
        noisy = await worker(bot, 501, "330502", "吵")
        quiet = await worker(bot, 502, "330502", "静")
        for _ in range(8):
            noisy.send("/help")
        await bot.wait_handled()
        assert sum("太快" in t or "慢一点" in t for t in noisy.texts()) == 1, "warned once"
        assert sum("我能为您做什么" in t for t in noisy.texts()) == 5
        quiet.send("/help")
        await quiet.expect("我能为您做什么")  # someone else's flood does not hold this user up


async def test_privacy_shows_what_is_stored_and_delete_me_erases_it_but_keeps_the_figures(bot: BotHarness):
    company = bot.user(601, first_name="王<工>", username="wanggong")
    await bot.services.users.register(601, "王<工>", username="wanggong")
    await bot.services.users.set_role(601, Role.ENTERPRISE)
    await bot.services.users.set_region(601, "330502")
    ticket = await submit(company, "数控机床主轴异响，加工精度下降")
    now = bot.services.clock.now()
    async with bot.services.db.session() as session:
        demand = await session.scalar(select(Demand).where(Demand.ticket == ticket))
        await session.execute(
            update(Demand)
            .where(Demand.id == demand.id)
            .values(status="resolved", resolved_at=now, workers_trained=12, economic_benefit=Decimal("50000"))
        )
        session.add(DemandAttachment(demand_id=demand.id, file_id="photo-1", kind="photo", caption="主轴"))
        session.add(
            Feedback(
                demand_id=demand.id, from_user_id=601, from_role="enterprise", stars=5, comment="很好，电话13800138000"
            )
        )
    staff = await staffer(bot)
    period = this(YEAR, date.today())  # noqa: DTZ011 - the bot's clock is the real one in this test
    figures_before, *_ = await bot.services.statistics.figures(period, None, breakdowns=True)

    company.send("/privacy")
    shown = await company.expect("我们存储的您的信息")
    assert "王&lt;工&gt;" not in shown["text"] and "王<工>" in shown["text"] and "@wanggong" in shown["text"]
    assert PHONE in shown["text"] and "提交的需求：1 条" in shown["text"] and "评价：1 条" in shown["text"]

    company.send("/delete_me")
    confirm = await company.expect("确定要删除")
    company.press("取消", confirm)
    await company.expect("已取消")
    assert await bot.services.users.get(601) is not None
    company.send("/delete_me")
    confirm = await company.expect("确定要删除")
    company.press("确认删除", confirm)
    await company.expect("个人信息已删除（1 条需求")
    await bot.wait_handled()

    async with bot.services.db.session() as session:
        assert await session.get(User, 601) is None
        kept = await session.scalar(select(Demand).where(Demand.ticket == ticket))
        assert kept.text == "" and kept.contact_phone is None and kept.contact_name is None and kept.user_id is None
        assert kept.workers_trained == 12 and kept.industry is not None and kept.region_code == "330502"
        assert not (await session.scalars(select(DemandAttachment).where(DemandAttachment.demand_id == kept.id))).all()
        rating = await session.scalar(select(Feedback).where(Feedback.demand_id == kept.id))
        assert rating.stars == 5 and rating.comment is None and rating.from_user_id is None
        enterprise = await session.get(Enterprise, kept.enterprise_id)
        assert enterprise.phone is None and enterprise.contact_name is None and enterprise.owner_user_id is None
        assert not (await session.scalars(select(Subscription).where(Subscription.user_id == 601))).all()
        states = (await session.execute(select(BotState.namespace, BotState.key))).all()
        assert not [s for s in states if "601" in s.key], states
        assert "privacy.erased" in (await session.scalars(select(AuditEntry.action))).all()
    figures_after, *_ = await bot.services.statistics.figures(period, None, breakdowns=True)
    assert figures_after == figures_before, "the programme's figures do not change"

    second = company.press("确认删除", confirm)  # a second press of the old button
    assert "没有存储" in (await company.answer_to(second))["text"]
    company.send("/privacy")
    await company.expect("我们没有存储您的任何个人信息")
    staff.send("/stats")
    await staff.expect("解决难题：1 个")  # the erased enterprise still counts


async def test_a_craftsman_who_erases_keeps_their_service_record_anonymously(bot: BotHarness):
    master = await craftsman(bot, 701, "李师傅", "330502", ["数控机床维修"], ["34"])
    async with bot.services.db.session() as session:
        row = await session.scalar(select(Craftsman).where(Craftsman.user_id == 701))
        row.rating_sum, row.rating_count = 9, 2
        craftsman_id = row.id
    master.send("/delete_me")
    master.press("确认删除", await master.expect("确定要删除"))
    await master.expect("个人信息已删除")
    async with bot.services.db.session() as session:
        row = await session.get(Craftsman, craftsman_id)
        assert row.user_id is None and row.phone is None and "李" not in row.name and row.workplace == ""
        assert (row.rating_sum, row.rating_count, row.region_code) == (9, 2, "330502") and not row.active


async def test_delete_me_confirmed_after_a_restart_and_with_a_sticker_in_between(bot: BotHarness):
    person = await worker(bot, 602, "320505", "赵<师傅>")
    person.send("/delete_me")
    confirm = await person.expect("确定要删除")
    person.send_sticker()  # not what the step asks for: nothing is erased, the question stays
    await bot.wait_handled()
    assert await bot.services.users.get(602) is not None
    await bot.restart()  # the confirmation outlives a restart
    person.press("确认删除", person.current(confirm["message_id"]))
    await person.expect("个人信息已删除")
    assert await bot.services.users.get(602) is None
