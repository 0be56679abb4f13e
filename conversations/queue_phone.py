"""Staff record what a candidate without Telegram said on the phone (services/phone_offers.py): once 📞 致电 gave his
phone, the same card has ✅ 已电话确认接单 and 🙅 电话婉拒 for him, under his button.

The role and the region are checked by the service on every press; the callback data only names the pairing."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buttons.queue import CallCraftsman, PhoneAnswer, PhoneOutcome
from conversations.common import press_of
from conversations.context import BotContext
from conversations.refusals import attempt


def with_answers(
    markup: InlineKeyboardMarkup, pressed: CallCraftsman, name: str, context: BotContext
) -> InlineKeyboardMarkup | None:
    """``markup`` with the two answer buttons in the row under the 📞 致电 pressed (None when they are on it)."""
    agreed, declined = (PhoneOutcome(pressed.demand_id, pressed.craftsman_id, answer).data() for answer in PhoneAnswer)
    rows = [list(row) for row in markup.inline_keyboard]
    if any(button.callback_data == agreed for row in rows for button in row):
        return None
    call = pressed.data()
    at = next((i for i, row in enumerate(rows) if any(b.callback_data == call for b in row)), len(rows) - 1)
    rows.insert(
        at + 1,
        [
            InlineKeyboardButton(context.label("queue.phone_agreed", name=name), callback_data=agreed),
            InlineKeyboardButton(context.label("queue.phone_declined", name=name), callback_data=declined),
        ],
    )
    return InlineKeyboardMarkup(rows)


async def offer_answers(update: Update, context: BotContext, pressed: CallCraftsman, name: str) -> None:
    """After 📞 致电: put the answer buttons on the card pressed."""
    message = update.callback_query.message
    markup = getattr(message, "reply_markup", None)
    if markup is None:
        return
    changed = with_answers(markup, pressed, name, context)
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
        return
    if not agreed:  # staff are alerted with the next candidate (services/phone_offers.py): a toast is enough here
        await query.answer(context.t("queue.phone_declined_recorded", **result.values))
        return
    await query.answer()
    await update.effective_chat.send_message(context.t("queue.phone_agreed_recorded", **result.values))
