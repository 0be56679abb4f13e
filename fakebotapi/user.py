"""A simulated Telegram user: sends messages, presses buttons and waits for the bot's answers.

Waiting is event-driven (the server notifies on every bot message, edit and callback answer), so tests
never sleep to synchronise.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from .server import FakeBotAPI

Event = dict[str, Any]


class FakeUser:
    def __init__(
        self,
        api: FakeBotAPI,
        user_id: int,
        first_name: str = "测试用户",
        language_code: str | None = "zh-hans",
        username: str | None = None,
        last_name: str | None = None,
    ) -> None:
        self.api = api
        self.id = user_id
        api.add_user(user_id, first_name, language_code, username, last_name)
        self.cursor = read_so_far(api, user_id)  # how many of this chat's bot events have been consumed

    # ----------------------------------------------------------------- sending
    def send(self, text: str, reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        """Type a message (optionally as a reply to ``reply_to``). A leading /command gets its bot_command entity,
        as Telegram clients add it."""
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            length = len(text.split()[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            content["reply_to_message"] = reply_to
        return self.api.user_message(self.id, **content)

    def forward(self, original: dict[str, Any]) -> dict[str, Any]:
        """Forward to the bot a message someone else sent (its sender shows as the forward origin)."""
        return self.api.user_message(
            self.id,
            text=original.get("text", ""),
            forward_origin={"type": "user", "sender_user": original["from"], "date": original["date"]},
        )

    def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        stored = self.api.world.store_file(b"RIFF....WEBP", "sticker", "image/webp")
        return self.api.user_message(
            self.id,
            sticker={
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
                "emoji": emoji,
            },
        )

    def send_voice(self, content: bytes = b"OggS fake voice", duration: int = 3) -> dict[str, Any]:
        stored = self.api.world.store_file(content, "voice", "audio/ogg")
        return self.api.user_message(
            self.id,
            voice={
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "duration": duration,
                "mime_type": "audio/ogg",
                "file_size": len(content),
            },
        )

    def send_photo(self, content: bytes = b"\x89PNG fake", caption: str | None = None) -> dict[str, Any]:
        stored = self.api.world.store_file(content, "photo", "image/png")
        extra = {"caption": caption} if caption else {}
        return self.api.user_message(
            self.id,
            photo=[
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": 640,
                    "height": 480,
                    "file_size": len(content),
                }
            ],
            **extra,
        )

    def send_document(
        self, content: bytes, file_name: str, mime_type: str = "application/octet-stream", caption: str | None = None
    ) -> dict[str, Any]:
        stored = self.api.world.store_file(content, "document", mime_type)
        extra = {"caption": caption} if caption else {}
        return self.api.user_message(
            self.id,
            document={
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_name": file_name,
                "mime_type": mime_type,
                "file_size": len(content),
            },
            **extra,
        )

    def send_contact(self, phone_number: str, first_name: str | None = None) -> dict[str, Any]:
        return self.api.user_message(
            self.id,
            contact={
                "phone_number": phone_number,
                "user_id": self.id,
                "first_name": first_name or self.api.world.users[self.id]["first_name"],
            },
        )

    def send_location(self, latitude: float = 30.87, longitude: float = 120.09) -> dict[str, Any]:
        return self.api.user_message(self.id, location={"latitude": latitude, "longitude": longitude})

    def edit(self, original: dict[str, Any], text: str) -> int:
        """Edit one of this user's earlier messages; returns the update id of the ``edited_message``."""
        edited = {**original, "text": text, "edit_date": original["date"] + 1}
        self.api.world.messages[(self.id, original["message_id"])] = edited
        return self.api.enqueue({"edited_message": edited})

    # ----------------------------------------------------------------- buttons
    def current(self, message_id: int) -> dict[str, Any]:
        return self.api.world.messages[(self.id, message_id)]

    def keyboard_message(self) -> dict[str, Any]:
        """The newest bot message in this chat that still has an inline keyboard."""
        for (chat_id, _mid), message in sorted(self.api.world.messages.items(), key=lambda kv: -kv[0][1]):
            if (
                chat_id == self.id
                and message.get("reply_markup", {}).get("inline_keyboard")
                and message["from"]["id"] == self.api.bot_user["id"]
            ):
                return message
        raise AssertionError("no bot message with an inline keyboard in this chat")

    @staticmethod
    def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
        return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]

    def press(self, label: str, message: dict[str, Any] | None = None) -> str:
        """Press the button whose text equals (or else contains) ``label``; return the callback query id."""
        message = message or self.keyboard_message()
        buttons = self.buttons(message)
        found = [b for b in buttons if b["text"] == label] or [b for b in buttons if label in b["text"]]
        if not found:
            raise AssertionError(f"no button {label!r} in {[b['text'] for b in buttons]}")
        return self.api.user_press(self.id, message, found[0]["callback_data"])

    def press_data(self, data: str, message: dict[str, Any] | None = None) -> str:
        """Send a callback query with arbitrary (possibly forged or stale) data."""
        return self.api.user_press(self.id, message or self.keyboard_message(), data)

    # ----------------------------------------------------------------- waiting
    def events(self) -> list[Event]:
        return self.api.log_for(self.id)

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        condition = self.api.notifier.for_chat(self.id)
        async with condition:
            result = await asyncio.wait_for(condition.wait_for(predicate), timeout)
        return result

    async def next_event(self, timeout: float = 10.0) -> Event:
        await self.wait_until(lambda: len(self.events()) > self.cursor, timeout)
        event = self.events()[self.cursor]
        self.cursor += 1
        return event

    async def expect(self, needle: str | tuple[str, ...], timeout: float = 10.0) -> dict[str, Any]:
        """Consume events until a bot message or edit whose text contains ``needle`` (or one of several);
        return that message."""
        needles = (needle,) if isinstance(needle, str) else needle

        def find() -> dict[str, Any] | None:
            log = self.events()
            for index in range(self.cursor, len(log)):
                message = log[index]["message"]
                text = message.get("text") or message.get("caption") or ""
                if log[index]["type"] != "delete" and any(n in text for n in needles):
                    self.cursor = index + 1
                    return message
            return None

        try:
            return await self.wait_until(find, timeout)
        except TimeoutError:
            seen = [e["message"].get("text") for e in self.events()[self.cursor :]]
            raise AssertionError(f"bot never said {needle!r}; unread: {seen}") from None

    async def answer_to(self, query_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Wait until the bot answered callback query ``query_id``; return the answer (text, show_alert)."""
        answers = self.api.world.callback_answers
        await self.wait_until(lambda: answers.get(query_id), timeout)
        return answers[query_id]

    def texts(self) -> list[str]:
        return [e["message"].get("text") or e["message"].get("caption") or "" for e in self.events()]


class FakeGroup(FakeUser):
    """A group chat the bot is in (e.g. the staff group), read like a user's chat: what the bot posted there and
    its buttons. Its members press those buttons as themselves: ``member.press(label, message_in_the_group)``."""

    def __init__(self, api: FakeBotAPI, chat_id: int, title: str = "工作群") -> None:
        self.api = api
        self.id = chat_id
        api.add_group(chat_id, title)
        self.cursor = read_so_far(api, chat_id)


def read_so_far(api: FakeBotAPI, chat_id: int) -> int:
    """Where a reader of the chat starts: none of a new chat's events are read; of a chat restored from the state
    file, what its reader had read before the restart (all of it, when nobody kept count)."""
    return min(api.world.read.get(chat_id, 0), len(api.log_for(chat_id)))
