"""Keeping under Telegram's flood limits: about 30 messages/s per bot and about 1/s per chat.

The delivery engine asks :meth:`SendLimiter.acquire` before each send. Two token buckets decide when it may go:
one for the bot (default 25/s with a burst of 5, so no one-second window ever holds more than 30) and one per
chat (1/s with a burst of 3, as Telegram tolerates). Buckets lend: a caller takes a token it does not have yet
and sleeps until it would have been there, so concurrent senders queue in order and the rate is kept exactly.

When Telegram answers 429 anyway it says how long to wait (``retry_after``) but not which limit was hit. If the
chat had a message within the last second the chat's own limit is the likely cause and only that chat waits;
otherwise the bot-wide limit was hit and every send waits. Nothing else in the bot waits: interactive replies
do not pass through this limiter.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from runtime.budget import SharedBudget

log = logging.getLogger(__name__)
PRUNE_AT = 20_000  # chat buckets kept before idle ones are dropped
SHARED_TOKEN_LIFE = 0.05  # seconds a process may hold tokens of the shared budget before they lapse


@dataclass(frozen=True)
class Limits:
    rate: float = 25.0  # messages/s for the whole bot
    burst: float = 5.0
    chat_rate: float = 1.0  # messages/s per chat
    chat_burst: float = 3.0

    def scaled(self, rate: float) -> Limits:
        """The same per-chat limits with another bot-wide rate (paid broadcasts), with a fifth of a second's
        burst."""
        return Limits(rate, max(self.burst, rate / 5), self.chat_rate, self.chat_burst)

    def halved_burst(self) -> Limits:
        """For a budget several processes share: tokens granted to them a moment apart and spent a moment later
        must still fit into what Telegram tolerates."""
        return Limits(self.rate, max(1.0, self.burst / 2), self.chat_rate, self.chat_burst)


class _Bucket:
    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate, self.burst, self.tokens, self.stamp = rate, burst, burst, now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there (0: now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def lend(self, now: float) -> float:
        """Take a token, borrowing against the future; return how long to sleep until it is really there."""
        self._refill(now)
        self.tokens -= 1.0
        return 0.0 if self.tokens >= 0.0 else -self.tokens / self.rate

    def idle(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.burst


class SendLimiter:
    """``shared`` (PostgreSQL, several processes): the bot-wide bucket is the one in the database
    (runtime/budget.py), taken a slice at a time; the per-chat buckets and 429 pauses stay in the process."""

    def __init__(
        self,
        limits: Limits = Limits(),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        shared: SharedBudget | None = None,
    ) -> None:
        self.limits, self.clock, self.sleep, self.shared = limits, clock, sleep, shared
        self._bot = _Bucket(limits.rate, limits.burst, clock())
        self._granted = 0  # tokens taken from the shared budget and not spent yet
        self._granted_at = 0.0
        self._shared_down = False  # the database did not answer the last take
        self._taking = asyncio.Lock()
        self._chats: dict[int, _Bucket] = {}
        self._last_sent: dict[int, float] = {}
        self._paused_until = 0.0
        self._chat_paused: dict[int, float] = {}
        self.retry_afters = 0  # 429s reported to the limiter
        self.global_pauses = 0

    def _chat(self, chat_id: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) >= PRUNE_AT:
                self._prune(now)
            bucket = self._chats[chat_id] = _Bucket(self.limits.chat_rate, self.limits.chat_burst, now)
        return bucket

    def _prune(self, now: float) -> None:
        for chat_id in [c for c, b in self._chats.items() if b.idle(now) and self._chat_paused.get(c, 0) <= now]:
            del self._chats[chat_id]
            self._last_sent.pop(chat_id, None)
            self._chat_paused.pop(chat_id, None)

    async def acquire(self, chat_id: int, per_chat: bool = True) -> None:
        """Return when a message to ``chat_id`` may be sent. ``per_chat=False`` (replies to what a user just did)
        skips the chat's bucket — Telegram tolerates a reply's burst in a private chat — but still waits out a 429
        for that chat."""
        while True:
            now = self.clock()
            chat = self._chat(chat_id, now)
            wait = max(
                self._paused_until - now, self._chat_paused.get(chat_id, 0.0) - now, chat.wait(now) if per_chat else 0.0
            )
            if wait > 0:
                await self.sleep(wait)
                continue
            if per_chat:
                chat.lend(now)  # there is a token: no sleep
            if self.shared is not None:
                await self._take_shared()
            else:
                await self._take_local()
            if self._paused_until > self.clock():  # a 429 arrived while this send waited its turn
                continue
            self._last_sent[chat_id] = self.clock()
            return

    async def _take_local(self) -> None:
        """A token of this process's own bot-wide bucket, sleeping until it is really there."""
        delay = self._bot.lend(self.clock())
        if delay > 0:
            await self.sleep(delay)

    async def _take_shared(self) -> None:
        async with self._taking:  # one caller refills for everyone waiting
            if self._granted > 0 and self.clock() - self._granted_at > SHARED_TOKEN_LIFE:
                self._granted = 0  # granted a while ago: spent now, they could join another process's burst
            while self._granted <= 0:
                try:
                    granted, wait = await self.shared.take(self.shared.slice)
                except Exception as exc:  # noqa: BLE001 - the database does not answer: this process's own bucket
                    if not self._shared_down:
                        log.warning(
                            "shared send budget unavailable; pacing on this process's own",
                            extra={"error": repr(exc)[:200]},
                        )
                    self._shared_down = True
                    await self._take_local()  # the bucket is unused otherwise in shared mode
                    return
                if self._shared_down:
                    log.warning("shared send budget available again")
                    self._shared_down = False
                self._granted, self._granted_at = granted, self.clock()
                if not granted:
                    await self.sleep(wait)
            self._granted -= 1

    def retry_after(self, chat_id: int, seconds: float) -> bool:
        """Telegram answered 429 for ``chat_id``: pause that chat, or every send. Return True if global."""
        now = self.clock()
        self.retry_afters += 1
        recent = self._last_sent.get(chat_id)
        if recent is not None and now - recent < 1.0 / self.limits.chat_rate:
            self._chat_paused[chat_id] = max(self._chat_paused.get(chat_id, 0.0), now + seconds)
            return False
        self._paused_until = max(self._paused_until, now + seconds)
        self.global_pauses += 1
        return True

    def paused_for(self) -> float:
        """Seconds the whole bot still waits for a 429 (0 when not paused)."""
        return max(0.0, self._paused_until - self.clock())
