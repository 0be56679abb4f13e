"""/report's description step: text in several messages, photos and documents, until 完成.

Each message is appended to the draft at once (nothing typed is lost); the acknowledgement says how much is there
and offers 完成 once the description is long enough.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ConversationHandler

from conversations.common import reject_too_long
from conversations.context import BotContext
from conversations.form_draft import answers
from conversations.report.steps import (
    DESCRIBE,
    ask_industry,
    current_draft,
    form_of,
    go_on,
    note,
    progress_of,
    read_state,
)
from conversations.report.views import done_keyboard
from services.demand_form import FORM, description_fault
from services.demand_info import DemandInfo
from services.demands import MAX_TEXT, MIN_TEXT, Refused
from services.validation import Invalid


async def add_text(update: Update, context: BotContext, text: str) -> bool:
    try:
        draft = await form_of(context).describe(update.effective_user.id, answers(FORM), text)
    except Invalid as fault:  # says nothing: asked for a real description, with an example
        await update.effective_message.reply_text(context.t(fault.key, **fault.values))
        return False
    except ValueError:
        draft = await current_draft(update, context)
        await update.effective_message.reply_text(
            context.t("report.text_full", max=MAX_TEXT, length=len(draft.text)),
            reply_markup=done_keyboard(context.lang),
        )
        return False
    except Refused:
        await update.effective_message.reply_text(context.t("report.gone"))
        return False
    await _acknowledge(update, context, draft)
    return True


async def _acknowledge(update: Update, context: BotContext, draft: DemandInfo) -> None:
    length = len(draft.text.strip())
    key = "report.text_noted" if length >= MIN_TEXT else "report.text_noted_short"
    await update.effective_message.reply_text(
        context.t(key, length=length, files=len(draft.attachments), min=MIN_TEXT),
        reply_markup=done_keyboard(context.lang) if length >= MIN_TEXT else None,
    )


async def describe_text(update: Update, context: BotContext) -> str:
    text = update.effective_message.text or ""
    if not await reject_too_long(update, context, text, MAX_TEXT):
        await add_text(update, context, text)
    return DESCRIBE


async def describe_file(update: Update, context: BotContext) -> str:
    message = update.effective_message
    if message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
    else:
        kind, file_id = "document", message.document.file_id
    progress = progress_of()
    try:
        if progress is None:
            raise KeyError("no report in progress")
        draft = await context.services.demands.add_attachment(
            progress.demand_id, update.effective_user.id, kind, file_id, message.caption
        )
    except ValueError:
        await message.reply_text(context.t("report.too_many_files"))
        return DESCRIBE
    except (Refused, KeyError):
        await message.reply_text(context.t("report.gone"))
        return DESCRIBE
    await _acknowledge(update, context, draft)
    return DESCRIBE


async def describe_other(update: Update, context: BotContext) -> str:
    """A sticker, voice note, video, location … in the description step: text, photos and files are welcome."""
    await update.effective_message.reply_text(context.t("report.describe_wrong_input"))
    return DESCRIBE


async def finish_description(
    update: Update,
    context: BotContext,
    refuse: Callable[[str], Awaitable[None]],
    accept: Callable[[], Awaitable[None]],
    gone_key: str,
) -> str | int:
    """完成 on the description (pressed, or typed): refused (``refuse``: its words) while too short or saying
    nothing; else settled (``accept`` first), and the industry proposed — again when the description changed."""
    state = await read_state(update, context)
    draft = state.draft if state is not None else None
    if draft is None:
        await refuse(context.t(gone_key))
        return ConversationHandler.END
    fault = description_fault(draft.text)
    if fault is not None:  # too short, or says nothing
        await refuse(context.t(fault.key, **fault.values))
        return DESCRIBE
    await accept()
    note(context, described=True, text_changed=False)
    if state.progress.text_changed and draft.industry:  # a new description: propose the industry again
        return await ask_industry(update, context, draft)
    return await go_on(update, context, draft)
