"""What the fake Telegram keeps: users, chats, messages, files, the update queue and the error answers."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

UploadedFiles = dict[str, tuple[str | None, bytes, str | None]]  # field name → (file name, bytes, MIME type)

log = logging.getLogger(__name__)

# Parameters whose values arrive JSON-encoded (objects, arrays, booleans, numbers).
JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "commands",
    "scope",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "menu_button",
    "media",
    "results",
}
INT_FIELDS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "from_chat_id",
    "user_id",
    "cache_time",
    "message_thread_id",
    "reply_to_message_id",
    "max_connections",
}
BOOL_FIELDS = {
    "show_alert",
    "disable_notification",
    "protect_content",
    "allow_paid_broadcast",
    "drop_pending_updates",
    "disable_web_page_preview",
    "allow_sending_without_reply",
}


def parse_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode form/JSON parameters the way the Bot API server does."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, (bytes, bytearray)):
            value = value.decode()
        if isinstance(value, str):
            if key in JSON_FIELDS or key in BOOL_FIELDS:
                try:
                    value = json.loads(value)
                except ValueError as exc:
                    raise ApiError(400, f"Bad Request: can't parse {key} JSON object") from exc
            elif key in INT_FIELDS:
                try:
                    value = int(value)
                except ValueError:
                    if key != "chat_id":  # chat_id may be @username
                        raise ApiError(400, f"Bad Request: invalid {key}") from None
        out[key] = value
    return out


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


SNAPSHOT_VERSION = 2  # 1: numbering, messages and files; 2: also people, chats, bot events, pending updates


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    mime_type: str | None = None


@dataclass
class Fault:
    """An injected failure: the next ``count`` calls of ``method`` answer this error (or time out)."""

    method: str
    code: int
    description: str
    retry_after: int | None = None
    count: int = 1
    timeout: bool = False
    chat_id: int | None = None  # only calls for this chat (None: any)
    drop: bool = False  # the connection breaks before Telegram reads the request: no answer, nothing done


@dataclass
class World:
    """The mutable state of one fake Telegram."""

    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    groups: dict[int, dict[str, Any]] = field(default_factory=dict)  # group chats the bot is in: id → chat object
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chat_log: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # bot → user events per chat
    files: dict[str, StoredFile] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    callback_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    query_chats: dict[str, int] = field(default_factory=dict)  # open callback query → the user's chat
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=dict)
    # the last number given out: update ids, message ids per chat, files, callback queries
    last_ids: dict[str, int] = field(default_factory=lambda: {"update": 0, "file": 0, "callback": 0})
    message_ids: dict[int, int] = field(default_factory=dict)
    # how many of a chat's bot events its reader (the console) has shown: a restart shows what came after, unseen
    read: dict[int, int] = field(default_factory=dict)
    # how many of a chat's bot events the console has announced ("→ 王丽 收到 1 条消息") or shown: a restart announces
    # only what came after (what was announced and not read stays to be shown)
    announced: dict[int, int] = field(default_factory=dict)
    # whom the console last typed as: a restarted console goes on as them
    console_seat: int | None = None

    def _next(self, what: str) -> int:
        self.last_ids[what] += 1
        return self.last_ids[what]

    def next_message_id(self, chat_id: int) -> int:
        self.message_ids[chat_id] = self.message_ids.get(chat_id, 0) + 1
        return self.message_ids[chat_id]

    def next_update_id(self) -> int:
        return self._next("update")

    def next_callback_id(self) -> str:
        return str(self._next("callback"))

    def snapshot(self, keep: int = 500) -> dict[str, Any]:
        """What a restarted Telegram needs to go on where this one stopped, as JSON: the numbering (a bot keeps the
        update ids it has seen, and message ids it may edit), the people and group chats, each chat's latest
        ``keep`` messages (their buttons can still be pressed) and bot events, the updates not yet fetched, the
        open button presses, and the latest ``keep`` files."""
        files = list(self.files.values())[-keep:]
        latest: dict[int, list[dict[str, Any]]] = {}
        for (chat_id, _message_id), message in self.messages.items():
            latest.setdefault(chat_id, []).append(message)
        return {
            "version": SNAPSHOT_VERSION,
            "last_ids": self.last_ids,
            "message_ids": {str(k): v for k, v in self.message_ids.items()},
            "users": list(self.users.values()),
            "groups": list(self.groups.values()),
            "blocked": sorted(self.blocked),
            "messages": [m for chat in latest.values() for m in chat[-keep:]],
            "chat_log": {str(k): v[-keep:] for k, v in self.chat_log.items()},
            "read": self._trimmed(self.read, keep),
            "announced": self._trimmed(self.announced, keep),
            "console_seat": self.console_seat,
            "updates": self.updates,
            "open_queries": {q: self.query_chats.get(q) for q, answer in self.callback_answers.items() if answer == {}},
            "files": [
                {
                    **{k: v for k, v in vars(f).items() if k != "content"},
                    "content": base64.b64encode(f.content).decode(),
                }
                for f in files
            ],
        }

    def _trimmed(self, counts: dict[int, int], keep: int) -> dict[str, int]:
        """Counts of each chat's events, as of the latest ``keep`` events the snapshot holds."""
        return {str(k): max(0, n - max(0, len(self.chat_log.get(k, [])) - keep)) for k, n in counts.items()}

    @classmethod
    def restored(cls, snapshot: Any) -> World:
        """A world from :meth:`snapshot`'s JSON; version 1 (numbering, messages and files only) is read as far as it
        goes. Raises ``ValueError`` when the snapshot is not one (corrupt, or from a newer fake Telegram)."""
        if not isinstance(snapshot, dict):
            raise ValueError("not a JSON object")
        version = snapshot.get("version", 1)
        if version not in (1, SNAPSHOT_VERSION):
            raise ValueError(f"unknown version {version!r}")
        world = cls()
        try:
            world.last_ids.update({k: int(v) for k, v in snapshot.get("last_ids", {}).items()})
            world.message_ids.update({int(k): int(v) for k, v in snapshot.get("message_ids", {}).items()})
            world.users.update({int(u["id"]): u for u in snapshot.get("users", [])})
            world.groups.update({int(g["id"]): g for g in snapshot.get("groups", [])})
            world.blocked.update(int(u) for u in snapshot.get("blocked", []))
            for message in snapshot.get("messages", []):
                world.messages[(int(message["chat"]["id"]), int(message["message_id"]))] = message
            world.chat_log.update({int(k): list(v) for k, v in snapshot.get("chat_log", {}).items()})
            world.read.update({int(k): int(v) for k, v in snapshot.get("read", {}).items()})
            world.announced.update({int(k): int(v) for k, v in snapshot.get("announced", {}).items()})
            for chat_id, log in world.chat_log.items():  # with no reader's record, what came before was read before
                world.read.setdefault(chat_id, len(log))
            world.updates.extend(u for u in snapshot.get("updates", []) if isinstance(u.get("update_id"), int))
            seat = snapshot.get("console_seat")
            world.console_seat = seat if isinstance(seat, int) and not isinstance(seat, bool) else None
            for query_id, chat_id in snapshot.get("open_queries", {}).items():
                world.callback_answers[str(query_id)] = {}
                if chat_id is not None:
                    world.query_chats[str(query_id)] = int(chat_id)
            for stored in snapshot.get("files", []):
                world.files[stored["file_id"]] = StoredFile(
                    **{**stored, "content": base64.b64decode(stored["content"])}
                )
        except (AttributeError, KeyError, TypeError, ValueError) as exc:  # binascii.Error is a ValueError
            raise ValueError(f"unreadable {type(exc).__name__}: {exc}") from None
        return world

    def store_file(self, content: bytes, kind: str, mime_type: str | None = None) -> StoredFile:
        n = self._next("file")
        stored = StoredFile(f"{kind}-{n:06d}-fake", f"u{n:06d}", content, f"{kind}s/file_{n}", mime_type)
        self.files[stored.file_id] = stored
        return stored

    def take_fault(self, method: str, chat_id: int | None = None) -> Fault | None:
        for fault in self.faults:
            if fault.method in (method, "*") and fault.chat_id in (None, chat_id):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None


def load_world(path: Path) -> tuple[World, str | None]:
    """The world kept in the state file, and None; or — a file that cannot be read (cut short, edited, from a newer
    version) — a fresh world and a one-line note saying why. The bad file is moved aside (``.bad``), and the fresh
    world numbers updates from the clock's seconds, beyond any id an earlier run gave out (as Telegram itself jumps
    after a pause), so the bot takes none of them for one it has seen."""
    try:
        return World.restored(json.loads(path.read_text(encoding="utf-8"))), None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        aside = path.with_name(path.name + ".bad")
        os.replace(path, aside)
        world = World()
        world.last_ids["update"] = int(time.time())
        note = f"{path.name}: {str(exc)[:120]}; kept as {aside.name}"
        log.warning("fake Telegram state file unreadable, starting fresh", extra={"note": note})
        return world, note


def save_world(world: World, path: Path) -> None:
    """Write the state file whole or not at all: a temporary file, flushed to disk, then renamed over the old one."""
    part = path.with_name(path.name + ".part")
    with open(part, "w", encoding="utf-8") as out:
        json.dump(world.snapshot(), out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    os.replace(part, path)


def now() -> int:
    return int(time.time())


class Notifier:
    """Wakes whoever waits for bot messages: one condition per chat (simulated users, the console), and one
    for everything (test harnesses). Per-chat conditions keep a thousand waiting users from all waking up."""

    def __init__(self) -> None:
        self._condition: asyncio.Condition | None = None
        self._chats: dict[int, asyncio.Condition] = {}

    @property
    def condition(self) -> asyncio.Condition:
        if self._condition is None:
            self._condition = asyncio.Condition()
        return self._condition

    def for_chat(self, chat_id: int) -> asyncio.Condition:
        condition = self._chats.get(chat_id)
        if condition is None:
            condition = self._chats[chat_id] = asyncio.Condition()
        return condition

    async def notify(self, chat_id: int | None = None) -> None:
        if chat_id is not None and chat_id in self._chats:
            async with self._chats[chat_id]:
                self._chats[chat_id].notify_all()
        async with self.condition:
            self.condition.notify_all()
