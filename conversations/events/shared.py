"""What browsing and managing competitions (competitions.py) and courses (courses.py) share: turning a page,
the confirmation button before staff cancel, and the outcome of a staff call pressed from it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buttons import Action
from buttons.events import CompetitionsPage, CoursesPage
from conversations.common import press_of
from conversations.context import BotContext
from conversations.refusals import EVENT, answer_refusal
from services.results import Refused

T = TypeVar("T")


async def turn_page(
    update: Update,
    context: BotContext,
    kind: type[CompetitionsPage | CoursesPage],
    show: Callable[[Update, BotContext, int, bool], Awaitable[None]],
) -> None:
    """A page button (``kind``) of a list a registered user sees: show that page in the same message."""
    press = await press_of(update, context, kind, registered=True)
    if press is None:
        return
    await update.callback_query.answer()
    await show(update, context, press.page, True)


async def ask_to_confirm(update: Update, context: BotContext, question: str, yes: str, action: Action) -> None:
    """Answer the press and ask ``question`` (a catalogue key) under one button ``yes`` that carries ``action``."""
    await update.callback_query.answer()
    button = InlineKeyboardButton(context.t(yes), callback_data=action.data())
    await update.effective_chat.send_message(context.t(question), reply_markup=InlineKeyboardMarkup([[button]]))


async def permitted(update: Update, context: BotContext, check: Awaitable[None]) -> bool:
    """Whether the service's ``check`` (``may_change``: staff, and a region that covers the event) lets the presser
    go on; else its refusal answered as an alert, before anything is asked."""
    try:
        await check
    except Refused as refused:
        await answer_refusal(update, context, refused, EVENT)
        return False
    return True


async def staff_outcome(update: Update, context: BotContext, call: Awaitable[T | None], gone: str) -> T | None:
    """Await a staff service ``call`` made from a confirmation press. A refusal is answered; otherwise the press is
    answered, its button removed, and ``gone`` (a catalogue key) said when the call found nothing to change."""
    try:
        done = await call
    except Refused as refused:  # not staff (any more), or another region's event
        await answer_refusal(update, context, refused, EVENT)
        return None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    if done is None:
        await update.effective_chat.send_message(context.t(gone))
    return done
