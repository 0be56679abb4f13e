"""A terminal client for the fake Bot API: a person chats with the bot in a console.

Bot messages are printed as they arrive; inline and reply-keyboard buttons are numbered and pressed by
typing the number; ``/commands`` are typed as in Telegram. ``:sticker``, ``:photo``, ``:contact PHONE``,
``:help`` and ``:quit`` simulate what a phone would send.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any, Awaitable, Callable, TextIO

from .user import FakeUser

HELP = (":help  this help | :sticker  send a sticker | :photo [caption]  send a photo | "
        ":contact PHONE  share a phone number | :quit  leave")


class Console:
    def __init__(self, user: FakeUser, out: TextIO = sys.stdout,
                 read_line: Callable[[], str] = sys.stdin.readline,
                 drained: Callable[[], Awaitable[None]] | None = None) -> None:
        self.user = user
        self.drained = drained  # waits until the bot has handled what was sent
        self.out = out
        self.read_line = read_line
        self.choices: list[tuple[str, dict[str, Any], dict[str, Any]]] = []  # (kind, message, button)

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def show(self, event: dict[str, Any]) -> None:
        message = event["message"]
        if event["type"] == "delete":
            return
        head = "✏️ (edited) " if event["type"] == "edit" else ""
        body = message.get("text") or message.get("caption") or ""
        for kind in ("photo", "document", "sticker"):
            if kind in message:
                body = f"[{kind}] {body}"
        self._print(f"\n🤖 {head}{body}")
        self.choices = []
        for row in message.get("reply_markup", {}).get("inline_keyboard", []):
            self._print("   " + "  ".join(self._choice("inline", message, b) for b in row))
        for row in message.get("_keyboard", {}).get("keyboard", []):
            self._print("   " + "  ".join(self._choice("reply", message, b) for b in row))

    def _choice(self, kind: str, message: dict[str, Any], button: dict[str, Any]) -> str:
        self.choices.append((kind, message, button))
        return f"[{len(self.choices)}] {button['text']}"

    async def pump(self) -> None:
        """Print every bot event as it arrives, forever."""
        while True:
            self.show(await self.user.next_event(timeout=3600 * 24))

    def handle(self, line: str) -> bool:
        """Act on one typed line; return False to quit."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        if line == ":help":
            self._print(HELP)
        elif line == ":sticker":
            self.user.send_sticker()
        elif line.startswith(":photo"):
            self.user.send_photo(caption=line[len(":photo"):].strip() or None)
        elif line.startswith(":contact"):
            self.user.send_contact(line[len(":contact"):].strip() or "13800138000")
        elif self._choice_number(line) is not None:
            kind, message, button = self.choices[self._choice_number(line) - 1]
            if kind == "inline":
                self.user.press_data(button["callback_data"], self.user.current(message["message_id"]))
            elif button.get("request_contact"):
                self.user.send_contact("13800138000")
            else:
                self.user.send(button["text"])
        else:
            self.user.send(line)
        return True

    def _choice_number(self, line: str) -> int | None:
        """The number of a button shown, else None ("²" passes str.isdigit but not int(); it is text to send)."""
        if line.isascii() and line.isdigit() and len(line) <= 3 and 1 <= int(line) <= len(self.choices):
            return int(line)
        return None

    async def run(self) -> None:
        self._print(f"zhuqi-bot console — type /start to begin. {HELP}")
        pump = asyncio.create_task(self.pump())
        loop = asyncio.get_running_loop()
        try:
            while True:
                line = await loop.run_in_executor(None, self.read_line)
                if line == "" or not self.handle(line):  # "" is end of input
                    break
                if self.drained is not None:  # show the bot's answer before reading the next line
                    await self.drained()
        finally:
            pump.cancel()
