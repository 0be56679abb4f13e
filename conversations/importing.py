"""/import and /template — staff bulk-load craftsmen, enterprises or competitions from an Excel (.xlsx) or CSV file.

The file is refused by its name and declared size before it is downloaded, and parsed in a worker process
(services/tables.py), so a hostile file cannot stall or crash the bot. Every row is checked first. A clean file is imported at once; a file with rejected rows imports nothing until the
staffer chooses "import the valid rows". Re-importing updates rows with the same natural key. The role is checked
on every step.
"""

from __future__ import annotations

import io

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.importing import ImportChoice, ImportDecision
from conversations import resume
from conversations.common import cancel_flow_of, edit_message
from conversations.context import BotContext
from conversations.refusals import staff_gate
from i18n import Raw
from services.importing import ImportReport, template
from services.spreadsheets import clean, csv_bytes
from services.tables import FileRejected, check_size, kind_of, read_in_worker

FILE, CONFIRM = "import.file", "import.confirm"
SHOWN_ERRORS = 30  # rejected rows listed in the message; all of them go in a file when there are more
ERRORS_CHARS = 3000  # the list's share of the message (Telegram's limit is 4,096 characters)
QUOTED_CHARS = 60  # a value from the file, as a message quotes it


async def template_command(update: Update, context: BotContext) -> None:
    if not await staff_gate(update, context, "import.template"):
        return
    for kind in ("craftsmen", "enterprises", "competitions"):
        await update.effective_chat.send_document(
            InputFile(io.BytesIO(template(kind)), filename=f"zhuqi_{kind}_template.xlsx"),
            caption=context.t(f"import.template_{kind}"),
            parse_mode=None,
        )


async def start(update: Update, context: BotContext) -> str | int:
    """/import, also typed again while a file or a decision is awaited: the question for the file, asked afresh."""
    context.user_data.pop("import", None)  # a file whose rejected rows awaited a decision: left, nothing imported
    if not await staff_gate(update, context, "import.start"):
        return ConversationHandler.END
    return await _ask_file(update, context)


async def _ask_file(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(context.t("import.ask_file"))
    return FILE


async def _check(context: BotContext, actor: int, file_id: str, file_name: str, file_size: int | None) -> ImportReport:
    """Refuse by name and declared size before downloading; parse in a worker process; check the rows (those
    outside ``actor``'s region among them)."""
    kind_of(file_name)
    check_size(file_size)
    telegram_file = await context.bot.get_file(file_id)
    check_size(telegram_file.file_size)
    content = bytes(await telegram_file.download_as_bytearray())
    table = await read_in_worker(content, file_name)
    services = context.services
    teams = {t.name: t.id for t in await services.talent.teams()}
    return await services.importer.review(table, teams, actor)


def _short(value: object) -> object:
    """A value from the file, as an error message quotes it: without control characters, and not too long."""
    if not isinstance(value, str):
        return value
    text = clean(value)
    return text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS] + "…"


def _quoted(values: dict[str, object]) -> dict[str, object]:
    return {k: _short(v) for k, v in values.items()}


def _error_lines(report: ImportReport, context: BotContext) -> tuple[str, bool]:
    """The message's list of rejected rows, within Telegram's length; and whether some were left for the file."""
    lines: list[str] = []
    length = 0
    for e in report.errors[:SHOWN_ERRORS]:
        line = context.t("import.row_error", row=e.row, reason=Raw(context.t(e.key, **_quoted(e.values))))
        if length + len(line) > ERRORS_CHARS:
            break
        lines.append(line)
        length += len(line) + 1
    rest = len(report.errors) - len(lines)
    if rest:
        lines.append(context.t("import.more_errors_in_file", count=rest))
    return "\n".join(lines), bool(rest)


async def _send_errors_file(update: Update, context: BotContext, report: ImportReport) -> None:
    rows = [[e.row, context.label(e.key, **e.values)] for e in report.errors]
    data = csv_bytes(context.label("import.errors_file_headers").split(","), rows)
    await update.effective_chat.send_document(
        InputFile(io.BytesIO(data), filename="import-errors.csv"),
        caption=context.t("import.errors_file_caption", count=len(report.errors)),
    )


async def _apply(update: Update, context: BotContext, report: ImportReport) -> None:
    inserted, updated = await context.services.importer.apply(report, update.effective_user.id, context.role)
    await context.services.audit.record(
        update.effective_user.id,
        "import.apply",
        report.kind,
        inserted=inserted,
        updated=updated,
        rejected=len(report.errors),
    )
    await update.effective_chat.send_message(
        context.t(
            "import.done",
            kind=context.t(f"import.kind_{report.kind}"),
            inserted=inserted,
            updated=updated,
            rejected=len(report.errors),
        )
    )


async def received(update: Update, context: BotContext) -> str | int:
    if not await staff_gate(update, context, "import.file"):  # the role may have changed since /import
        return ConversationHandler.END
    document = update.effective_message.document
    try:
        report = await _check(
            context, update.effective_user.id, document.file_id, document.file_name or "", document.file_size
        )
    except FileRejected as exc:
        await update.effective_message.reply_text(context.t(exc.key, **_quoted(exc.values)))
        return FILE
    except TelegramError:
        await update.effective_message.reply_text(context.t("import.download_failed"))
        return FILE
    if not report.errors:
        await _apply(update, context, report)
        return ConversationHandler.END
    context.user_data["import"] = {
        "upload": update.effective_message.message_id,  # names the file in its preview's buttons
        "file_id": document.file_id,
        "file_name": document.file_name or "",
        "file_size": document.file_size,
    }
    return await _show_report(update, context, report)


def _decision(context: BotContext, choice: ImportChoice) -> str:
    """A preview's button: ``choice`` about the file awaiting a decision (named by its message id)."""
    return ImportDecision(choice, (context.user_data.get("import") or {}).get("upload", 0)).data()


async def _show_report(update: Update, context: BotContext, report: ImportReport) -> str:
    """The rejected rows (all of them in a file when there are many) and the choice: import the valid rows, or not."""
    keyboard = [
        [
            InlineKeyboardButton(
                context.label("import.valid_only", count=len(report.valid)),
                callback_data=_decision(context, ImportChoice.VALID_ONLY),
            )
        ]
        if report.valid
        else [],
        [InlineKeyboardButton(context.t("import.abort"), callback_data=_decision(context, ImportChoice.ABORT))],
    ]
    lines, partial = _error_lines(report, context)
    if partial:  # the whole list, as a file: a message holds at most 4,096 characters
        await _send_errors_file(update, context, report)
    await update.effective_chat.send_message(
        context.t("import.has_errors", total=report.total, rejected=len(report.errors), valid=len(report.valid))
        + "\n"
        + lines,
        reply_markup=InlineKeyboardMarkup([row for row in keyboard if row]),
    )
    return CONFIRM


async def _report_again(update: Update, context: BotContext) -> str:
    """After a restart: the same file read and checked again (only its file_id was kept), the same report."""
    pending = context.user_data.get("import")
    try:
        report = await _check(
            context, update.effective_user.id, pending["file_id"], pending["file_name"], pending.get("file_size")
        )
    except (FileRejected, TelegramError, KeyError, TypeError):  # gone meanwhile, or the flow lost: 取消 is left
        abort = InlineKeyboardButton(context.t("import.abort"), callback_data=_decision(context, ImportChoice.ABORT))
        await update.effective_chat.send_message(
            context.t("import.reread_failed"), reply_markup=InlineKeyboardMarkup([[abort]])
        )
        return CONFIRM
    return await _show_report(update, context, report)


async def confirm(update: Update, context: BotContext) -> int | None:
    query = update.callback_query
    if not await staff_gate(update, context, "import.apply"):
        context.user_data.pop("import", None)
        return ConversationHandler.END
    press = ImportDecision.parse(query.data)
    pending = context.user_data.get("import")
    if pending is not None and press is not None and press.upload != pending.get("upload", 0):
        # an older preview's button: its file is not the one awaiting a decision, which stays as it is
        await query.answer(context.t("import.stale_preview"), show_alert=True)
        await edit_message(update, query.message.text_html + "\n\n" + context.t("import.stale_preview"))
        return None
    context.user_data.pop("import", None)
    if pending is None or press is None or press.choice is not ImportChoice.VALID_ONLY:
        await query.answer()
        await edit_message(update, query.message.text_html + "\n\n" + context.t("import.aborted"))
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(None)
    try:  # read the same file again: nothing about it was kept but its file_id
        report = await _check(
            context, update.effective_user.id, pending["file_id"], pending["file_name"], pending.get("file_size")
        )
    except FileRejected as exc:
        await update.effective_chat.send_message(context.t(exc.key, **_quoted(exc.values)))
        return ConversationHandler.END
    except TelegramError:
        await update.effective_chat.send_message(context.t("import.download_failed"))
        return ConversationHandler.END
    await _apply(update, context, report)
    return ConversationHandler.END


async def not_a_file(update: Update, context: BotContext) -> str:
    return await _ask_file(update, context)


# after a restart each step asks its question again (conversations/resume.py)
resume.register({FILE: _ask_file, CONFIRM: _report_again})


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("import", start)],
        states={
            FILE: [MessageHandler(filters.Document.ALL, received), MessageHandler(~filters.COMMAND, not_a_file)],
            CONFIRM: [CallbackQueryHandler(confirm, pattern=ImportDecision.pattern())],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("import")), CommandHandler("import", start)],
        name="import",
        persistent=True,
    )


def handlers() -> list:
    return [CommandHandler("template", template_command)]
