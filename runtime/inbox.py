"""Updates go into the inbox (services/inbox.py) as Telegram sent them, before Telegram is told they arrived:
in getUpdates (runtime/signing.py) before the next poll acknowledges them, in the webhook before its 200. When
the database does not answer they are not taken at all: polling raises a NetworkError (python-telegram-bot's
poller retries with backoff and Telegram keeps the updates), the webhook answers 503 (Telegram retries)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update
from telegram.error import NetworkError
from telegram.ext import Application

from runtime.processor import PerUserUpdateProcessor
from services.inbox import Inbox

log = logging.getLogger(__name__)


class InboxUnavailable(NetworkError):
    """The inbox could not be written: the updates stay with Telegram."""


async def take(inbox: Inbox, updates: Sequence[Update], sent: dict[int, dict[str, Any]] | None = None) -> list[Update]:
    """Write ``updates`` to the inbox; return those to handle (not those delivered before). ``sent``: the updates
    as Telegram sent them, by id — stored as they are (``Update.to_dict`` costs 0.2 ms an update, as much again as
    parsing it)."""
    if not updates:
        return []
    sent = sent or {}
    try:
        new = await inbox.hold([(update.update_id, sent.get(update.update_id) or update.to_dict())
                                for update in updates])
    except Exception as exc:  # whatever the driver raises, the updates must stay with Telegram
        log.warning("cannot write updates to the inbox; Telegram keeps them", extra={"error": repr(exc)[:200]})
        raise InboxUnavailable("the database does not answer: updates left with Telegram") from exc
    again = [update.update_id for update in updates if update.update_id not in new]
    if again:
        log.info("updates delivered a second time dropped", extra={"update_ids": again})
    return [update for update in updates if update.update_id in new]


async def replay(application: Application, inbox: Inbox) -> int:
    """Queue the updates a crash cut off (taken, never marked done), in order, before any new one; return how many.
    Poison ones (replayed too often) are quarantined instead (services/inbox.py); each replayed one holds its user's
    next updates back for a bounded time only (runtime/processor.py)."""
    bot: Bot = application.bot
    payloads = await inbox.replayable()
    processor = application.update_processor
    for payload in payloads:
        update = Update.de_json(payload, bot)
        bot.insert_callback_data(update)  # checks the signature, as on arrival
        if isinstance(processor, PerUserUpdateProcessor):
            processor.replays.add(update.update_id)
        await application.update_queue.put(update)
    if payloads:
        log.warning("handling again the updates a stop cut off", extra={"updates": len(payloads)})
    return len(payloads)
