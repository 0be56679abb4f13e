"""A terminal client for the fake Bot API: several people chat with the bot in one console.

The console types as one person at a time (``:as NAME`` switches, ``:who`` lists them); what the bot sends someone
else is announced in one line and shown when the console switches to them. Every bot message is numbered per
person and keeps its buttons: ``3.2`` presses button 2 of message 3, a plain number presses on the latest message
with buttons (unless it was pressed and questions followed: then the number is their answer). Pop-up answers are
printed, edits are shown as edits of their numbered message, and photos and documents are saved to disk.
``/commands`` are typed as in Telegram.

The console's own words come from the caller (``say(key, **values)``): this package imports nothing of the bot's.
"""

from __future__ import annotations

import asyncio
import re
import shlex
import sys
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import Any, TextIO

from .console_files import SAMPLE_PNG, read_upload, save_received, shown_path
from .console_people import Choice, Person, Roster, Seat
from .server import FakeBotAPI

Say = Callable[..., str]
Roles = Callable[[Sequence[int]], Awaitable[dict[int, str]]]
PRESS = re.compile(r"(\d{1,4})\.(\d{1,3})")  # 3.2: button 2 of message 3
PLAIN = re.compile(r"\d{1,3}")  # a button of the latest message with buttons (else it is text to send)
COMMAND = re.compile(r":([a-z]+)(?:\s+(.*))?", re.S)
DEFAULT_PHONE = "13800138000"


class Console:
    def __init__(
        self,
        api: FakeBotAPI,
        cast: Sequence[Person],
        say: Say,
        *,
        start: str | None = None,
        files_dir: Path | str = Path("data/console"),
        out: TextIO = sys.stdout,
        read_line: Callable[[], str] = sys.stdin.readline,
        drained: Callable[[], Awaitable[None]] | None = None,
        roles: Roles | None = None,
        viewer: Callable[[Path], None] | None = None,
        language: str = "zh-hans",
        taken: Collection[int] = (),
        known: Mapping[int, str] | None = None,
        clock: Callable[[str], Awaitable[str]] | None = None,
    ) -> None:
        self.api = api
        self.say = say
        self.out = out
        self.read_line = read_line
        self.drained = drained  # waits until the bot has handled what was sent
        self.roles = roles  # the role each person has in the bot's database, where it has one
        self.files_dir = Path(files_dir)
        self.viewer = viewer  # shows a saved image (None: only its path is printed)
        self.clock = clock  # `:clock [+1h]`: the stage's time, or moves it on; answers in one line
        self.roster = Roster(api, cast, lambda user_id: say("made_up_name", id=user_id), language, taken, known)
        seated = list(self.roster.seats.values())
        last = api.world.console_seat  # whom the console typed as when it last stopped
        start = start or (str(last) if last is not None else None)
        self.seat: Seat = self.roster.find_or_make(start or "10001") if start or not seated else seated[0]
        api.world.console_seat = self.seat.person.id
        self.queries: dict[str, int] = {}  # callback queries pressed and not yet answered → who pressed
        self.commands: dict[str, Callable[[str], Awaitable[None] | None]] = {
            "help": lambda _: self._print(self.say("help") + "\n" + self.say("help_language")),
            "who": self._who,
            "as": self._as,
            "buttons": self._buttons,
            "sticker": lambda _: self.seat.user.send_sticker(),
            "photo": self._photo,
            "file": self._file,
            "contact": self._contact,
            "say": self._say_text,
            "clock": self._clock,
        }

    def _print(self, text: str, end: str = "\n") -> None:
        self.out.write(text + end)
        self.out.flush()

    # ------------------------------------------------------------------ what arrives
    def _pending(self) -> bool:
        """Whether anything waits to be shown: the current person's new messages, someone else's not yet
        announced, a pop-up answer."""
        return any(
            seat.unread if seat is self.seat else len(seat.user.events()) > seat.announced
            for seat in self.roster.seats.values()
        ) or any(self.api.world.callback_answers.get(query) for query in self.queries)

    def show_news(self) -> None:
        """Print the current person's new messages and pop-ups; announce what others received. How far each chat
        was shown and announced is written to the state file, so a restart neither shows nor announces it again."""
        world, moved = self.api.world, False
        for seat in self.roster.seats.values():
            events = seat.user.events()
            if seat is self.seat:
                while seat.user.cursor < len(events):
                    seat.user.cursor += 1
                    self.show(seat, events[seat.user.cursor - 1])
                seat.announced = len(events)
                world.read[seat.person.id] = seat.user.cursor
            elif len(events) > seat.announced:
                count = sum(1 for event in events[seat.announced :] if event["type"] == "message")
                seat.announced = len(events)
                if count:
                    self._print(self.say("notice", name=seat.person.name, count=count))
            if world.announced.get(seat.person.id) != seat.announced:
                world.announced[seat.person.id], moved = seat.announced, True
        if moved:
            self.api.save()
        for query, _user_id in list(self.queries.items()):
            answer = self.api.world.callback_answers.get(query)
            if answer:
                del self.queries[query]
                if answer.get("text"):
                    self._print(self.say("alert" if answer.get("show_alert") else "popup", text=answer["text"]))

    def show(self, seat: Seat, event: dict[str, Any]) -> None:
        """One bot message (or edit) to ``seat``, numbered, with its buttons; a photo or document is saved."""
        if event["type"] == "delete":
            return
        message = event["message"]
        number = seat.number(message)
        head = self.say("edit_head" if event["type"] == "edit" else "message_head", number=number)
        body = message.get("text") or message.get("caption") or ""
        if "sticker" in message:
            body = body or message["sticker"].get("emoji", "")
        for kind in ("photo", "document", "sticker"):
            if kind in message:
                body = f"{self.say(kind)} {body}"
        body = body.rstrip()
        if event["type"] == "edit" and body == seat.bodies.get(message["message_id"]) and "\n" in body:
            body = body.split("\n", 1)[0] + " …"  # only the buttons changed: the text is above already
        else:
            seat.bodies[message["message_id"]] = body
        self._print(f"\n{head}  {body}")
        self._print_buttons(seat, number, message)
        if event["type"] == "message":
            self._save(seat, number, message)

    def _print_buttons(self, seat: Seat, number: int, message: dict[str, Any]) -> None:
        index = 0
        for rows in (
            message.get("reply_markup", {}).get("inline_keyboard", []),
            message.get("_keyboard", {}).get("keyboard", []),
        ):
            for row in rows:
                labels = []
                for button in row:
                    index += 1
                    labels.append(f"[{number}.{index}] {button['text'] if isinstance(button, dict) else button}")
                self._print("   " + "  ".join(labels))

    def _save(self, seat: Seat, number: int, message: dict[str, Any]) -> None:
        path = save_received(self.api, message, self.files_dir, f"{seat.person.id}-{number}")
        if path is None:
            return
        self._print("   " + self.say("saved", path=shown_path(path)))
        if self.viewer is not None and "photo" in message:
            self.viewer(path)

    async def pump(self) -> None:
        """Show what arrives, as it arrives, forever."""
        condition = self.api.notifier.condition
        while True:
            async with condition:
                await condition.wait_for(self._pending)
            self.show_news()

    # ------------------------------------------------------------------ what is typed
    async def handle(self, line: str) -> bool:
        """Act on one typed line; return False to quit."""
        line = line.strip()
        if not line:
            return True
        if line in (":quit", ":q", ":exit"):
            return False
        command = COMMAND.fullmatch(line)
        if command is not None:
            action = self.commands.get(command.group(1))
            if action is None:
                self._print(self.say("unknown_command", command=line.split()[0]))
                return True
            done = action((command.group(2) or "").strip())
            if asyncio.iscoroutine(done):
                await done
            return True
        pressed = PRESS.fullmatch(line)
        if pressed is not None:
            self._press_at(int(pressed.group(1)), int(pressed.group(2)), line)
            return True
        target = self.seat.plain_target()
        if line.isascii() and PLAIN.fullmatch(line) and target is not None:
            choices = self.seat.choices(target)
            if 1 <= int(line) <= len(choices):
                self._press(target, choices[int(line) - 1])
                return True
        self.seat.user.send(line)
        return True

    def _press_at(self, number: int, index: int, line: str) -> None:
        if self.seat.message(number) is None:
            self._print(self.say("no_message", number=number))
            return
        choices = self.seat.choices(number)
        if not 1 <= index <= len(choices):
            self._print(self.say("no_button", number=number, button=index, text=line))
            return
        self._press(number, choices[index - 1])

    def _press(self, number: int, choice: Choice) -> None:
        button, user = choice.button, self.seat.user
        self.seat.pressed[number] = len(self.seat.message_ids)
        if choice.kind == "inline":
            if "callback_data" in button:
                message = {k: v for k, v in choice.message.items() if not k.startswith("_")}
                self.queries[user.press_data(button["callback_data"], message)] = user.id
            elif "url" in button:
                self._print(self.say("url", url=button["url"]))
        elif button.get("request_contact"):
            user.send_contact(self.seat.person.phone or DEFAULT_PHONE)
        else:
            user.send(button["text"])

    async def _who(self, _: str) -> None:
        seats = list(self.roster.seats.values())
        known = await self.roles([s.person.id for s in seats]) if self.roles is not None else {}
        self._print(self.say("who_head"))
        for seat in seats:
            self._print(
                self.say(
                    "who_line",
                    mark="▶" if seat is self.seat else " ",
                    name=seat.person.name,
                    id=seat.person.id,
                    role=await self.role_of(seat, known),
                )
            )

    async def role_of(self, seat: Seat, known: dict[int, str] | None = None) -> str:
        if known is None:
            known = await self.roles([seat.person.id]) if self.roles is not None else {}
        return known.get(seat.person.id) or seat.person.role or self.say("no_role")

    async def _as(self, key: str) -> None:
        if not key:
            self._print(self.say("as_usage"))
            return
        self.seat = self.roster.find_or_make(key)
        self.api.world.console_seat = self.seat.person.id
        self._print(self.say("switched", name=self.seat.person.name, role=await self.role_of(self.seat)))
        self.show_news()  # what they received while the console was someone else

    async def _clock(self, arguments: str) -> None:
        if self.clock is None:
            self._print(self.say("unknown_command", command=":clock"))
            return
        self._print(await self.clock(arguments))

    def _buttons(self, _: str) -> None:
        numbers = self.seat.with_buttons()
        if not numbers:
            self._print(self.say("buttons_none"))
            return
        self._print(self.say("buttons_head"))
        for number in numbers:
            message = self.seat.message(number) or {}
            text = (message.get("text") or message.get("caption") or "").strip().splitlines() or [""]
            self._print(f"  {number}  {text[0][:40]}")
            self._print_buttons(self.seat, number, message)

    @staticmethod
    def _words(arguments: str) -> list[str]:
        try:
            return shlex.split(arguments)
        except ValueError:  # an unbalanced quote: plain words
            return arguments.split()

    def _photo(self, arguments: str) -> None:
        words = self._words(arguments)
        if not words:
            self.seat.user.send_photo(SAMPLE_PNG)
            return
        upload = read_upload(words[0])
        if upload is None:
            self._print(self.say("no_file", path=words[0]))
            return
        self.seat.user.send_photo(upload[1], caption=" ".join(words[1:]) or None)

    def _file(self, arguments: str) -> None:
        words = self._words(arguments)
        if not words:
            self._print(self.say("file_usage"))
            return
        upload = read_upload(words[0])
        if upload is None:
            self._print(self.say("no_file", path=words[0]))
            return
        name, content, mime = upload
        self.seat.user.send_document(content, name, mime, caption=" ".join(words[1:]) or None)

    def _contact(self, phone: str) -> None:
        self.seat.user.send_contact(phone or self.seat.person.phone or DEFAULT_PHONE)

    def _say_text(self, text: str) -> None:
        if text:
            self.seat.user.send(text)

    # ------------------------------------------------------------------ the loop
    def prompt(self) -> None:
        self._print(self.say("prompt", name=self.seat.person.name), end="")

    async def run(self) -> None:
        self._print(self.say("greeting", name=self.seat.person.name, role=await self.role_of(self.seat)))
        pump = asyncio.create_task(self.pump())
        loop = asyncio.get_running_loop()
        try:
            while True:
                self.prompt()
                line = await loop.run_in_executor(None, self.read_line)
                while line.rstrip("\r\n").endswith("\\"):  # "…\" goes on on the next line: one message, several lines
                    self._print("… ", end="")
                    more = await loop.run_in_executor(None, self.read_line)
                    line = line.rstrip("\r\n")[:-1].rstrip() + "\n" + more
                    if more == "":
                        break
                if line == "" or not await self.handle(line):  # "" is end of input
                    break
                if self.drained is not None:  # show the bot's answer before reading the next line
                    await self.drained()
                self.show_news()
        finally:
            pump.cancel()
            self.api.save()  # how far each chat was shown, for the next start
