"""/review — the staff queue of /join applications: approve, or reject with a reason the applicant is told.

The role is checked on the server at every press (``Talent.review``); a button in a forwarded or old message
proves nothing.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations import resume
from conversations.common import (
    cancel_flow_of,
    edit_message,
    expect_text,
    refuse_non_staff,
    reject_too_long,
    tell_staff_only,
)
from conversations.context import BotContext
from conversations.talent_views import card_of
from services.talent import ReviewOutcome

PREFIX = "rv"
REASON = "review.reason"
MAX_REASON = 500


def _buttons(craftsman_id: int, context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(context.t("review.approve"), callback_data=f"{PREFIX}:ok:{craftsman_id}"),
                                  InlineKeyboardButton(context.t("review.reject"), callback_data=f"{PREFIX}:no:{craftsman_id}")]])


async def review_command(update: Update, context: BotContext) -> None:
    if not context.is_staff:
        await refuse_non_staff(update, context, "review.list")
        return
    pending = await context.services.talent.pending()
    if not pending:
        await update.effective_message.reply_text(context.t("review.empty"))
        return
    await update.effective_message.reply_text(context.t("review.count", count=len(pending)))
    for card in pending[:10]:
        await update.effective_chat.send_message(card_of(card, context), reply_markup=_buttons(card.id, context))


async def approve(update: Update, context: BotContext) -> None:
    query = update.callback_query
    craftsman_id = (query.data or "").removeprefix(f"{PREFIX}:ok:")
    if not craftsman_id.isdigit():
        await query.answer(context.t("button.stale"), show_alert=True)
        return
    outcome, card = await context.services.talent.review(int(craftsman_id), update.effective_user.id, context.role,
                                                         approve=True)
    await _answer(update, context, outcome, card, "review.approved")


async def _answer(update: Update, context: BotContext, outcome: ReviewOutcome, card, done_key: str, reason: str = "") -> None:
    query = update.callback_query
    if outcome is ReviewOutcome.NOT_STAFF:  # the service has logged the refusal
        await tell_staff_only(update, context)
        return
    if outcome is ReviewOutcome.NOT_FOUND:
        text = context.t("button.stale")
    elif outcome is ReviewOutcome.ALREADY:
        text = context.t("review.already", status=context.t(f"review.status.{card.status.value}"))
    else:
        text = context.t(done_key, name=card.name, reason=reason)
    if query is not None:
        await query.answer(text, show_alert=outcome is not ReviewOutcome.DONE)
        if outcome is ReviewOutcome.DONE:
            await edit_message(update, query.message.text_html + "\n\n" + text)
    else:
        await update.effective_message.reply_text(text)


async def reject_start(update: Update, context: BotContext) -> str | int | None:
    query = update.callback_query
    craftsman_id = (query.data or "").removeprefix(f"{PREFIX}:no:")
    if not context.is_staff:
        await refuse_non_staff(update, context, "craftsman.review")
        return ConversationHandler.END
    if not craftsman_id.isdigit():
        await query.answer(context.t("button.stale"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data["review"] = {"id": int(craftsman_id)}
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
    outcome, card = await context.services.talent.review(craftsman_id, update.effective_user.id, context.role,
                                                         approve=False, note=text)
    await _answer(update, context, outcome, card, "review.rejected", text)
    return ConversationHandler.END


# after a restart the step asks its question again (conversations/resume.py)
resume.register({REASON: _ask_reason})


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(reject_start, pattern=rf"^{PREFIX}:no:")],
        states={REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, reject_reason),
                         MessageHandler(~filters.COMMAND, expect_text)]},
        fallbacks=[CommandHandler("cancel", cancel_flow_of("review"))],
        name="review",
        persistent=True,
    )


def handlers() -> list:
    return [CommandHandler("review", review_command), CallbackQueryHandler(approve, pattern=rf"^{PREFIX}:ok:")]
