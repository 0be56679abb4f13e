"""Replies share the delivery engine's rate budget (runtime/ratelimit.py): one bot, one Telegram limit. A reply
answers what the user just did, so it skips the chat's own bucket (Telegram tolerates a short burst in a private
chat, and pacing a conversation at 1/s would make every step slow) but takes its token from the bot's.

python-telegram-bot's own AIORateLimiter stops every request of the bot while it waits out a 429; this one waits
only for the chat Telegram named (or, if that chat was idle, pauses the shared budget as the delivery engine does),
so one busy chat never freezes the others. A 429 is retried at most ``max_retries`` times.

A request whose connection broke (a network error other than a timeout: refused, reset, the server hung up) is
sent again after a short pause, at most ``max_retries`` times, so a flaky line does not cost the user an answer.
If Telegram had taken the message before the line broke, the user sees it twice: the replies' in-flight window.
A timeout is not retried: Telegram may still be sending the message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from runtime.ratelimit import SendLimiter

NETWORK_PAUSE = 0.5  # seconds before the first retry of a broken connection (then 1, 2)
# the methods that put a message into a chat (and count against its limit)
LIMITED = {
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "sendSticker",
    "sendVideo",
    "sendAudio",
    "sendVoice",
    "sendAnimation",
    "sendMediaGroup",
    "sendLocation",
    "sendContact",
    "copyMessage",
    "forwardMessage",
    "editMessageText",
    "editMessageCaption",
    "editMessageReplyMarkup",
    "editMessageMedia",
}


def retry_seconds(exc: RetryAfter) -> float:
    """How long Telegram asked to wait (PTB gives a timedelta or, without PTB_TIMEDELTA, seconds)."""
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class ReplyLimiter(BaseRateLimiter[int]):
    def __init__(self, limiter: SendLimiter, max_retries: int = 3) -> None:
        self.limiter, self.max_retries = limiter, max_retries

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        limited = endpoint in LIMITED and isinstance(chat_id, int)
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            if limited:
                await self.limiter.acquire(chat_id, per_chat=False)
            try:
                return await callback(*args, **kwargs)
            except TimedOut:
                raise
            except NetworkError:
                if attempt == retries:
                    raise
                await asyncio.sleep(NETWORK_PAUSE * 2**attempt)
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                seconds = retry_seconds(exc)
                if limited:
                    self.limiter.retry_after(chat_id, seconds)  # acquire() waits it out, for this chat or all
                else:
                    await asyncio.sleep(seconds)
        raise AssertionError("unreachable")
