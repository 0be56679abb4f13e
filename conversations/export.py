"""/export (staff): the whole programme as an Excel workbook, in the staffer's language."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ChatAction
from telegram.ext import CommandHandler

from conversations.context import BotContext
from conversations.refusals import EXPORT, answer_refusal
from conversations.stats import MAX_ARG
from i18n import catalogue, label
from services.audit import staff_role
from services.export import SHEETS, Words
from services.local_time import show
from services.results import Refused
from services.statistics import EVERYWHERE, asks_everywhere


def words(lang: str) -> Words:
    """Sheet titles, headers and coded values from the message catalogue (a code with no entry shows as is)."""
    known = catalogue()
    return Words(
        titles={name: label(f"export.sheet.{name}", lang) for name in SHEETS},
        headers={name: label(f"export.headers.{name}", lang).split(",") for name in SHEETS},
        word=lambda key: label(key, lang) if key in known else key.rsplit(".", 1)[-1],
    )


async def asked_region(update: Update, context: BotContext) -> tuple[bool, str | None]:
    """The region typed after /export (None: none typed; EVERYWHERE: 全部), or False once a name that is no one
    region is answered."""
    text = " ".join(context.args or []).strip()
    if not text or not staff_role(context.role):  # the service refuses non-staff (and logs it): look nothing up
        return True, None
    if asks_everywhere(text):  # 全部: the service says whether she may (staff with a region may not), audited
        return True, EVERYWHERE
    regions = context.services.regions
    own = context.profile.region_code if context.profile else None
    named = regions.resolve(text, within=own) if len(text) <= MAX_ARG else None
    if named is not None and named.found and named.code is not None:
        return True, named.code
    places = (
        "\n".join(f"• {regions.full_name(code, context.lang)}（{code}）" for code in named.candidates) if named else ""
    )
    key = "export.several" if places else "export.usage"
    await update.effective_message.reply_text(context.t(key, value=text[:MAX_ARG], places=places))
    return False, None


async def export_command(update: Update, context: BotContext) -> None:
    services = context.services
    ok, region = await asked_region(update, context)
    if not ok:
        return
    if staff_role(context.role):
        await update.effective_chat.send_action(ChatAction.UPLOAD_DOCUMENT)
    now = services.clock.now()
    try:
        data = await services.exporter.workbook(
            update.effective_user.id,
            context.role,
            words(context.lang),
            now.astimezone(services.settings.tz).date(),
            region,
        )
    except Refused as exc:
        await answer_refusal(update, context, exc, EXPORT)
        return
    stamp = now.astimezone(services.settings.tz)
    await update.effective_chat.send_document(
        InputFile(data, filename=f"zhuqi-export-{stamp:%Y%m%d-%H%M}.xlsx"),
        caption=context.t("export.caption", time=show(now, services.settings.tz)),
    )


def handlers() -> list:
    return [CommandHandler("export", export_command)]
