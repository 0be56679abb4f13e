"""Staff record what a candidate without Telegram said on the phone (services/phone_offers.py): once 📞 致电 gave his
phone, the same card has ✅ 已电话确认接单 and 🙅 电话婉拒 for him, under his button.

The role and the region are checked by the service on every press; the callback data only names the pairing."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from buttons import parse_any
from buttons.queue import CallCraftsman, FindCraftsman, OfferTo, PhoneAnswer, PhoneOutcome
from conversations.casework_views import acting_for_rows, taken_view
from conversations.common import edit_message, press_of
from conversations.context import BotContext
from conversations.refusals import attempt
from services.results import Refused


def without(
    rows: list[list[InlineKeyboardButton]], craftsmen: frozenset[int] | None, demand_id: int | None = None
) -> list[list[InlineKeyboardButton]]:
    """``rows`` less every button about one of ``craftsmen`` (派给, 📞 致电, his answers; None: anyone) for demand
    ``demand_id`` (None: any), empty rows dropped."""

    def about(button: InlineKeyboardButton) -> bool:
        press = parse_any(button.callback_data, OfferTo, CallCraftsman, PhoneOutcome)
        return (
            isinstance(press, OfferTo | CallCraftsman | PhoneOutcome)
            and (craftsmen is None or press.craftsman_id in craftsmen)
            and demand_id in (None, press.demand_id)
        )

    kept = ([b for b in row if not about(b)] for row in rows)
    return [row for row in kept if row]


def with_answers(
    markup: InlineKeyboardMarkup, pressed: CallCraftsman, name: str, context: BotContext, gone: frozenset[int]
) -> InlineKeyboardMarkup | None:
    """``markup`` with the two answer buttons in the row under the 📞 致电 pressed, less the buttons of the craftsmen
    who declined (``gone``; an older card of the demand); None when nothing changes."""
    agreed = PhoneOutcome(pressed.demand_id, pressed.craftsman_id, PhoneAnswer.AGREED).data()
    before = [list(row) for row in markup.inline_keyboard]
    rows = without(before, gone)
    if any(button.callback_data == agreed for row in rows for button in row):
        return None if rows == before else InlineKeyboardMarkup(rows)
    call = pressed.data()
    at = next((i for i, row in enumerate(rows) if any(b.callback_data == call for b in row)), len(rows) - 1)
    rows.insert(at + 1, answer_row(pressed, name, context))
    return InlineKeyboardMarkup(rows)


def answer_row(
    pressed: CallCraftsman, name: str, context: BotContext, ticket: str | None = None
) -> list[InlineKeyboardButton]:
    """✅ 已电话确认接单 and 🙅 电话婉拒 for the craftsman ``pressed`` names (``name``); with the demand's ``ticket``
    where one message lists several demands (/match_all's result: one craftsman may be picked for two)."""
    agreed, declined = (PhoneOutcome(pressed.demand_id, pressed.craftsman_id, answer).data() for answer in PhoneAnswer)
    suffix, values = ("_ticket", {"ticket": ticket}) if ticket else ("", {})
    return [
        InlineKeyboardButton(context.label(f"queue.phone_agreed{suffix}", name=name, **values), callback_data=agreed),
        InlineKeyboardButton(
            context.label(f"queue.phone_declined{suffix}", name=name, **values), callback_data=declined
        ),
    ]


async def offer_answers(
    update: Update, context: BotContext, pressed: CallCraftsman, name: str, gone: frozenset[int]
) -> None:
    """After 📞 致电: put the answer buttons on the card pressed (and take off those of who declined, ``gone``)."""
    message = update.callback_query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    changed = with_answers(markup, pressed, name, context, gone)
    if changed is not None:
        await update.callback_query.edit_message_reply_markup(changed)


async def record_answer(update: Update, context: BotContext) -> None:
    """``PhoneOutcome``: record his answer; said once (a second press only says it is recorded)."""
    query = update.callback_query
    press = await press_of(update, context, PhoneOutcome)
    if press is None:
        return
    agreed = press.answer is PhoneAnswer.AGREED
    result = await attempt(
        update,
        context,
        context.services.casework.phone_answer(
            update.effective_user.id, context.role, press.demand_id, press.craftsman_id, agreed
        ),
    )
    if result is None:
        return
    if result.values.get("again"):
        await query.answer(context.t("queue.phone_recorded_again", **result.values), show_alert=True)
    elif not agreed:  # staff are alerted with the next candidate (services/phone_offers.py): a toast is enough here
        await query.answer(context.t("queue.phone_declined_recorded", **result.values))
    else:
        await query.answer()
        await update.effective_chat.send_message(context.t("queue.phone_agreed_recorded", **result.values))
    await redraw(update, context, press, result.values["name"], result.match_id)


async def redraw(update: Update, context: BotContext, press: PhoneOutcome, name: str, match_id: int | None) -> None:
    """The card pressed in the demand's new state: taken (who has it, and the buttons to act for him on his case:
    conversations/casework_views.acting_for_rows), or without his buttons."""
    markup = getattr(update.callback_query.message, "reply_markup", None)
    rows = [list(row) for row in markup.inline_keyboard] if markup is not None else []
    card = FindCraftsman(press.demand_id).data() in (b.callback_data for row in rows for b in row)
    if press.answer is PhoneAnswer.DECLINED or not card:  # /match_all's result lists several demands: only this one's
        gone = frozenset({press.craftsman_id}) if press.answer is PhoneAnswer.DECLINED else None
        kept = without(rows, gone, press.demand_id)
        with contextlib.suppress(BadRequest):  # "message is not modified": an older copy without them
            await update.callback_query.edit_message_reply_markup(InlineKeyboardMarkup(kept) if kept else None)
        return
    try:
        item = await context.services.casework.queue_item(update.effective_user.id, context.role, press.demand_id, k=0)
    except Refused:  # the staffer's region changed in between: the answer is recorded, the card stays
        return
    rows = acting_for_rows(match_id, name, context) if match_id is not None else []
    await edit_message(update, taken_view(item, name, context), InlineKeyboardMarkup(rows) if rows else None)
