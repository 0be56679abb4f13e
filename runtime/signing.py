"""Signed callback data: a button only works in the chat the bot sent it to, exactly as the bot wrote it.

Every inline button the bot sends carries ``data~sig``, where ``sig`` is a truncated HMAC-SHA256 of the chat id
and the data under a key derived from the bot token (so every process of the bot, and every restart, agrees).
When a press comes back the signature is checked before any handler runs: forged data, data copied from another
user's message, or data a client made up are refused (logged, answered "button no longer valid") and never
reach a handler. Handlers still check roles and ownership themselves: the signature proves where a button was
sent, never who may do what.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ExtBot, InvalidCallbackData

from db import unit_of_work
from runtime.inbox import Inbox, take

log = logging.getLogger(__name__)
SEPARATOR = "~"
SIG_CHARS = 6  # 36 bits: guessing one takes ~3·10¹⁰ presses, far past the per-user flood limit
MAX_DATA = 64  # bytes, Telegram's limit for callback_data


class ForgedCallbackData(InvalidCallbackData):
    """What a press carries instead of its data when the signature does not check out."""


class CallbackSigner:
    def __init__(self, token: str) -> None:
        self._key = hashlib.sha256(b"zhuqi-callback-data\0" + token.encode()).digest()

    def _sig(self, chat_id: int, data: str) -> str:
        digest = hmac.new(self._key, f"{chat_id}\0{data}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:SIG_CHARS]

    def sign(self, chat_id: int, data: str) -> str:
        signed = f"{data}{SEPARATOR}{self._sig(chat_id, data)}"
        if len(signed.encode()) > MAX_DATA:
            raise ValueError(f"callback data too long to sign: {data!r}")
        return signed

    def verify(self, chat_id: int, signed: str) -> str | None:
        """The data the bot wrote, or None when ``signed`` was not written by this bot for this chat."""
        data, sep, sig = signed.rpartition(SEPARATOR)
        if not sep or not hmac.compare_digest(sig, self._sig(chat_id, data)):
            return None
        return data

    def sign_markup(self, chat_id: int, markup: Any) -> Any:
        if not isinstance(markup, InlineKeyboardMarkup):
            return markup
        rows = [[self._sign_button(chat_id, button) for button in row] for row in markup.inline_keyboard]
        return InlineKeyboardMarkup(rows)

    def _sign_button(self, chat_id: int, button: InlineKeyboardButton) -> InlineKeyboardButton:
        data = button.callback_data
        if not isinstance(data, str) or self.verify(chat_id, data) is not None:  # a url button, or signed already
            return button
        return InlineKeyboardButton(button.text, callback_data=self.sign(chat_id, data))

    def check(self, query: CallbackQuery) -> None:
        """Put back the data the bot wrote into ``query``, or mark it forged."""
        if not isinstance(query.data, str):
            return
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        data = self.verify(chat_id, query.data)
        with query._unfrozen():
            query.data = data if data is not None else ForgedCallbackData(query.data[:MAX_DATA])
        message = query.message
        if isinstance(message, Message) and isinstance(message.reply_markup, InlineKeyboardMarkup):
            with message._unfrozen():  # its buttons as the bot wrote them too (which one was pressed: its label)
                message.reply_markup = self.unsign_markup(chat_id, message.reply_markup)

    def unsign_markup(self, chat_id: int, markup: InlineKeyboardMarkup) -> InlineKeyboardMarkup:
        """``markup`` with each button's data as the bot wrote it (a button whose signature fails keeps its own)."""

        def unsigned(button: InlineKeyboardButton) -> InlineKeyboardButton:
            data = button.callback_data
            plain = self.verify(chat_id, data) if isinstance(data, str) else None
            return button if plain is None else InlineKeyboardButton(button.text, callback_data=plain)

        return InlineKeyboardMarkup([[unsigned(button) for button in row] for row in markup.inline_keyboard])


class SigningBot(ExtBot):
    """An ExtBot that signs the callback data of every keyboard it sends and checks it on every press. With an
    ``inbox``, the updates it polls are written there, as Telegram sent them, before they are handed on."""

    __slots__ = ("_polled", "fetched", "inbox", "signer")

    def __init__(self, *args: Any, inbox: Inbox | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        with self._unfrozen():
            self.signer = CallbackSigner(self.token)
            self.inbox = inbox
            self.fetched = 0  # the highest update id fetched so far: the next poll acknowledges it
            self._polled: list[dict[str, Any]] = []  # the last getUpdates result as Telegram sent it (JSON)

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        await unit_of_work.before_speaking()  # what the update wrote so far is committed first (db/unit_of_work.py)
        result = await super()._post(endpoint, *args, **kwargs)
        if endpoint == "getUpdates" and isinstance(result, list):  # kept for the inbox: parsing leaves it intact
            with self._unfrozen():
                self._polled = result
        return result

    async def get_updates(self, offset: int | None = None, *args: Any, **kwargs: Any) -> tuple[Update, ...]:
        # python-telegram-bot moves its offset past the updates it is handed; when the inbox drops a whole batch (all
        # delivered before) it is handed none, so the offset is moved here: past everything fetched, always
        if self.fetched and (offset is None or offset >= 0):
            offset = max(offset or 0, self.fetched + 1)
        updates: Any = await Bot.get_updates(
            self, offset, *args, **kwargs
        )  # as Telegram sent them (ExtBot's adds the check)
        last = max((update.update_id for update in updates), default=0)
        if self.inbox is not None:
            sent = {raw.get("update_id"): raw for raw in self._polled if isinstance(raw, dict)}
            updates = await take(self.inbox, updates, sent)  # raises, and acknowledges nothing, if it cannot write them
        if last > self.fetched:
            with self._unfrozen():
                self.fetched = last
        for update in updates:
            self.insert_callback_data(update)
        return tuple(updates)

    async def _send_message(self, endpoint: str, data: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        chat_id = data.get("chat_id")
        if isinstance(chat_id, int) and kwargs.get("reply_markup") is not None:
            kwargs["reply_markup"] = self.signer.sign_markup(chat_id, kwargs["reply_markup"])
        return await super()._send_message(endpoint, data, *args, **kwargs)

    def insert_callback_data(self, update: Update) -> None:
        super().insert_callback_data(update)
        if update.callback_query is not None:
            self.signer.check(update.callback_query)
