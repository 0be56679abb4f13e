"""Staff, after /broadcast: /broadcast_cancel stops the rest of a running or scheduled broadcast; the final
report's button downloads the CSV of recipients not reached (and those a crash may have sent it twice); any other
broadcast button outside its conversation is refused to non-staff (and logged) or answered as stale."""

from __future__ import annotations

import re
from html import unescape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons import family
from buttons.broadcasts import FAMILY, BroadcastFailures, StopBroadcast
from conversations.broadcast_audience import refuse_or_stale
from conversations.common import press_of, staff_press
from conversations.context import BotContext
from conversations.refusals import BROADCAST, answer_refusal, staff_gate
from services.ids import parse_id
from services.local_time import show
from services.results import Refused


async def cancel_command(update: Update, context: BotContext) -> None:
    """/broadcast_cancel [number]: the one named, or (no number) the open ones the staffer may stop, each with a
    button: nothing is stopped before it is pressed."""
    if not context.args:
        await list_cancellable(update, context)
        return
    if not context.args[0].lstrip("#").isdigit():
        if not await staff_gate(update, context, "broadcast.cancel"):
            return
        await update.effective_message.reply_text(context.t("broadcast.bad_id"))
        return
    await stop(update, context, parse_id(context.args[0], prefix="#") or 0)  # too big for an id: no such broadcast


async def list_cancellable(update: Update, context: BotContext) -> None:
    services = context.services
    try:
        open_ones = await services.broadcasts.cancellable(update.effective_user.id, context.role)
    except Refused as exc:
        await answer_refusal(update, context, exc)
        return
    if not open_ones:
        await update.effective_message.reply_text(context.t("broadcast.nothing_to_cancel"))
        return
    lines = [
        context.t(
            "broadcast.cancel_line",
            id=b.id,
            when=show(b.send_at, services.settings.tz),
            total=f"{b.total:,}",
            text=preview(b.text),
        )
        for b in open_ones
    ]
    buttons = [
        [
            InlineKeyboardButton(
                context.label("broadcast.button.stop", id=b.id), callback_data=StopBroadcast(b.id).data()
            )
        ]
        for b in open_ones
    ]
    await update.effective_message.reply_text(
        "\n".join([context.t("broadcast.cancel_which"), *lines]), reply_markup=InlineKeyboardMarkup(buttons)
    )


def preview(html: str, limit: int = 30) -> str:
    """The start of a broadcast's text, as plain words, for the list to choose from."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", "", html)).split())
    return words if len(words) <= limit else words[:limit] + "…"


async def stop_pressed(update: Update, context: BotContext) -> None:
    press = await staff_press(
        update, context, StopBroadcast, action="broadcast.cancel", target="broadcast", answer=False
    )
    if press is not None:
        await stop(update, context, press.broadcast_id)


async def stop(update: Update, context: BotContext, broadcast_id: int) -> None:
    services = context.services
    try:
        broadcast, withdrawn = await services.broadcasts.cancel(update.effective_user.id, context.role, broadcast_id)
    except Refused as exc:
        await answer_refusal(update, context, exc, BROADCAST)
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    if broadcast is None:
        await update.effective_chat.send_message(context.t("broadcast.nothing_to_cancel"))
        return
    counts = await services.broadcasts.counts(broadcast.id)
    await update.effective_chat.send_message(
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
        CallbackQueryHandler(stop_pressed, pattern=StopBroadcast.pattern()),
        CallbackQueryHandler(refuse_or_stale, pattern=family(FAMILY)),
    ]
