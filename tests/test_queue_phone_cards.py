"""A queue card stays true after a phone answer (hostile tester, cards item 1): once an answer is recorded the card
pressed shows the demand's new state (taken: who has it and no call/offer buttons left; declined: that craftsman's
buttons gone), and 📞 致电 for a demand already taken, or for a craftsman who already declined it, is refused in words
without giving the phone (audited); an older card of the same demand drops the declined craftsman's buttons when
another candidate's answer buttons are put on it."""

from __future__ import annotations

from sqlalchemy import select

from buttons.queue import CallCraftsman
from db.models import AuditEntry
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_queue_phone import AGREED, DECLINED, PHONE, called, owned_demand
from tests.test_queue_scope import staff
from tests.test_queue_views import pool_member

OTHER = "+8613900020007"


def labels(message: dict) -> list[str]:
    return [b["text"] for b in FakeUser.buttons(message)]


async def refusals(bot: BotHarness) -> list[dict]:
    async with bot.services.db.session() as session:
        return list(
            (
                await session.scalars(
                    select(AuditEntry.details).where(AuditEntry.action == "queue.call", AuditEntry.allowed.is_(False))
                )
            ).all()
        )


async def test_an_agreement_turns_the_card_taken_and_refuses_further_calls(bot: BotHarness):
    staffer = await staff(bot, 631, "330502")
    await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone=PHONE)
    other = await pool_member(bot, "沈美琴", ["铝型材挤压"], "32", phone=OTHER)
    demand_id, ticket = await owned_demand(bot)
    card = await called(staffer, ticket)
    staffer.press(AGREED, card)
    await staffer.expect("已记录")

    def redrawn() -> dict | None:
        now = staffer.current(card["message_id"])
        return now if "已提交" not in now["text"] else None

    now = await staffer.wait_until(redrawn)
    assert "梁丽娟" in now["text"] and "已接单" in now["text"]
    assert not [t for t in labels(now) if "致电" in t or "派给" in t or "电话" in t]

    # an old 📞 致电 for another candidate: refused in words, no phone given
    answer = await staffer.answer_to(
        staffer.press_data(bot.signed(staffer, CallCraftsman(demand_id, other).data()), now)
    )
    assert "已有劳模工匠承接" in (answer.get("text") or "")
    await bot.wait_handled()
    assert not any(OTHER in text for text in staffer.texts())
    assert {"reason": "taken"} in await refusals(bot)


async def test_a_decline_drops_his_buttons_and_a_call_to_him_is_refused(bot: BotHarness):
    staffer = await staff(bot, 631, "330502")
    await pool_member(bot, "梁丽娟", ["铝型材挤压"], "32", phone=PHONE)
    await pool_member(bot, "沈美琴", ["铝型材挤压"], "32", phone=OTHER)
    _, ticket = await owned_demand(bot)
    staffer.send("/queue")
    older = await staffer.expect(ticket)
    card = await called(staffer, ticket)
    staffer.press(DECLINED, card)
    await staffer.expect("电话中婉拒")

    def redrawn() -> dict | None:
        now = staffer.current(card["message_id"])
        return now if not [t for t in labels(now) if "梁丽娟" in t] else None

    now = await staffer.wait_until(redrawn)
    assert [t for t in labels(now) if "沈美琴" in t]

    # the older card: 📞 致电 梁丽娟 is refused in words; 📞 致电 沈美琴 adds hers and drops his
    answer = await staffer.answer_to(staffer.press("📞 致电 梁丽娟", older))
    assert "婉拒过" in (answer.get("text") or "")
    assert {"reason": "declined"} in await refusals(bot)
    staffer.press("📞 致电 沈美琴", older)
    await staffer.expect(OTHER)

    def hers() -> dict | None:
        now = staffer.current(older["message_id"])
        return now if "✅ 已电话确认接单（沈美琴）" in labels(now) else None

    now = await staffer.wait_until(hers)
    assert not [t for t in labels(now) if "梁丽娟" in t]
