"""Delivers the outbox: renders each owed message in its recipient's language and sends it.

Flushed after every update the application handles (so a notice written while handling an update goes out
right away) and by a repeating job for messages scheduled later. One flush runs at a time.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden, RetryAfter, TelegramError

from db.models import Notification, OutboxStatus
from i18n import fill, label, t
from services.container import Services

log = logging.getLogger(__name__)


def render(payload: dict[str, Any], lang: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and keyboard of an outbox payload (see services.outbox.Notice) in ``lang``."""
    text = fill(payload["key"], lang, payload.get("values"), payload.get("keys"))
    rows = [[InlineKeyboardButton(label(b["key"], lang, **b.get("values", {})), callback_data=b["data"]) for b in row]
            for row in payload.get("buttons", [])]
    return text, InlineKeyboardMarkup(rows) if rows else None


class OutboxSender:
    def __init__(self, services: Services, bot: Bot) -> None:
        self.services, self.bot = services, bot
        self._lock = asyncio.Lock()
        self._again = False

    async def _lang(self, chat_id: int) -> str:
        profile = await self.services.users.get(chat_id) if chat_id > 0 else None
        return profile.lang.value if profile else "zh-hans"

    async def _send(self, row: Notification) -> None:
        lang = await self._lang(row.chat_id)
        text, markup = render(row.payload, lang)
        if row.late:  # 补发: it fell due while the bot was down
            text = t("remind.late", lang) + text
        await self.bot.send_message(row.chat_id, text, reply_markup=markup)
        for item in row.payload.get("files", []):
            send = self.bot.send_photo if item["kind"] == "photo" else self.bot.send_document
            await send(row.chat_id, item["file_id"], caption=item.get("caption") or None, parse_mode=None)

    async def flush(self) -> int:
        """Send everything due; return how many were sent. A call during a flush makes it run once more."""
        if self._lock.locked():
            self._again = True
            return 0
        sent = 0
        async with self._lock:
            self._again = True
            while self._again:
                self._again = False
                for row in await self.services.outbox.due():
                    sent += await self._deliver(row)
        return sent

    async def _deliver(self, row: Notification) -> int:
        outbox = self.services.outbox
        try:
            await self._send(row)
        except Forbidden as exc:
            await outbox.done(row.id, OutboxStatus.BLOCKED, str(exc))
            if row.chat_id > 0:
                await self.services.users.mark_blocked(row.chat_id)
            return 0
        except RetryAfter as exc:
            await outbox.done(row.id, OutboxStatus.PENDING, f"retry after {exc.retry_after}")
            return 0
        except TelegramError as exc:
            log.warning("outbox delivery failed", extra={"chat_id": row.chat_id, "error": str(exc)})
            await outbox.done(row.id, OutboxStatus.PENDING, str(exc))
            return 0
        await outbox.done(row.id, OutboxStatus.SENT)
        return 1
