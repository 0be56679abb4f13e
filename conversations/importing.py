"""/import and /template — staff bulk-load craftsmen, enterprises or competitions from an Excel (.xlsx) or CSV file.

Every row is checked first. A clean file is imported at once; a file with rejected rows imports nothing until the
staffer chooses "import the valid rows". Re-importing updates rows with the same natural key. The role is checked
on every step.
"""

from __future__ import annotations

import io

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations.common import cancel_flow_of, edit_message, refuse_non_staff
from conversations.context import BotContext
from services.importing import FileRejected, ImportReport, read_table, template

PREFIX = "im"
FILE, CONFIRM = "import.file", "import.confirm"
SHOWN_ERRORS = 30


async def template_command(update: Update, context: BotContext) -> None:
    if not context.is_staff:
        await refuse_non_staff(update, context, "import.template")
        return
    for kind in ("craftsmen", "enterprises", "competitions"):
        await update.effective_chat.send_document(InputFile(io.BytesIO(template(kind)), filename=f"zhuqi_{kind}_template.xlsx"),
                                                  caption=context.t(f"import.template_{kind}"), parse_mode=None)


async def start(update: Update, context: BotContext) -> str | int:
    if not context.is_staff:
        await refuse_non_staff(update, context, "import.start")
        return ConversationHandler.END
    await update.effective_message.reply_text(context.t("import.ask_file"))
    return FILE


async def _check(context: BotContext, file_id: str, file_name: str) -> ImportReport:
    telegram_file = await context.bot.get_file(file_id)
    content = bytes(await telegram_file.download_as_bytearray())
    services = context.services
    teams = {t.name: t.id for t in await services.talent.teams()}
    return services.importer.check(read_table(content, file_name), teams)


def _error_lines(report: ImportReport, context: BotContext) -> str:
    lines = [context.t("import.row_error", row=e.row, reason=context.t(e.key, **e.values)) for e in report.errors[:SHOWN_ERRORS]]
    if len(report.errors) > SHOWN_ERRORS:
        lines.append(context.t("import.more_errors", count=len(report.errors) - SHOWN_ERRORS))
    return "\n".join(lines)


async def _apply(update: Update, context: BotContext, report: ImportReport) -> None:
    inserted, updated = await context.services.importer.apply(report, update.effective_user.id, context.role)
    await context.services.audit.record(update.effective_user.id, "import.apply", report.kind, inserted=inserted,
                                        updated=updated, rejected=len(report.errors))
    await update.effective_chat.send_message(context.t("import.done", kind=context.t(f"import.kind_{report.kind}"),
                                                       inserted=inserted, updated=updated, rejected=len(report.errors)))


async def received(update: Update, context: BotContext) -> str | int:
    if not context.is_staff:  # the role may have changed since /import
        await refuse_non_staff(update, context, "import.file")
        return ConversationHandler.END
    document = update.effective_message.document
    try:
        report = await _check(context, document.file_id, document.file_name or "")
    except FileRejected as exc:
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return FILE
    except TelegramError:
        await update.effective_message.reply_text(context.t("import.download_failed"))
        return FILE
    if not report.errors:
        await _apply(update, context, report)
        return ConversationHandler.END
    context.user_data["import"] = {"file_id": document.file_id, "file_name": document.file_name or ""}
    keyboard = [[InlineKeyboardButton(context.label("import.valid_only", count=len(report.valid)), callback_data=f"{PREFIX}:valid")]
                if report.valid else [],
                [InlineKeyboardButton(context.t("import.abort"), callback_data=f"{PREFIX}:abort")]]
    await update.effective_message.reply_text(
        context.t("import.has_errors", total=report.total, rejected=len(report.errors), valid=len(report.valid))
        + "\n" + _error_lines(report, context),
        reply_markup=InlineKeyboardMarkup([row for row in keyboard if row]))
    return CONFIRM


async def confirm(update: Update, context: BotContext) -> int:
    query = update.callback_query
    pending = context.user_data.pop("import", None)
    if not context.is_staff:
        await refuse_non_staff(update, context, "import.apply")
        return ConversationHandler.END
    if pending is None or query.data != f"{PREFIX}:valid":
        await query.answer()
        await edit_message(update, query.message.text_html + "\n\n" + context.t("import.aborted"))
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(None)
    try:  # read the same file again: nothing about it was kept but its file_id
        report = await _check(context, pending["file_id"], pending["file_name"])
    except (FileRejected, TelegramError):
        await update.effective_chat.send_message(context.t("import.download_failed"))
        return ConversationHandler.END
    await _apply(update, context, report)
    return ConversationHandler.END


async def not_a_file(update: Update, context: BotContext) -> str:
    await update.effective_message.reply_text(context.t("import.ask_file"))
    return FILE


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("import", start)],
        states={FILE: [MessageHandler(filters.Document.ALL, received), MessageHandler(~filters.COMMAND, not_a_file)],
                CONFIRM: [CallbackQueryHandler(confirm, pattern=rf"^{PREFIX}:(valid|abort)$")]},
        fallbacks=[CommandHandler("cancel", cancel_flow_of("import"))],
        name="import",
        persistent=True,
    )


def handlers() -> list:
    return [CommandHandler("template", template_command)]
