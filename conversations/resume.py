"""After a restart, each person's pending question is shown again.

A multi-step conversation keeps its step in the database (runtime/persistence.py), so after a restart — a deploy, a
crash, a new ``make run`` — the next answer lands on the right step; but the person may no longer see what that step
asks. Every conversation registers here, beside its states, how each step asks its question again (:func:`register`:
a catalogue key, or a callback that sends the question with its buttons, as the step itself asked it). When the bot
starts, :func:`resume_pending` re-sends, in each person's language, the question of every step someone is in:

- once: a marker in the person's data says which step was re-asked; a further restart before they answer stays
  silent (they have the question); anything they send clears it;
- not to someone whose own cut-off update is about to be handled again (runtime/inbox.py answers them);
- not during their quiet hours (/settings): like every message sent unasked, it waits until they end.

A re-ask callback gets the usual ``(update, context)``: ``context`` is the person's (profile, language, data) and
``update`` a stand-in with their chat and user, no content — enough for ``update.effective_chat.send_message``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ConversationHandler

from conversations.context import BotContext
from conversations.middleware import RESUMED, answer_lang

log = logging.getLogger(__name__)

Reask = Callable[[Update, BotContext], Awaitable[object]]
REASKS: dict[str, Reask] = {}  # conversation state → how its question is asked again


def register(steps: dict[str, Reask | str]) -> None:
    """Say how each step (a conversation state) asks its question again: a callback, or a catalogue key sent as is."""
    for state, how in steps.items():
        REASKS[state] = _say(how) if isinstance(how, str) else how


def _say(key: str) -> Reask:
    async def reask(update: Update, context: BotContext) -> None:
        await update.effective_chat.send_message(context.t(key))

    return reask


def persistent_conversations(application: Application) -> list[ConversationHandler]:
    return [
        handler
        for group in application.handlers.values()
        for handler in group
        if isinstance(handler, ConversationHandler) and handler.persistent and handler.name
    ]


async def resume_pending(application: Application, busy: set[int] = frozenset()) -> int:
    """At start: ask again each pending question (now, or when the person's quiet hours end), except to the ``busy``
    (their cut-off update is being handled again); return how many were asked now."""
    services = application.bot_data["services"]
    asked, later = 0, 0
    for handler in persistent_conversations(application):
        for key, state in (await application.persistence.get_conversations(handler.name)).items():
            if len(key) != 2 or not isinstance(state, str) or state not in REASKS or key[1] in busy:
                continue
            chat_id, user_id = key
            if application.user_data[user_id].get(RESUMED, {}).get(handler.name) == state:
                continue  # asked again after an earlier restart; they have not written since
            profile = await services.users.get(user_id)
            now = services.clock.now()
            release = profile.quiet.release(now, services.settings.tz) if profile is not None else now
            if release > now and application.job_queue is not None:
                application.job_queue.run_once(
                    _later,
                    when=release - now,
                    data=(handler.name, chat_id, user_id, state),
                    name=f"resume:{handler.name}:{chat_id}:{user_id}",
                )
                later += 1
            elif release <= now:
                asked += await reask(application, handler.name, chat_id, user_id, state)
    if asked or later:
        log.info("pending questions asked again", extra={"now": asked, "after_quiet_hours": later})
    return asked


async def _later(context: BotContext) -> None:
    """A question held over someone's quiet hours: asked now if they are still at that step."""
    name, chat_id, user_id, state = context.job.data
    application = context.application
    if (await application.persistence.get_conversations(name)).get((chat_id, user_id)) != state:
        return
    if application.user_data[user_id].get(RESUMED, {}).get(name) != state and await reask(
        application, name, chat_id, user_id, state
    ):
        await application.update_persistence()
        await application.persistence.flush()


async def reask(application: Application, name: str, chat_id: int, user_id: int, state: str) -> bool:
    """Ask the question of ``state`` again in the person's chat, in their language; mark it asked. False when it
    could not be sent (they blocked the bot, the chat is gone) or the re-ask failed (logged; the bot starts all the
    same): the step still takes their next answer."""
    services = application.bot_data["services"]
    context = BotContext(application, chat_id, user_id)
    context.profile = await services.users.get(user_id)
    context.lang = answer_lang(context.profile, None, context.user_data)
    try:
        await REASKS[state](stand_in(application, chat_id, user_id, services.clock.now()), context)
    except TelegramError as exc:
        log.info(
            "a pending question could not be asked again",
            extra={"user_id": user_id, "state": state, "error": repr(exc)[:200]},
        )
        return False
    except Exception:  # one person's odd step must not stop the bot from starting
        log.exception("a pending question failed to be asked again", extra={"user_id": user_id, "state": state})
        return False
    context.user_data.setdefault(RESUMED, {})[name] = state
    application.mark_data_for_update_persistence(user_ids=[user_id])
    return True


def stand_in(application: Application, chat_id: int, user_id: int, now: datetime) -> Update:
    """An update carrying only the chat and the user, for the re-ask callbacks (no text, no press: nothing to read)."""
    chat = {"id": chat_id, "type": "private" if chat_id == user_id else "supergroup"}
    return Update.de_json(
        {
            "update_id": 0,
            "message": {
                "message_id": 0,
                "date": int(now.timestamp()),
                "chat": chat,
                "from": {"id": user_id, "is_bot": False, "first_name": "-"},
            },
        },
        application.bot,
    )


def install(application: Application) -> None:
    """Ask the pending questions each time the application starts (runtime/application.py calls the hook)."""
    application.bot_data["on_start"] = resume_pending
