"""One step at a time: a conversation that starts sets the user's other open conversations aside.

python-telegram-bot keeps each ConversationHandler's state on its own, so a question left open (a form half
filled, a decline reason asked for) stays in force while another conversation starts, and the next text goes to
whichever was wired first: a staffer who left /new_competition at its name and opened /broadcast had her next
message taken as the competition's name; /cancel then ended only one of them. The rule: when an update starts a
conversation for a user, every other conversation waiting for that user in that chat ends. What they had kept
stays where it lives (form drafts in the database, a /report draft in /my), and their commands or buttons start
them again.

Two handlers, installed after every other (:func:`install`): one in the group before the middleware notes on the
update's context which conversations wait for its user, one in the group after the handlers ends the others when one
started and tells the user, one line per step set aside, which it was and how to take it up again (the catalogue's
``aside.<conversation name>``, or a step's own line, :func:`aside_key`): a step dropped without a
word left its question on screen, and the answer typed to it later was read as something new.
Every conversation here is keyed by (chat, user) (conversations/__init__.py), so one key serves them all.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, ConversationHandler, TypeHandler

from conversations.context import BotContext
from i18n import catalogue

BEFORE, AFTER = -2, 1  # the handler groups: before the middleware (-1) and after the handlers (0)


def _key(update: Update) -> tuple[int, int] | None:
    chat, user = update.effective_chat, update.effective_user
    return (chat.id, user.id) if chat is not None and user is not None else None


def install(application: Application) -> None:
    """Add the two handlers; call it once every conversation has been added."""
    conversations = [
        handler
        for handlers in application.handlers.values()
        for handler in handlers
        if isinstance(handler, ConversationHandler)
    ]

    def open_for(key: tuple[int, int]) -> frozenset[int]:
        # python-telegram-bot has no public read of a key's state: its tracked dict of states is read directly
        return frozenset(i for i, c in enumerate(conversations) if key in c._conversations)

    async def note(update: Update, context: BotContext) -> None:
        key = _key(update)
        context.waiting = open_for(key) if key is not None else None

    async def set_aside(update: Update, context: BotContext) -> None:
        key, before = _key(update), context.waiting
        if not before or key is None:  # nothing waited before this update: nothing to set aside
            return
        now = open_for(key)
        if not now - before:  # nothing started: a step went on, ended, or nothing waited
            return
        for index in sorted(before & now):
            conversation = conversations[index]
            state = conversation._conversations.get(key)  # the step it waited at, read before it ends
            end(conversation, key)
            await update.effective_chat.send_message(context.t(aside_key(conversation.name, state)))

    application.add_handler(TypeHandler(Update, note), group=BEFORE)
    application.add_handler(TypeHandler(Update, set_aside), group=AFTER)


def aside_key(name: str | None, state: object = None) -> str:
    """The catalogue key of the line that says the conversation ``name`` was set aside at ``state``: the step's own
    (``aside.tasks_decline`` for the state "tasks.decline"), else the conversation's, else ``aside.other``."""
    keys = ["aside." + state.replace(".", "_")] if isinstance(state, str) else []
    keys += [f"aside.{name}"] if name is not None else []
    return next((key for key in keys if key in catalogue()), "aside.other")


def end(conversation: ConversationHandler, key: Any) -> None:
    """End ``conversation`` for ``key``: the entry is deleted from its tracked states, so a persistent conversation
    writes the end to the store with the update (as python-telegram-bot does for a state it ends)."""
    conversation._conversations.pop(key, None)  # the tracked dict of states, as in privacy.forget
