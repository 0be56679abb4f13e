"""Updates of different users run concurrently; updates of one user run one at a time, in order."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            await coroutine
            return
        lock, users = self._locks.get(user.id, (asyncio.Lock(), 0))
        self._locks[user.id] = (lock, users + 1)
        try:
            async with lock:  # asyncio.Lock is FIFO: this user's updates keep their order
                await coroutine
        finally:
            lock, users = self._locks[user.id]
            if users == 1:
                del self._locks[user.id]
            else:
                self._locks[user.id] = (lock, users - 1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
