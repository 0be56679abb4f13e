"""Staff change one thing of a published event: a competition's deadline, start, end or place
(``ChangeCompetition``), or a course session's date and time (``MoveSession``). The bot asks for the new
value, the service saves it, tells followers once and reschedules the reminders."""

from __future__ import annotations

from datetime import time

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons import any_of
from buttons.events import ChangeCompetition, MoveSession
from conversations import resume
from conversations.common import (
    cancel_flow_of,
    expect_text,
    press_of,
    reject_too_long,
)
from conversations.context import BotContext
from conversations.events.competition_form import place_or_link
from conversations.events.shared import permitted
from conversations.refusals import EVENT, answer_refusal, staff_gate
from services.local_time import parse_moment
from services.results import Refused
from services.validation import Invalid

VALUE = "eventedit.value"
FIELDS = {"registration_deadline": time(23, 59), "starts_at": None, "ends_at": time(23, 59), "where": None}
MAX_VALUE = 500


async def start(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    if not await staff_gate(update, context, "event.edit", query.data):
        return ConversationHandler.END
    press = await press_of(update, context, ChangeCompetition, MoveSession)
    if press is None:
        return ConversationHandler.END
    services, actor = context.services, update.effective_user.id
    if isinstance(press, ChangeCompetition):
        pending = {"kind": "competition", "id": press.competition_id, "field": press.field.value}
        check = services.competitions.may_change(actor, context.role, press.competition_id, "competition.change")
    else:
        pending = {"kind": "session", "id": press.session_id, "field": "starts_at"}
        check = services.courses.may_change_session(actor, context.role, press.session_id, "course.move_session")
    if not await permitted(update, context, check):  # another region's event: refused before the value is asked
        return ConversationHandler.END
    if isinstance(press, MoveSession) and not await services.courses.session_open(press.session_id):
        await query.answer(context.t("course.gone"), show_alert=True)  # an old card's button: not after the time
        return ConversationHandler.END
    await query.answer()
    context.user_data["eventedit"] = pending
    return await _ask_value(update, context)


async def _ask_value(update: Update, context: BotContext) -> str:
    """The new value of the field being changed (nothing, when what was being changed is no longer known)."""
    pending = context.user_data.get("eventedit")
    if pending is not None:
        ask = f"competition.ask.{pending['field']}_new" if pending["kind"] == "competition" else "course.ask.move"
        await update.effective_chat.send_message(context.t(ask))
    return VALUE


async def typed(update: Update, context: BotContext) -> str | int | None:
    pending = context.user_data.get("eventedit")
    text = (update.effective_message.text or "").strip()
    if pending is None:
        return ConversationHandler.END
    if await reject_too_long(update, context, text, MAX_VALUE):
        return None
    services, field = context.services, pending["field"]
    try:
        if field == "where":
            value = place_or_link({"where": text})
            values = {"place": value.get("place"), "link": value.get("link")}
        else:  # a session's new start is held to a new course's rules: still to come, within two years
            future = pending["kind"] == "session"
            values = {
                field: parse_moment(text, services.settings.tz, services.clock.now(), FIELDS[field], future=future).at
            }
        if pending["kind"] == "competition":
            c = await services.competitions.change(context.profile.id, context.role, pending["id"], values)
            done = context.t("competition.changed", name=c.name)
        else:
            moved = await services.courses.change_session(
                context.profile.id, context.role, pending["id"], values[field]
            )
            done = context.t("course.session_moved" if moved else "course.gone")
    except Invalid as exc:
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return None
    except Refused as refused:  # not staff (any more), or another region's event
        context.user_data.pop("eventedit", None)
        await answer_refusal(update, context, refused, EVENT)
        return ConversationHandler.END
    context.user_data.pop("eventedit", None)
    await update.effective_message.reply_text(done)
    return ConversationHandler.END


# after a restart the step asks its question again (conversations/resume.py)
resume.register({VALUE: _ask_value})


def build() -> ConversationHandler:
    not_command = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(start, pattern=any_of(ChangeCompetition, MoveSession))],
        states={VALUE: [MessageHandler(filters.TEXT & not_command, typed), MessageHandler(not_command, expect_text)]},
        fallbacks=[CommandHandler("cancel", cancel_flow_of("eventedit"))],
        name="eventedit",
        persistent=True,
        allow_reentry=True,
    )
