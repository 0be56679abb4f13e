"""/review — the staff queue of /join applications: approve, or reject with a reason the applicant is told.

The role is checked on the server at every press (``Talent.decide``); a button in a forwarded or old message
proves nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.talent import ApproveCraftsman, RejectCraftsman
from conversations import resume
from conversations.common import cancel_flow_of, edit_message, expect_text, press_of, reject_too_long, staff_press
from conversations.context import BotContext
from conversations.refusals import REVIEW, answer_refusal, staff_gate
from conversations.talent_views import card_of
from services.results import Refused

REASON = "review.reason"
MAX_REASON = 500


def _buttons(craftsman_id: int, context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(context.t("review.approve"), callback_data=ApproveCraftsman(craftsman_id).data()),
                InlineKeyboardButton(context.t("review.reject"), callback_data=RejectCraftsman(craftsman_id).data()),
            ]
        ]
    )


async def review_command(update: Update, context: BotContext) -> None:
    if not await staff_gate(update, context, "review.list"):
        return
    pending = await context.services.talent.pending(update.effective_user.id)
    if not pending:
        await update.effective_message.reply_text(context.t("review.empty"))
        return
    await update.effective_message.reply_text(context.t("review.count", count=len(pending)))
    for card in pending[:10]:
        await update.effective_chat.send_message(card_of(card, context), reply_markup=_buttons(card.id, context))


async def approve(update: Update, context: BotContext) -> None:
    press = await press_of(update, context, ApproveCraftsman)
    if press is None:
        return
    await _decide(update, context, press.craftsman_id, True, "review.approved")


async def _decide(
    update: Update, context: BotContext, craftsman_id: int, approve: bool, done_key: str, reason: str = ""
) -> None:
    """Ask the service to decide; say what was done, or translate its refusal (NOT_STAFF already audited)."""
    query = update.callback_query
    try:
        card = await context.services.talent.decide(
            craftsman_id, update.effective_user.id, context.role, approve, reason or None
        )
    except Refused as exc:
        await answer_refusal(update, context, exc, REVIEW)
        return
    text = context.t(done_key, name=card.name, reason=reason)
    if query is not None:
        await query.answer(text, show_alert=False)
        await edit_message(update, query.message.text_html + "\n\n" + text)
    else:
        await update.effective_message.reply_text(text)


async def reject_start(update: Update, context: BotContext) -> str | int | None:
    press = await staff_press(
        update, context, RejectCraftsman, action="craftsman.review", target="craftsman", answer=False
    )
    if press is None:
        return ConversationHandler.END
    try:  # a staffer of another region is refused at the press, before a reason is asked for
        await context.services.talent.require_reviewer(press.craftsman_id, update.effective_user.id, context.role)
    except Refused as exc:
        await answer_refusal(update, context, exc, REVIEW)
        return ConversationHandler.END
    await update.callback_query.answer()
    context.user_data["review"] = {"id": press.craftsman_id}
    return await _ask_reason(update, context)


async def _ask_reason(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(context.t("review.ask_reason"))
    return REASON


async def reject_reason(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_REASON):
        return REASON
    craftsman_id = (context.user_data.pop("review", None) or {}).get("id")
    if craftsman_id is None:
        return ConversationHandler.END
    await _decide(update, context, craftsman_id, False, "review.rejected", text)
    return ConversationHandler.END


# after a restart the step asks its question again (conversations/resume.py)
resume.register({REASON: _ask_reason})


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(reject_start, pattern=RejectCraftsman.pattern())],
        states={
            REASON: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, reject_reason),
                MessageHandler(~filters.COMMAND, expect_text),
            ]
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("review"))],
        name="review",
        persistent=True,
    )


def handlers() -> list:
    return [CommandHandler("review", review_command), CallbackQueryHandler(approve, pattern=ApproveCraftsman.pattern())]
