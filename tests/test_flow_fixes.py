"""Four flows a review found wrong, through the real Application on the fake Bot API, on both databases: a visit
that took place is DONE (never cancelled as a reschedule) when the next one is booked; an old 跳过 of 其他原因 after
/cancel withdraws nothing; an old /grant confirmation cannot apply a later /revoke, and a revocation whose shown
change no longer holds is refused as expired; a withdrawal tells a craftsman nothing of an offer he never got."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import (
    Appointment,
    AppointmentStatus,
    Craftsman,
    CraftsmanStatus,
    Demand,
    DemandStatus,
    Notification,
    OutboxStatus,
    Role,
)
from fakebotapi import FakeUser
from i18n import t
from tests.harness import BotHarness
from tests.test_casework_visits import VISIT, booked_case
from tests.test_events_e2e import worker
from tests.test_report import enterprise_user
from tests.test_service_flow import submit
from tests.test_staff_grant import ADMIN, PERSON, STALE
from tests.test_withdrawal import TEXT, other_reason_asked, queued


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


async def test_an_old_skip_after_cancel_withdraws_nothing_and_cancel_takes_the_button_away(bot: BotHarness):
    company = await enterprise_user(bot, 31)
    ticket = await submit(company, TEXT)
    asked = await other_reason_asked(company, ticket)
    skip = next(b for b in company.buttons(asked) if "跳过" in b["text"])["callback_data"]
    company.send("/cancel")
    await company.expect("已退出当前操作")
    await bot.wait_handled()
    assert company.buttons(company.current(asked["message_id"])) == [], "/cancel takes 跳过 away"

    answer = await company.answer_to(company.press_data(skip, asked))  # the button as an older client still shows it
    assert answer["text"] == STALE and answer["show_alert"]
    async with bot.services.db.session() as session:
        assert await session.scalar(select(Demand.status).where(Demand.ticket == ticket)) is DemandStatus.SUBMITTED
    # asked again, 跳过 still withdraws
    bot.clock.advance(120)  # past the flood guard's window
    company.press("跳过", await other_reason_asked(company, ticket))
    await company.expect(f"已撤回 {ticket}")


async def admin_and_worker(bot: BotHarness) -> FakeUser:
    """The admin (ADMIN) and a worker 小李 (PERSON) to grant or revoke: the admin's chat."""
    await bot.services.users.register(ADMIN, "管理员")
    await worker(bot, PERSON, "330502", "小李")
    return bot.user(ADMIN, "管理员")


async def test_an_old_grant_confirmation_cannot_apply_a_later_revoke(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        admin = await admin_and_worker(bot)
        admin.send(f"/grant {PERSON}")
        granting = await admin.expect("确认修改身份")
        admin.press("确认", granting)
        await admin.expect("已将 小李 设为工会工作人员")

        admin.send(f"/revoke {PERSON}")
        revoking = await admin.expect("确认修改身份")
        old = next(b for b in admin.buttons(granting) if "确认" in b["text"])["callback_data"]
        answer = await admin.answer_to(admin.press_data(old, granting))  # the /grant confirmation, pressed again
        assert answer["text"] == STALE and answer["show_alert"]
        assert (await bot.services.users.get(PERSON)).role is Role.STAFF
        admin.press("确认", revoking)  # the revocation shown still applies
        await admin.expect("已取消 小李 的工会工作人员身份")
        assert (await bot.services.users.get(PERSON)).role is Role.WORKER


async def test_a_revoke_whose_shown_role_changed_is_refused_as_expired(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        admin = await admin_and_worker(bot)
        await bot.services.users.set_staff(PERSON, True, by=ADMIN)
        admin.send(f"/revoke {PERSON}")
        ask = await admin.expect("确认修改身份")
        assert "工会工作人员 → 职工" in ask["text"]
        async with bot.services.db.session() as session:  # meanwhile his craftsman application was approved
            approved = {"status": CraftsmanStatus.APPROVED, "specialities": ["钳工"], "region_code": "330502"}
            session.add(Craftsman(user_id=PERSON, name="小李", workplace="某机械厂", phone="13900000001", **approved))
        answer = await admin.answer_to(admin.press("确认", ask))
        assert answer["text"] == STALE and answer["show_alert"]
        assert (await bot.services.users.get(PERSON)).role is Role.STAFF
        admin.send(f"/revoke {PERSON}")
        ask = await admin.expect("确认修改身份")
        assert "工会工作人员 → 劳模工匠" in ask["text"]
        admin.press("确认", ask)
        await admin.expect("已取消 小李 的工会工作人员身份")
        assert (await bot.services.users.get(PERSON)).role is Role.CRAFTSMAN


async def test_withdrawing_before_the_offer_reached_the_craftsman_tells_him_nothing(bot: BotHarness):
    staff, master, company, ticket, item = await queued(bot)
    bot.api.inject("sendMessage", 502, "Bad Gateway", chat_id=501)  # the offer waits for a retry
    staff.press("派给 周师傅", item)
    await staff.expect("已派给 周师傅")
    await bot.wait_handled()
    await bot.application.sender.idle()

    company.send("/my")
    company.press(ticket, await company.expect("我的需求"))
    company.press("撤回", await company.expect(ticket))
    company.press(t("my.reason.not_needed", "zh-hans"), await company.expect("为什么要撤回"))
    await company.expect(f"已撤回 {ticket}")
    await bot.wait_handled()
    bot.clock.advance(hours=1)  # past any retry
    await bot.tick()
    assert not any(ticket in text for text in master.texts()), master.texts()
    async with bot.services.db.session() as session:
        offers = (
            await session.scalars(select(Notification.status).where(Notification.dedupe_key.like("match:%:offer:%")))
        ).all()
    assert list(offers) == [OutboxStatus.WITHDRAWN]
