"""Telegram's flood limits as the fake server enforces them: ~30 messages/s per bot, ~1/s per chat.

Paid broadcasts (``allow_paid_broadcast``) draw on a bucket of their own, up to 1,000 messages/s; the per-chat
limit still applies to them.

Token buckets: a bucket holds up to ``burst`` tokens and refills at ``rate`` per second. A send that finds
its bucket empty is answered 429 with ``retry_after`` (whole seconds, at least 1), as Telegram does.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimits:
    """Limits for one bot. ``None`` disables a limit."""

    global_per_second: float | None = 30.0
    global_burst: float = 30.0
    per_chat_per_second: float | None = 1.0
    per_chat_burst: float = 3.0
    paid_per_second: float | None = 1000.0
    paid_burst: float = 200.0


@dataclass
class _Bucket:
    rate: float
    burst: float
    tokens: float
    stamp: float

    def take(self, now: float) -> float:
        """Take one token; return 0.0 on success or the seconds until one is available."""
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


@dataclass
class RateLimiter:
    limits: RateLimits
    clock: Callable[[], float] = time.monotonic
    _global: _Bucket | None = None
    _paid: _Bucket | None = None
    _chats: dict[int, _Bucket] = field(default_factory=dict)
    hits: int = 0  # how many 429s were answered

    def check(self, chat_id: int, paid: bool = False) -> int | None:
        """Account one message to ``chat_id``; return ``retry_after`` seconds if it must be refused."""
        now = self.clock()
        wait = 0.0
        if self.limits.per_chat_per_second:
            bucket = self._chats.get(chat_id)
            if bucket is None:
                bucket = self._chats[chat_id] = _Bucket(
                    self.limits.per_chat_per_second, self.limits.per_chat_burst, self.limits.per_chat_burst, now
                )
            wait = bucket.take(now)
            if wait:
                self.hits += 1
                return max(1, math.ceil(wait))
        if paid and self.limits.paid_per_second:
            if self._paid is None:
                self._paid = _Bucket(self.limits.paid_per_second, self.limits.paid_burst, self.limits.paid_burst, now)
            shared: _Bucket | None = self._paid
        elif self.limits.global_per_second:
            if self._global is None:
                self._global = _Bucket(
                    self.limits.global_per_second, self.limits.global_burst, self.limits.global_burst, now
                )
            shared = self._global
        else:
            shared = None
        if shared is not None:
            wait = shared.take(now)
            if wait:
                if self.limits.per_chat_per_second:
                    self._chats[chat_id].tokens += 1.0  # the chat's token was not spent after all
                self.hits += 1
                return max(1, math.ceil(wait))
        return None
