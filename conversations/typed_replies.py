"""Text typed outside any conversation that answers a question the bot is waiting on (stranger sfix P4), read before
the intent router (conversations/report/intake.py): never acted on from the text alone, but answered with the very
buttons that act, or — for a member's details right after asking staff — added where it belongs.

- A member's text right after pressing 向工会工作人员咨询 (their last act, the consultation unanswered, within
  services/typed_replies.py ADD_WINDOW) is added to that consultation, as 补充问题 would add it.
- A craftsman with offers waiting who says he takes one or cannot (nlp/replies.py): one offer — asked to confirm with
  ✅ 接受 / 🙏 婉拒 naming its ticket (the enterprise's contact comes only with the press); a decline keeps what he
  typed as the reason (🙏 婉拒 then declines with it, ✏️ asks for another); several — listed with their buttons.
- An enterprise with slots on offer that types a time: the one slot it names is offered to confirm with its button;
  none or several, the slot buttons again.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from buttons.booking import PickSlot
from buttons.casework import AcceptOffer, DeclineOffer, DeclineTyped
from conversations.common import press_of
from conversations.context import BotContext
from conversations.refusals import attempt
from conversations.union import add_button, just_asked
from db.models import MatchStatus, Role
from nlp.intent import is_union_service
from nlp.replies import OfferAnswer, offer_answer
from services.intake import sure_enough
from services.local_time import show
from services.results import Refused
from services.typed_replies import adds_to_question, names_a_time, slots_named

TYPED_DECLINE = "typed_decline"  # user_data: {"match": id, "reason": text} — the reason 🙏 婉拒 will send


async def answered(update: Update, context: BotContext) -> bool:
    """Answer ``update``'s text as the reply to what waits on the user, if it is one; False to read it as usual."""
    text = (update.effective_message.text or "").strip()
    if not text:
        return False
    if await _adds_to_question(update, context, text):
        return True
    if context.role not in (Role.CRAFTSMAN, Role.ENTERPRISE):
        return False
    analysis = context.services.analyzer.analyse(text)
    if is_union_service(analysis.intent) or sure_enough(analysis):  # a question or a problem of its own
        return False
    if context.role is Role.CRAFTSMAN:
        return await _offer_reply(update, context, text)
    return await _slot_reply(update, context, text)


async def _adds_to_question(update: Update, context: BotContext, text: str) -> bool:
    asked = context.just_asked
    if not asked:
        return False
    intent = context.services.analyzer.analyse(text).intent
    if not adds_to_question(text, intent, datetime.fromisoformat(asked["at"]), context.services.clock.now()):
        return False
    try:
        waiting = await context.services.consultations.may_follow_up(update.effective_user.id, asked["id"])
    except Refused:  # ended meanwhile (or erased): a question of its own
        return False
    if waiting.values["replied"]:
        return False
    following = context.services.consultations.follow_up(update.effective_user.id, asked["id"], text)
    if await attempt(update, context, following) is None:
        return True
    await update.effective_message.reply_text(
        context.t("typed.added", number=asked["id"]), reply_markup=add_button(asked["id"], context)
    )
    just_asked(context, asked["id"])  # more details typed next go there too
    return True


async def _offer_reply(update: Update, context: BotContext, text: str) -> bool:
    said = offer_answer(text)
    if said is None:
        return False
    try:
        cases = await context.services.follow_up.cases(update.effective_user.id)
    except Refused:  # no craftsman record (yet)
        return False
    offers = [case for case in cases if case.match_status is MatchStatus.OFFERED]
    if not offers:
        return False
    if len(offers) > 1:
        lines = [context.t("typed.offers", count=len(offers))]
        lines += [context.t("typed.offer_line", ticket=o.ticket, summary=o.text[:80]) for o in offers]
        rows = [_offer_buttons(context, o.match_id, o.ticket) for o in offers]
        await update.effective_message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))
        return True
    [offer] = offers
    if said is OfferAnswer.ACCEPT:
        await update.effective_message.reply_text(
            context.t("typed.offer_accept", ticket=offer.ticket, summary=offer.text[:120]),
            reply_markup=InlineKeyboardMarkup([_offer_buttons(context, offer.match_id, offer.ticket)]),
        )
        return True
    context.user_data[TYPED_DECLINE] = {"match": offer.match_id, "reason": text}
    rows = [
        [
            InlineKeyboardButton(
                context.label("case.decline_ticket", ticket=offer.ticket),
                callback_data=DeclineTyped(offer.match_id).data(),
            )
        ],
        [InlineKeyboardButton(context.label("typed.other_reason"), callback_data=DeclineOffer(offer.match_id).data())],
        [
            InlineKeyboardButton(
                context.label("case.accept_ticket", ticket=offer.ticket),
                callback_data=AcceptOffer(offer.match_id).data(),
            )
        ],
    ]
    await update.effective_message.reply_text(
        context.t("typed.offer_decline", ticket=offer.ticket, summary=offer.text[:120], reason=text),
        reply_markup=InlineKeyboardMarkup(rows),
    )
    return True


def _offer_buttons(context: BotContext, match_id: int, ticket: str) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(
            context.label("case.accept_ticket", ticket=ticket), callback_data=AcceptOffer(match_id).data()
        ),
        InlineKeyboardButton(
            context.label("case.decline_ticket", ticket=ticket), callback_data=DeclineOffer(match_id).data()
        ),
    ]


async def decline_typed(update: Update, context: BotContext) -> None:
    """``DeclineTyped``: decline with the reason he typed, when it is still the one kept for that offer."""
    press = await press_of(update, context, DeclineTyped)
    if press is None:
        return
    kept = context.user_data.get(TYPED_DECLINE) or {}
    if kept.get("match") != press.match_id or not kept.get("reason"):
        await update.callback_query.answer(context.t("button.stale"), show_alert=True)
        return
    declining = context.services.casework.decline(update.effective_user.id, press.match_id, kept["reason"])
    if await attempt(update, context, declining) is None:
        return
    context.user_data.pop(TYPED_DECLINE, None)
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    await update.effective_chat.send_message(context.t("case.declined_done"))


async def _slot_reply(update: Update, context: BotContext, text: str) -> bool:
    services = context.services
    tz, now = services.settings.tz, services.clock.now()
    if not names_a_time(text, tz, now):
        return False
    slots = await services.demands.slots_on_offer(update.effective_user.id)
    if not slots:
        return False
    named = slots_named(text, slots, tz, now)
    shown = named if len(named) == 1 else slots
    key = "typed.slot_one" if len(named) == 1 else "typed.slot_choose"
    rows = [
        [InlineKeyboardButton(context.label("booking.slot", at=show(at, tz)), callback_data=PickSlot(i).data())]
        for i, at in shown
    ]
    at = show(named[0][1], tz) if len(named) == 1 else ""
    await update.effective_message.reply_text(context.t(key, at=at), reply_markup=InlineKeyboardMarkup(rows))
    return True


def handlers() -> list:
    return [CallbackQueryHandler(decline_typed, pattern=DeclineTyped.pattern())]
