"""The people's side of the fake Telegram: users known to it send messages, press buttons and block the bot; each
action becomes an update for the bot to fetch."""

from __future__ import annotations

import asyncio
from typing import Any

from .state import World, now


class People:
    world: World
    last_update_id: int
    _update_event: asyncio.Event | None

    def save(self) -> None: ...

    def add_user(
        self,
        user_id: int,
        first_name: str,
        language_code: str | None = "zh-hans",
        username: str | None = None,
        last_name: str | None = None,
    ) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        self.world.users[user_id] = user
        return user

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to them answer 403 from now on."""
        self.world.blocked.add(user_id)

    def add_group(self, chat_id: int, title: str) -> dict[str, Any]:
        """A group chat (negative id) the bot is a member of: the bot may send to it; members press its buttons."""
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self.world.groups[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> dict[str, Any]:
        """The chat object of a group or of a user's private chat."""
        return dict(self.world.groups[chat_id]) if chat_id in self.world.groups else self.private_chat(chat_id)

    def private_chat(self, user_id: int) -> dict[str, Any]:
        user = self.world.users[user_id]
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        return chat

    def user_message(self, user_id: int, **content: Any) -> dict[str, Any]:
        """A person sends a message (text, sticker, photo, contact …) to the bot; returns it."""
        message = {
            "message_id": self.world.next_message_id(user_id),
            "from": self.world.users[user_id],
            "chat": self.private_chat(user_id),
            "date": now(),
            **content,
        }
        self.world.messages[(user_id, message["message_id"])] = message
        self.enqueue({"message": message})
        return message

    def user_press(self, user_id: int, message: dict[str, Any], data: str) -> str:
        """A person presses an inline button carrying ``data`` under ``message``; returns the query id."""
        query_id = self.world.next_callback_id()
        self.world.callback_answers[query_id] = {}
        self.world.query_chats[query_id] = user_id
        self.enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.world.users[user_id],
                    "message": message,
                    "chat_instance": f"ci{user_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def enqueue(self, payload: dict[str, Any]) -> int:
        update_id = self.world.next_update_id()
        self.world.updates.append({"update_id": update_id, **payload})
        self.last_update_id = update_id
        self.save()
        self._event().set()
        return update_id

    def _event(self) -> asyncio.Event:
        if self._update_event is None:
            self._update_event = asyncio.Event()
        return self._update_event
