"""A stand-in Telegram Bot API: answers the bot's method calls with Telegram's JSON shapes and errors.

One ``FakeBotAPI`` is one Telegram as seen by one bot token. The bot reaches it through
:class:`fakebotapi.request.FakeRequest` (in process) or :mod:`fakebotapi.http` (a real HTTP server);
simulated people reach it through :class:`fakebotapi.user.FakeUser`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from .htmltext import HtmlParseError, html_to_text
from .people import People
from .ratelimit import RateLimiter, RateLimits
from .state import ApiError, Fault, Notifier, UploadedFiles, World, load_world, now, parse_params, save_world
from .webhooks import Webhooks

log = logging.getLogger(__name__)

DEFAULT_TOKEN = "123456789:AAFakeTokenForZhuqiBotTests_0123456789"

SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "sendSticker", "copyMessage", "forwardMessage"}
MAX_TEXT = 4096
MAX_CAPTION = 1024


def _chat_of(raw: dict[str, Any]) -> int | None:
    value = raw.get("chat_id")
    if isinstance(value, (bytes, bytearray)):
        value = value.decode()
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class ConnectionDropped(Exception):
    """An injected broken connection: the transport (HTTP or in-process) gives the bot no answer at all."""


class FakeBotAPI(Webhooks, People):
    """Telegram's Bot API as far as zhuqi-bot uses it; the people's side (users sending, pressing, blocking) is
    in :class:`People`."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        username: str = "zhuqi_test_bot",
        rate_limits: RateLimits | None = None,
        clock: Callable[[], float] = time.monotonic,
        state_path: str | os.PathLike[str] | None = None,
    ) -> None:
        self.token = token
        self.bot_user = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "助企行",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.world = World()
        self.limiter = RateLimiter(rate_limits, clock) if rate_limits else None
        self.notifier = Notifier()
        self._watched: set[str] = set()  # methods someone waits for (wait_called)
        self._update_event: asyncio.Event | None = None
        self.webhook: dict[str, Any] | None = None  # set by setWebhook: updates are pushed, not fetched
        self.webhook_answers: list[int] = []  # the HTTP status of every push (0: no answer)
        self._pusher: asyncio.Task | None = None
        self.latency: float = 0.0  # seconds added to every call, to simulate a network
        self.last_update_id = 0
        self.polled_offset = 0  # the offset of the latest getUpdates: every update below it is acknowledged
        # with a state file, this Telegram's numbering and latest messages outlive the process (the console chat):
        # a restarted one must not number updates from 1 again, or the bot takes them for ones it has handled
        self.state_path = Path(state_path) if state_path is not None else None
        if self.state_path is not None:
            self.state_path.parent.mkdir(parents=True, exist_ok=True)
        self.state_note: str | None = None  # why a state file was not read (it is kept beside, as .bad)
        if self.state_path is not None and self.state_path.exists():
            self.world, self.state_note = load_world(self.state_path)
            self.last_update_id = self.world.last_ids["update"]

    # ------------------------------------------------------------------ entry point
    async def call(
        self, token: str, method: str, raw: dict[str, Any], files: UploadedFiles | None = None
    ) -> tuple[int, bytes]:
        """Handle one Bot API request; return (HTTP status, JSON body) as Telegram would."""
        self.world.calls[method] = self.world.calls.get(method, 0) + 1
        if method in self._watched:
            await self.notifier.notify()
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            if self.latency:
                await asyncio.sleep(self.latency)
            fault = self.world.take_fault(method, _chat_of(raw))
            if fault is not None:
                if fault.drop:
                    raise ConnectionDropped(f"injected dropped connection in {method}")
                if fault.timeout:
                    raise TimeoutError(f"injected timeout in {method}")
                raise ApiError(fault.code, fault.description, fault.retry_after)
            handler: Callable[..., Awaitable[Any]] | None = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found: method not found")
            result = await handler(parse_params(raw), files or {})
            return 200, json.dumps({"ok": True, "result": result}, ensure_ascii=False).encode()
        except ApiError as exc:
            return exc.code, json.dumps(exc.payload(), ensure_ascii=False).encode()

    def inject(
        self,
        method: str,
        code: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        count: int = 1,
        timeout: bool = False,
        chat_id: int | None = None,
        drop: bool = False,
    ) -> None:
        """Make the next ``count`` calls of ``method`` ("*" for any; for ``chat_id`` only, if given) fail this way:
        an error answer, no answer (``timeout``) or a broken connection (``drop``)."""
        self.world.faults.append(Fault(method, code, description, retry_after, count, timeout, chat_id, drop))

    async def wait_called(self, method: str, times: int = 1, timeout: float = 30.0) -> None:
        """Wait until the bot has called ``method`` at least ``times`` times in all."""
        self._watched.add(method)
        async with self.notifier.condition:
            await asyncio.wait_for(
                self.notifier.condition.wait_for(lambda: self.world.calls.get(method, 0) >= times), timeout
            )

    async def wait_polled(self, offset: int, timeout: float = 10.0) -> None:
        """Wait until the bot has polled with at least ``offset``: every update below it is acknowledged."""
        async with self.notifier.condition:
            await asyncio.wait_for(self.notifier.condition.wait_for(lambda: self.polled_offset >= offset), timeout)

    def log_for(self, chat_id: int) -> list[dict[str, Any]]:
        return self.world.chat_log.setdefault(chat_id, [])

    def save(self) -> None:
        """Write the state file (when there is one), whole or not at all: after every update and every bot message."""
        if self.state_path is not None:
            save_world(self.world, self.state_path)

    async def _emit(self, chat_id: int, kind: str, message: dict[str, Any]) -> None:
        self.log_for(chat_id).append({"type": kind, "message": dict(message)})
        self.save()
        await self.notifier.notify(chat_id)

    # ------------------------------------------------------------------ helpers for methods
    def _chat(self, chat_id: Any) -> int:
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        if not isinstance(chat_id, int) or (chat_id not in self.world.users and chat_id not in self.world.groups):
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _check_send(self, chat_id: int, paid: bool = False) -> None:
        if chat_id in self.world.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if self.limiter is not None:
            retry_after = self.limiter.check(chat_id, paid)
            if retry_after is not None:
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    @staticmethod
    def _render(text: str, parse_mode: str | None, what: str = "message text") -> str:
        if parse_mode and parse_mode.upper() == "HTML":
            try:
                text = html_to_text(text)
            except HtmlParseError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        if not text.strip():
            raise ApiError(400, f"Bad Request: {what} is empty")
        return text

    def _markup(self, params: dict[str, Any]) -> dict[str, Any]:
        markup = params.get("reply_markup")
        if markup is None:
            return {}
        if "inline_keyboard" in markup:
            for row in markup["inline_keyboard"]:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(data.encode()) <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            return {"reply_markup": markup}
        return {"_keyboard": markup}  # reply keyboards are not part of the message object

    async def _deliver(self, chat_id: int, content: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
        self._check_send(chat_id, bool(params.get("allow_paid_broadcast")))
        message = {
            "message_id": self.world.next_message_id(chat_id),
            "from": self.bot_user,
            "chat": self.chat(chat_id),
            "date": now(),
            **content,
            **self._markup(params),
        }
        self.world.messages[(chat_id, message["message_id"])] = message
        await self._emit(chat_id, "message", message)
        return {k: v for k, v in message.items() if not k.startswith("_")}

    def _bot_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        chat_id = self._chat(params.get("chat_id"))
        message = self.world.messages.get((chat_id, params.get("message_id", -1)))
        if message is None or message["from"].get("id") != self.bot_user["id"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        return chat_id, message

    def _file_param(self, name: str, params: dict[str, Any], files: UploadedFiles, kind: str) -> Any:
        value = params.get(name)
        key = value[len("attach://") :] if isinstance(value, str) and value.startswith("attach://") else name
        if key in files:
            _filename, content, mime = files[key]
            return self.world.store_file(content, kind, mime)
        if isinstance(value, str) and value in self.world.files:
            return self.world.files[value]
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # ------------------------------------------------------------------ Bot API methods
    async def _m_getMe(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        return self.bot_user

    async def _m_logOut(self, p: dict, f: UploadedFiles) -> bool:
        return True

    _m_close = _m_logOut

    async def _m_getUpdates(self, p: dict, f: UploadedFiles) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook "
                "to delete the webhook first",
            )
        offset = p.get("offset") or 0
        if offset:
            self.world.updates = [u for u in self.world.updates if u["update_id"] >= offset]
            if offset > self.polled_offset:
                self.polled_offset = offset
                await self.notifier.notify()
        timeout = float(p.get("timeout") or 0)
        if not self.world.updates and timeout > 0:
            event = self._event()
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        return self.world.updates[: int(p.get("limit") or 100)]

    async def _m_sendMessage(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        chat_id = self._chat(p.get("chat_id"))
        text = self._render(str(p.get("text", "")), p.get("parse_mode"))
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return await self._deliver(chat_id, {"text": text}, p)

    async def _send_media(self, p: dict, f: UploadedFiles, name: str) -> dict[str, Any]:
        chat_id = self._chat(p.get("chat_id"))
        stored = self._file_param(name, p, f, name)
        content: dict[str, Any] = {}
        ref = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.content)}
        if name == "photo":
            content["photo"] = [{**ref, "width": 640, "height": 480}]
        elif name == "document":
            content["document"] = {
                **ref,
                "file_name": (f.get(name) or ("document",))[0] or "document",
                **({"mime_type": stored.mime_type} if stored.mime_type else {}),
            }
        else:
            content["sticker"] = {
                **ref,
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        if p.get("caption"):
            caption = self._render(str(p["caption"]), p.get("parse_mode"), "caption")
            if len(caption) > MAX_CAPTION:
                raise ApiError(400, "Bad Request: message caption is too long")
            content["caption"] = caption
        return await self._deliver(chat_id, content, p)

    async def _m_sendPhoto(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        return await self._send_media(p, f, "photo")

    async def _m_sendDocument(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        return await self._send_media(p, f, "document")

    async def _m_sendSticker(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        return await self._send_media(p, f, "sticker")

    async def _m_editMessageText(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        chat_id, message = self._bot_message(p)
        text = self._render(str(p.get("text", "")), p.get("parse_mode"))
        if len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        markup = self._markup(p).get("reply_markup")
        if text == message.get("text") and markup == message.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup of the message",
            )
        message["text"] = text
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = now()
        await self._emit(chat_id, "edit", message)
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def _m_editMessageReplyMarkup(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        chat_id, message = self._bot_message(p)
        markup = self._markup(p).get("reply_markup")
        if markup == message.get("reply_markup"):
            raise ApiError(400, "Bad Request: message is not modified")
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = now()
        await self._emit(chat_id, "edit", message)
        return {k: v for k, v in message.items() if not k.startswith("_")}

    async def _m_deleteMessage(self, p: dict, f: UploadedFiles) -> bool:
        chat_id = self._chat(p.get("chat_id"))
        message = self.world.messages.pop((chat_id, p.get("message_id", -1)), None)
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        await self._emit(chat_id, "delete", message)
        return True

    async def _m_answerCallbackQuery(self, p: dict, f: UploadedFiles) -> bool:
        query_id = str(p.get("callback_query_id"))
        if self.world.callback_answers.get(query_id) != {}:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.world.callback_answers[query_id] = {"text": p.get("text"), "show_alert": bool(p.get("show_alert"))}
        await self.notifier.notify(self.world.query_chats.pop(query_id, None))
        return True

    async def _m_sendChatAction(self, p: dict, f: UploadedFiles) -> bool:
        self._chat(p.get("chat_id"))
        return True

    @staticmethod
    def commands_key(p: dict) -> str:
        """Commands are kept per scope and language: '<scope JSON>|<language code>'."""
        scope = json.dumps(p.get("scope") or {"type": "default"}, sort_keys=True)
        return f"{scope}|{p.get('language_code') or ''}"

    async def _m_setMyCommands(self, p: dict, f: UploadedFiles) -> bool:
        self.world.commands[self.commands_key(p)] = list(p.get("commands") or [])
        return True

    async def _m_getMyCommands(self, p: dict, f: UploadedFiles) -> list[dict[str, Any]]:
        return self.world.commands.get(self.commands_key(p), [])

    async def _m_deleteMyCommands(self, p: dict, f: UploadedFiles) -> bool:
        self.world.commands.pop(self.commands_key(p), None)
        return True

    async def _m_getFile(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        stored = self.world.files.get(str(p.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    async def _m_getChat(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        return {**self.chat(self._chat(p.get("chat_id"))), "accent_color_id": 0, "max_reaction_count": 11}
