"""Staff, after /broadcast: /broadcast_cancel stops the rest of a running or scheduled broadcast; the final
report's button downloads the CSV of recipients not reached (and those a crash may have sent it twice); any other
broadcast button outside its conversation is refused to non-staff (and logged) or answered as stale."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons import family
from buttons.broadcasts import FAMILY, BroadcastFailures
from conversations.broadcast_audience import refuse_or_stale
from conversations.common import press_of
from conversations.context import BotContext
from conversations.refusals import answer_refusal, staff_gate
from services.ids import parse_id
from services.results import Refused


async def cancel_command(update: Update, context: BotContext) -> None:
    """/broadcast_cancel [number]: the staffer's latest open broadcast, or the one named."""
    broadcast_id = None
    if context.args:
        if not context.args[0].lstrip("#").isdigit():
            if not await staff_gate(update, context, "broadcast.cancel"):
                return
            await update.effective_message.reply_text(context.t("broadcast.bad_id"))
            return
        broadcast_id = parse_id(context.args[0], prefix="#") or 0  # too big for an id: no such broadcast
    services = context.services
    try:
        broadcast, withdrawn = await services.broadcasts.cancel(update.effective_user.id, context.role, broadcast_id)
    except Refused as exc:
        await answer_refusal(update, context, exc)
        return
    if broadcast is None:
        await update.effective_message.reply_text(context.t("broadcast.nothing_to_cancel"))
        return
    counts = await services.broadcasts.counts(broadcast.id)
    await update.effective_message.reply_text(
        context.t("broadcast.cancelled", id=broadcast.id, withdrawn=f"{withdrawn:,}", sent=f"{counts.sent:,}")
    )


async def failures(update: Update, context: BotContext) -> None:
    """The report's button — the CSV of recipients not reached."""
    query = update.callback_query
    press = await press_of(update, context, BroadcastFailures)
    if press is None:
        return
    broadcast_id = press.broadcast_id
    try:
        data = await context.services.broadcasts.failures_csv(
            update.effective_user.id, context.role, broadcast_id, context.label("broadcast.csv_headers").split(",")
        )
    except Refused as exc:
        await answer_refusal(update, context, exc)
        return
    await query.answer()
    await update.effective_chat.send_document(
        InputFile(data, filename=f"broadcast-{broadcast_id}-failures.csv"),
        caption=context.t("broadcast.csv_caption", id=broadcast_id),
    )


def handlers() -> list:
    return [
        CommandHandler("broadcast_cancel", cancel_command),
        CallbackQueryHandler(failures, pattern=BroadcastFailures.pattern()),
        CallbackQueryHandler(refuse_or_stale, pattern=family(FAMILY)),
    ]
