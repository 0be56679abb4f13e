"""/export (staff): the whole programme as an Excel workbook, in the staffer's language."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import CommandHandler

from conversations.context import BotContext
from conversations.refusals import answer_refusal
from i18n import catalogue, label
from services.audit import staff_role
from services.export import SHEETS, Words
from services.local_time import show
from services.results import Refused


def words(lang: str) -> Words:
    """Sheet titles, headers and coded values from the message catalogue (a code with no entry shows as is)."""
    known = catalogue()
    return Words(
        titles={name: label(f"export.sheet.{name}", lang) for name in SHEETS},
        headers={name: label(f"export.headers.{name}", lang).split(",") for name in SHEETS},
        word=lambda key: label(key, lang) if key in known else key.rsplit(".", 1)[-1],
    )


async def export_command(update: Update, context: BotContext) -> None:
    services = context.services
    if staff_role(context.role):
        await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    now = services.clock.now()
    try:
        data = await services.exporter.workbook(
            update.effective_user.id, context.role, words(context.lang), now.astimezone(services.settings.tz).date()
        )
    except Refused as exc:
        await answer_refusal(update, context, exc)
        return
    stamp = now.astimezone(services.settings.tz)
    await update.effective_chat.send_document(
        InputFile(data, filename=f"zhuqi-export-{stamp:%Y%m%d-%H%M}.xlsx"),
        caption=context.t("export.caption", time=show(now, services.settings.tz)),
    )


def handlers() -> list:
    return [CommandHandler("export", export_command)]
