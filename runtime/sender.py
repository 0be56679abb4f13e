"""The delivery engine: sends what the outbox owes, at Telegram's limits, and records what became of each row.

Every push goes through here — notices, reminders and broadcasts. Rows are claimed in small batches (marked
SENDING), sent concurrently, each send waiting its turn at the rate limiter (runtime/ratelimit.py), and the
outcomes are written back in a few statements per batch. Telegram's answers:

* 403 — the user blocked the bot: the row is BLOCKED and the user is marked blocked (left out of later audiences);
* 429 — the row goes back untouched and the limiter pauses that chat, or every send, for ``retry_after``;
* timeouts, network errors, 5xx — retried with exponential backoff, at most ``MAX_ATTEMPTS`` tries;
* any other 400 — the request can never succeed (chat not found …): FAILED at once.

Sends use a bot of their own that shares the application's connection pool but not its rate limiter: they take
their turn at the shared budget here and handle a 429 row by row, where a reply is retried in place
(runtime/reply_limiter.py).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from db.models import Lang, Notification
from i18n import label, t
from runtime.ratelimit import SendLimiter
from runtime.reply_limiter import retry_seconds
from services.broadcasts import Content
from services.container import Services
from services.outbox import Attempt, Outcome, notice_text
from services.regions import RegionDirectory
from services.reminders_wording import as_sent

log = logging.getLogger(__name__)
MIN_BATCH = 10
POOL = 8  # connections of one HTTP pool: httpcore scans every connection of a pool for each request, so a
# worker spreads its requests over several small pools (one bot each) rather than one large one
MAX_BACKOFF = 300.0  # seconds


def render(
    payload: dict[str, Any], lang: str, regions: RegionDirectory | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The text and keyboard of an outbox payload (see services.outbox.Notice) in ``lang``."""
    text = notice_text(payload, lang, regions)
    rows = [
        [InlineKeyboardButton(label(b["key"], lang, **b.get("values", {})), callback_data=b["data"]) for b in row]
        for row in payload.get("buttons", [])
    ]
    return text, InlineKeyboardMarkup(rows) if rows else None


def backoff(attempts: int) -> timedelta:
    """How long a row waits after its ``attempts``-th failed try: 2, 4, 8 … seconds, at most MAX_BACKOFF."""
    return timedelta(seconds=min(MAX_BACKOFF, 2.0 ** max(1, attempts)))


class OutboxSender:
    def __init__(self, services: Services, bot: Bot | Sequence[Bot], limiter: SendLimiter, paid: bool = False) -> None:
        self.services, self.limiter = services, limiter
        self.paid = paid  # notices as paid broadcasts (a worker set up for more than ~30 messages a second)
        self._lock = asyncio.Lock()
        self._again = False
        self._in_flight = asyncio.Semaphore(services.settings.delivery_in_flight)
        self._next = itertools.cycle([bot] if isinstance(bot, Bot) else list(bot))  # a bot per send, in turn

    # ------------------------------------------------------------------ notices
    async def flush(self) -> int:
        """Send every notice that is due (not broadcasts: runtime/broadcasting.py sends those); return how many
        were sent. A call during a flush makes the running one look again and returns 0 at once."""
        if self._lock.locked():
            self._again = True
            return 0
        sent = 0
        async with self._lock:
            self._again = True
            while self._again:
                self._again = False
                while rows := await self.services.outbox.due(self.batch_size(self.limiter)):
                    sent += await self.send_rows(rows, self.limiter, paid=self.paid)
        return sent

    async def idle(self) -> None:
        """Wait until no flush is running: one that a call found running (and left at once) has sent and recorded
        what was due, the rows that call had come for included."""
        async with self._lock:
            pass

    @staticmethod
    def batch_size(limiter: SendLimiter) -> int:
        """Rows claimed at a time: half a second of sending. It bounds what a crash leaves in flight, and how long
        a reply waits behind queued pushes."""
        return max(MIN_BATCH, int(limiter.limits.rate / 2))

    # ------------------------------------------------------------------ any rows
    async def send_rows(
        self, rows: list[Notification], limiter: SendLimiter, content: Content | None = None, paid: bool = False
    ) -> int:
        """Send claimed rows concurrently (each waits its turn at ``limiter``), record the outcomes; return how
        many were sent. ``content`` is a broadcast's message, the same for every row."""
        langs = (
            {} if content is not None else await self.services.users.langs([r.chat_id for r in rows if r.chat_id > 0])
        )
        attempts = await asyncio.gather(*(self._attempt(row, limiter, content, paid, langs) for row in rows))
        await self.services.outbox.record(list(attempts))
        blocked = [
            row.chat_id
            for row, a in zip(rows, attempts, strict=True)
            if a.outcome is Outcome.BLOCKED and row.chat_id > 0
        ]
        for chat_id in blocked:
            await self.services.users.mark_blocked(chat_id)
        return sum(a.outcome is Outcome.SENT for a in attempts)

    async def _attempt(
        self, row: Notification, limiter: SendLimiter, content: Content | None, paid: bool, langs: dict[int, str]
    ) -> Attempt:
        await limiter.acquire(row.chat_id)
        async with self._in_flight:  # after the turn: a chat waiting for its own limit holds no slot
            return await self._send(next(self._next), row, limiter, content, paid, langs)

    async def _send(
        self,
        bot: Bot,
        row: Notification,
        limiter: SendLimiter,
        content: Content | None,
        paid: bool,
        langs: dict[int, str],
    ) -> Attempt:
        now = self.services.clock.now()
        copy = None
        try:
            if content is not None:
                await self._send_content(bot, row.chat_id, content, paid)
            else:
                message_id = await self._send_notice(bot, row, langs.get(row.chat_id, Lang.SIMPLIFIED.value), paid)
                copy = (row.chat_id, message_id) if message_id is not None else None
        except Forbidden as exc:
            return Attempt(row.id, Outcome.BLOCKED, str(exc))
        except RetryAfter as exc:
            seconds = retry_seconds(exc)
            scope = "all" if limiter.retry_after(row.chat_id, seconds) else "chat"
            return Attempt(row.id, Outcome.DEFER, f"429 retry after {seconds:g}s ({scope})")
        except BadRequest as exc:
            log.warning("outbox row refused by Telegram", extra={"chat_id": row.chat_id, "error": str(exc)})
            return Attempt(row.id, Outcome.FAILED, str(exc))
        except TelegramError as exc:  # TimedOut, NetworkError, 5xx
            log.warning("outbox delivery failed", extra={"chat_id": row.chat_id, "error": str(exc)})
            return Attempt(row.id, Outcome.RETRY, f"{type(exc).__name__}: {exc}", now + backoff(row.attempts + 1))
        return Attempt(row.id, Outcome.SENT, copy=copy)

    async def _send_notice(self, bot: Bot, row: Notification, lang: str, paid: bool = False) -> int | None:
        """Send the notice; the id of its message (None for an edit: ``payload["edit"]`` names the message an
        erasure rewrites, services/erasure.py)."""
        payload = as_sent(row.payload, self.services.clock.now(), self.services.settings.tz, lang)  # late: true now
        text, markup = render(payload, lang, self.services.regions)
        if "edit" in row.payload:
            await bot.edit_message_text(text, chat_id=row.chat_id, message_id=int(row.payload["edit"]))
            return None
        if row.late:  # 补发: it fell due while the bot was down
            text = t("remind.late", lang) + text
        sent = await bot.send_message(
            row.chat_id, text, reply_markup=markup, **({"allow_paid_broadcast": True} if paid else {})
        )
        for item in row.payload.get("files", []):
            send = bot.send_photo if item["kind"] == "photo" else bot.send_document
            await send(row.chat_id, item["file_id"], caption=item.get("caption") or None, parse_mode=None)
        return sent.message_id

    @staticmethod
    async def _send_content(bot: Bot, chat_id: int, content: Content, paid: bool) -> None:
        """A broadcast: its text, or its photo or document with the text as caption."""
        extra = {"allow_paid_broadcast": True} if paid else {}
        if content.file_kind is None:
            await bot.send_message(chat_id, content.text, parse_mode=ParseMode.HTML, **extra)
            return
        send = bot.send_photo if content.file_kind == "photo" else bot.send_document
        await send(chat_id, content.file_id, caption=content.text or None, parse_mode=ParseMode.HTML, **extra)
