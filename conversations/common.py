"""Handlers every audience shares: /help, /cancel, stale buttons, wrong input types, the error handler."""

from __future__ import annotations

import contextlib
import html
import logging
from dataclasses import astuple
from typing import TypeVar

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ConversationHandler

from buttons import Action, parse_any
from conversations.context import BotContext, answer_lang
from conversations.menu import help_text
from conversations.refusals import staff_gate
from db.database import lost_connection

log = logging.getLogger(__name__)
FLOW_KEYS = ("onboarding", "settings")  # user_data entries that belong to a conversation in progress
A = TypeVar("A", bound=Action)


async def help_command(update: Update, context: BotContext) -> None:
    role = context.role
    await update.effective_message.reply_text(help_text(role, context.lang))


async def cancel_nothing(update: Update, context: BotContext) -> None:
    """/cancel outside any conversation."""
    await update.effective_message.reply_text(context.t("cancel.nothing"))


async def cancel_flow(update: Update, context: BotContext) -> int:
    """/cancel inside a conversation: forget the half-finished step and leave."""
    for key in FLOW_KEYS:
        context.user_data.pop(key, None)
    await update.effective_message.reply_text(context.t("cancel.done"))
    return ConversationHandler.END


def cancel_flow_of(key: str):
    """/cancel for the conversation whose half-finished answers live in ``user_data[key]``."""

    async def cancel(update: Update, context: BotContext) -> int:
        context.user_data.pop(key, None)
        await update.effective_message.reply_text(context.t("cancel.done"))
        return ConversationHandler.END

    return cancel


async def answer_stale(update: Update, context: BotContext) -> None:
    """A button from an old message, pressed twice, or with data we do not recognise."""
    query = update.callback_query
    log.info("stale or unknown button", extra={"user_id": update.effective_user.id, "data": str(query.data or "")[:64]})
    with contextlib.suppress(BadRequest):  # the query itself is too old to answer
        await query.answer(context.t("button.stale"), show_alert=True)


async def press_of(update: Update, context: BotContext, *kinds: type[A], registered: bool = False) -> A | None:
    """The action the pressed button carries (one of ``kinds``, buttons/); None, with the press answered as expired,
    when its data is not a well-formed press of any of them (or, with ``registered``, the presser has no profile)."""
    found = parse_any(update.callback_query.data, *kinds)
    if found is None or (registered and context.profile is None):
        await answer_stale(update, context)
        return None
    return found  # type: ignore[return-value]


async def staff_press(
    update: Update, context: BotContext, *kinds: type[A], action: str, target: str, answer: bool = True
) -> A | None:
    """A staff button's action (one of ``kinds``), the press answered unless ``answer`` is False; None when the
    presser is not staff (refused and audited as ``action`` on ``target``:id, the action's first field) or the data
    is not a well-formed press of ``kinds`` (answered as expired)."""
    found = parse_any(update.callback_query.data, *kinds)
    if not await staff_gate(update, context, action, f"{target}:{astuple(found)[0]}" if found else None):
        return None
    if found is None:
        await answer_stale(update, context)
        return None
    if answer:
        await update.callback_query.answer()
    return found  # type: ignore[return-value]


async def expect_button(update: Update, context: BotContext) -> None:
    """Text, a sticker or a photo where the step waits for a button press."""
    await update.effective_message.reply_text(context.t("expect.button"))


async def expect_text(update: Update, context: BotContext) -> None:
    """A sticker, photo or file where the step waits for typed text."""
    await update.effective_message.reply_text(context.t("expect.text"))


async def edit_message(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message a button belongs to; a double press that changes nothing is not an error."""
    try:
        await update.callback_query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # "message is not modified"
        if "not modified" not in str(exc).lower():
            raise


def pressed_label(query: CallbackQuery) -> str | None:
    """The text of the button pressed in ``query`` (found by its data; runtime/signing.py gives the message's buttons
    back their data as the bot wrote it), or None."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    if markup is None or not isinstance(query.data, str):
        return None
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data
            if data == query.data:
                return button.text
    return None


async def keep_choice(update: Update) -> None:
    """A question answered by one of its buttons: the buttons go, and the pressed one's label is written under the
    question ("请选择紧急程度：\n→ 紧急"), so the chat still shows what was chosen. Only the buttons go when the
    label cannot be found or the question is a photo's caption."""
    query = update.callback_query
    choice = pressed_label(query)
    message = query.message if isinstance(query.message, Message) else None
    try:
        if choice and message is not None and message.text:
            await query.edit_message_text(f"{message.text_html}\n→ {html.escape(choice)}", reply_markup=None)
        else:
            await query.edit_message_reply_markup(None)
    except BadRequest as exc:  # a double press: "message is not modified"
        if "not modified" not in str(exc).lower():
            raise


async def send_or_edit(update: Update, text: str, markup: InlineKeyboardMarkup | None, edit: bool) -> None:
    """Edit the pressed button's message (``edit``), or send ``text`` as a new message."""
    if edit:
        await edit_message(update, text, markup)
    else:
        await update.effective_chat.send_message(text, reply_markup=markup)


async def require_profile(update: Update, context: BotContext) -> bool:
    """True when the user has a profile; otherwise they are told to /start first."""
    if context.profile is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return False
    return True


async def reject_too_long(update: Update, context: BotContext, text: str, limit: int) -> bool:
    """Tell the user ``text`` is over ``limit`` characters and return True; False when it fits."""
    if len(text) <= limit:
        return False
    await update.effective_message.reply_text(context.t("input.too_long", max=limit, length=len(text)))
    return True


async def fallback_media(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t("fallback.media"))


async def on_error(update: object, context: BotContext) -> None:
    """Log every error with its context; tell the user politely; remember users who blocked the bot."""
    error = context.error
    user = update.effective_user if isinstance(update, Update) else None
    extra = {
        "update_id": getattr(update, "update_id", None),
        "user_id": user.id if user else None,
        "error": f"{type(error).__name__}: {error}",
    }
    if isinstance(error, Forbidden):
        log.warning("user blocked the bot", extra=extra)
        if user is not None:
            await context.services.users.mark_blocked(user.id)
        return
    database_down = lost_connection(error)
    if isinstance(error, (RetryAfter, TimedOut, NetworkError)):
        log.warning("telegram did not take a request", extra=extra)
    elif database_down:
        log.warning("the database did not answer while handling an update", extra=extra)
    else:
        log.error("unhandled error in a handler", exc_info=error, extra=extra)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.callback_query is not None:
        with contextlib.suppress(Exception):  # the query may already be answered
            await update.callback_query.answer()
    try:
        context.lang = await _lang_after_error(context, user, database_down)
        await update.effective_chat.send_message(context.t("error.database" if database_down else "error.generic"))
    except Exception as exc:  # noqa: BLE001 - never let the error handler fail
        log.warning("could not tell the user about an error", extra={**extra, "second_error": str(exc)})


async def _lang_after_error(context: BotContext, user: User | None, database_down: bool) -> str:
    """The user's language for the error message: the error handler's context is a new one, which knows nothing of
    the update's (a zh-HK reader was told in simplified Chinese). Their profile when the database answers (the
    /settings choice, their region's forms), else the rule over Telegram's language code and what they typed."""
    if user is None:
        return context.lang
    profile = None
    if not database_down:
        try:
            profile = await context.services.users.get(user.id)
        except Exception:  # noqa: BLE001 - the error handler never fails; the language code is enough
            log.warning("no profile for the error message", extra={"user_id": user.id})
    return answer_lang(profile, user.language_code, context.user_data if context.user_data is not None else {})
