"""/privacy: what the bot stores about you and who may see it; /delete_me: erase it (after a confirmation).

Statistics stay, anonymised (see services/privacy.py for exactly what is kept).
"""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler

from buttons.choices import YesNo
from buttons.people import EraseMe
from conversations.context import BotContext
from conversations.keyboards import yes_no

log = logging.getLogger(__name__)


async def show(update: Update, context: BotContext) -> None:
    stored = await context.services.privacy.stored(update.effective_user.id)
    if stored is None:
        await update.effective_message.reply_text(context.t("privacy.nothing"))
        return
    region = context.services.regions.full_name(stored.region_code, context.lang) if stored.region_code else None
    none = context.t("privacy.none")
    lines = [
        context.t(
            "privacy.profile",
            name=" ".join(filter(None, [stored.first_name, stored.last_name])),
            username=f"@{stored.username}" if stored.username else none,
            role=context.t(f"role.{stored.role}") if stored.role else none,
            region=region or none,
            lang=context.t(f"lang.{stored.lang}"),
            consent=stored.consent_at.astimezone(context.services.settings.tz).strftime("%Y-%m-%d")
            if stored.consent_at
            else none,
        )
    ]
    if stored.enterprise:
        lines.append(
            context.t(
                "privacy.enterprise",
                name=stored.enterprise["name"],
                contact=stored.enterprise["contact"] or none,
                phone=stored.enterprise["phone"] or none,
            )
        )
    if stored.pending_enterprise:
        lines.append(context.t("privacy.enterprise_pending", name=stored.pending_enterprise))
    if stored.craftsman:
        lines.append(
            context.t(
                "privacy.craftsman",
                name=stored.craftsman["name"],
                workplace=stored.craftsman["workplace"] or none,
                phone=stored.craftsman["phone"] or none,
                specialities=len(stored.craftsman["specialities"]),
            )
        )
    records = [
        context.t(
            "privacy.records",
            demands=stored.demands,
            ratings=stored.ratings,
            follows=stored.follows,
            enrolments=stored.enrolments,
            messages=stored.messages,
        )
    ]
    if stored.drafts:
        records.append(context.t("privacy.drafts", drafts=stored.drafts))
    lines.append("\n".join(records))
    lines.append(context.t("privacy.who_sees"))
    await update.effective_message.reply_text("\n\n".join(lines))


async def ask(update: Update, context: BotContext) -> None:
    if context.profile is None:
        await update.effective_message.reply_text(context.t("privacy.nothing"))
        return
    await update.effective_message.reply_text(
        context.t("privacy.confirm"),
        reply_markup=yes_no(EraseMe, context.t("privacy.erase_button"), context.t("privacy.keep_button")),
    )


async def answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    user_id = update.effective_user.id
    with contextlib.suppress(BadRequest):  # pressed twice: the buttons are gone already
        await query.edit_message_reply_markup(InlineKeyboardMarkup([]))
    press = EraseMe.parse(query.data)
    if press is None or press.answer is YesNo.NO:
        await query.answer()
        await update.effective_chat.send_message(context.t("privacy.kept"))
        return
    if context.profile is None:  # erased already (a second press), or never registered
        await query.answer(context.t("privacy.nothing"), show_alert=True)
        return
    await query.answer()
    erased = await context.services.privacy.erase(user_id)
    forget(context.application, user_id)
    context.profile = None
    log.info("user erased their personal data", extra={"demands": erased.demands})
    await update.effective_chat.send_message(context.t("privacy.erased", demands=erased.demands))


def forget(application: Application, user_id: int) -> None:
    """Drop what the running bot holds in memory for ``user_id``: per-user data and any conversation step (the
    database rows went with the erasure)."""
    application.drop_user_data(user_id)
    for handlers in application.handlers.values():
        for handler in handlers:
            if isinstance(handler, ConversationHandler):
                for key in [k for k in handler._conversations if user_id in k]:  # PTB has no public API for this
                    del handler._conversations[key]


def handlers() -> list:
    return [
        CommandHandler("privacy", show),
        CommandHandler("delete_me", ask),
        CallbackQueryHandler(answer, pattern=EraseMe.pattern()),
    ]
