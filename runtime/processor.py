"""Updates of different users run concurrently; updates of one user run one at a time, in order.

An update waits for its user's turn *before* it takes one of the processing slots, so one user's backlog (a flood)
never fills the slots others need. The flood guard (runtime/flood.py) judges each update as it arrives; one it
drops takes no slot (it still keeps its place in its user's order, which costs nothing). A replayed update (runtime/inbox.py: cut off by a stop) holds its user's later
updates back for at most ``REPLAY_BUDGET`` seconds; past that it goes on beside them.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)
REPLAY_BUDGET = 30.0  # seconds


class PerUserUpdateProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = 64, admit: Callable[[int, int], bool] | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self.admit = admit  # (user id, update id) → False: drop the update on arrival
        self.replays: set[int] = set()  # ids of replayed updates not yet begun
        self.dropped = 0  # updates dropped on arrival
        self._detached: set[asyncio.Task] = set()  # replays past their budget, still running

    async def process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        user = update.effective_user if isinstance(update, Update) else None
        if user is None:
            async with self._semaphore:
                await coroutine
            return
        if self.admit is not None and not user.is_bot and not self.admit(user.id, update.update_id):
            self.dropped += 1
            async with self._turn(user.id):  # in order (so a user's last update is handled last), but no slot:
                await coroutine  # the application sees the verdict and only marks it done (runtime/application.py)
            return
        async with self._turn(user.id), self._semaphore:
            if update.update_id in self.replays:
                self.replays.discard(update.update_id)
                await self._replay(update, coroutine)
            else:
                await coroutine

    @asynccontextmanager
    async def _turn(self, user_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(user_id, (asyncio.Lock(), 0))
        self._locks[user_id] = (lock, users + 1)
        try:
            async with lock:  # asyncio.Lock is FIFO: this user's updates keep their order
                yield
        finally:
            lock, users = self._locks[user_id]
            if users == 1:
                del self._locks[user_id]
            else:
                self._locks[user_id] = (lock, users - 1)

    async def _replay(self, update: Update, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        done, _ = await asyncio.wait({task}, timeout=REPLAY_BUDGET)
        if done:
            task.result()
            return
        log.warning(
            "a replayed update is still running; the user's next updates go ahead",
            extra={"update_id": update.update_id, "user_id": update.effective_user.id},
        )
        self._detached.add(task)
        task.add_done_callback(self._forget)

    def _forget(self, task: asyncio.Task) -> None:
        self._detached.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("a replayed update failed", exc_info=task.exception())

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        await coroutine  # not called: process_update orders turns and slots itself

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        for task in list(self._detached):  # left unfinished in the inbox: replayed at the next start
            task.cancel()
        if self._detached:
            await asyncio.gather(*self._detached, return_exceptions=True)
