"""python-telegram-bot persistence backed by the database (not a pickle file).

Conversation states and per-user data are JSON rows in ``bot_state``. PTB hands changes over one by one;
they are collected and written in one transaction by :meth:`DbPersistence.commit`, which the application
calls after every update (see :mod:`runtime.application`), so a restart — even ``kill -9`` — resumes each
user at the step they had reached.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from runtime.state_store import StateStore

USER_DATA = "user_data"


class DbPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, store: StateStore) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=True, callback_data=False),
            update_interval=60,
        )
        self.store = store
        self._pending: dict[tuple[str, str], Any] = {}
        self._done: list[int] = []  # updates handled since the last commit (runtime/inbox.py)
        self._writing = asyncio.Lock()

    def done(self, update_id: int) -> None:
        """The update was handled: mark it so in the inbox with the next commit."""
        self._done.append(update_id)

    @property
    def pending_done(self) -> int:
        return len(self._done)

    async def commit(self, finish: Callable[[], Awaitable[None]] | None = None) -> None:
        """Write what changed so far, and which updates are done, in one transaction (a group commit).

        Whoever holds the lock writes every change pending at that moment, its own and those of updates
        that finished meanwhile; when this returns, this caller's changes are in the database. If the write
        fails (the database is down), the changes stay pending for the next commit. ``finish``: the commit of the
        caller's unit of work (db/unit_of_work.py), which the write joined: the handler's work, the state and the
        done marks go in one transaction. It runs after the lock is let go, so units commit side by side (one
        fsync each on PostgreSQL); the order of two writes of a row is the order of their statements, which the
        lock keeps (the later one waits for the earlier one's row lock).
        """
        async with self._writing:
            pending, self._pending = self._pending, {}
            done, self._done = self._done, []
            try:
                await self.store.write(pending, done)
            except Exception:
                self._keep(pending, done)
                raise
        if finish is not None:
            try:
                await finish()
            except Exception:
                self._keep(pending, done)
                raise

    def _keep(self, pending: dict[tuple[str, str], Any], done: list[int]) -> None:
        """Not written: pending again for the next commit (values changed since stay the newer ones)."""
        self._pending = {**pending, **self._pending}
        self._done = done + self._done

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {int(key): value for key, value in (await self.store.load(USER_DATA)).items()}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self.store.load(f"conv:{name}")
        return {tuple(json.loads(key)): state for key, state in rows.items()}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        self._pending[(f"conv:{name}", json.dumps(list(key)))] = new_state

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        self._pending[(USER_DATA, str(user_id))] = data or None

    async def drop_user_data(self, user_id: int) -> None:
        self._pending[(USER_DATA, str(user_id))] = None

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        await self.commit()
