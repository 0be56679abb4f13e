"""The people at the console: who can be typed as (the cast the console is given, and anyone made up with ``:as``),
and for each the bot messages they were shown, numbered, so that any message's buttons stay pressable."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .server import FakeBotAPI
from .user import FakeUser

FIRST_MADE_UP_ID = 20_001  # ids for people made up by name (the cast's lie below; real Telegram's far above)


@dataclass(frozen=True)
class Person:
    """Someone the console can type as: a Telegram id, a first name, a language and (for the cast) a role."""

    id: int
    name: str
    language_code: str | None = "zh-hans"
    role: str = ""  # how the cast describes them; the bot's database may know better
    phone: str | None = None  # what a contact button shares


@dataclass(frozen=True)
class Choice:
    """One button of a numbered message: ``kind`` is "inline" or "reply"."""

    kind: str
    button: dict[str, Any]
    message: dict[str, Any]


class Seat:
    """One person at the console: their simulated Telegram account, the bot messages they were shown (numbered
    from 1 in the order they arrived) and how far the console has read and announced their chat."""

    def __init__(self, api: FakeBotAPI, person: Person) -> None:
        self.api = api
        self.person = person
        self.user = FakeUser(api, person.id, person.name, person.language_code)
        # a chat from before this console is not shown again, but what arrived unseen before a restart is
        api.world.read[person.id] = self.user.cursor
        # events already told of while someone else was typing, in this run or before a restart
        told = min(api.world.announced.get(person.id, 0), len(self.user.events()))
        self.announced = max(self.user.cursor, told)
        self.message_ids: list[int] = []  # number - 1 → message id
        self.bodies: dict[int, str] = {}  # message id → the text last shown of it
        self.pressed: dict[int, int] = {}  # number of a message pressed → how many messages had been shown then
        for event in self.user.events()[: self.user.cursor]:  # a chat restored from the state file keeps its numbers,
            self.number(event["message"])  # so a card shown before a restart keeps its address and its buttons

    @property
    def unread(self) -> int:
        return len(self.user.events()) - self.user.cursor

    def number(self, message: dict[str, Any]) -> int:
        """The message's number for this person (a new message gets the next one)."""
        message_id = message["message_id"]
        if message_id not in self.message_ids:
            self.message_ids.append(message_id)
        return self.message_ids.index(message_id) + 1

    def message(self, number: int) -> dict[str, Any] | None:
        """Numbered message ``number`` as it is now (after edits), or None (no such number, or deleted)."""
        if not 1 <= number <= len(self.message_ids):
            return None
        return self.api.world.messages.get((self.person.id, self.message_ids[number - 1]))

    def choices(self, number: int) -> list[Choice]:
        message = self.message(number)
        if message is None:
            return []
        inline = [
            Choice("inline", b, message)
            for row in message.get("reply_markup", {}).get("inline_keyboard", [])
            for b in row
        ]
        reply = [
            Choice("reply", b if isinstance(b, dict) else {"text": b}, message)
            for row in message.get("_keyboard", {}).get("keyboard", [])
            for b in row
        ]
        return inline + (reply if reply and number == self._keyboard_holder() else [])

    def _keyboard_holder(self) -> int | None:
        """The number of the message whose reply keyboard the chat shows: the latest one that set or removed one."""
        for number in range(len(self.message_ids), 0, -1):
            if "_keyboard" in (self.message(number) or {}):
                return number
        return None

    def with_buttons(self) -> list[int]:
        """The numbers of the messages that have buttons now, oldest first."""
        return [n for n in range(1, len(self.message_ids) + 1) if self.choices(n)]

    def plain_target(self) -> int | None:
        """The message a plain number presses: the latest with buttons, even when a hint or a notice came after it;
        but not once it was pressed and the bot has written since: that press began questions answered by typing
        (a count, an amount), and a number typed then is the answer, never a button of the card above."""
        numbers = self.with_buttons()
        if not numbers:
            return None
        pressed = self.pressed.get(numbers[-1])
        return None if pressed is not None and len(self.message_ids) > pressed else numbers[-1]


class Roster:
    """Everyone the console has seated: the cast (seated at once, so the bot can write to each of them) and the
    people made up by ``:as`` with a new name or id."""

    def __init__(
        self,
        api: FakeBotAPI,
        cast: Sequence[Person],
        made_up_name: Callable[[int], str],
        language: str = "zh-hans",
        taken: Collection[int] = (),
        known: Mapping[int, str] | None = None,
    ) -> None:
        self.api = api
        known = known or {}
        # ids someone had before this console started (the bot's database or the fake Telegram knows them)
        self.taken = set(taken) | set(known)
        self.made_up_name = made_up_name
        self.language = language  # the Telegram language of the people made up at the console
        self.seats: dict[int, Seat] = {}
        for person in cast:
            self.seat(person)
        for user_id, name in sorted(known.items()):  # made up in an earlier run: found again by name, listed by :who
            if user_id not in self.seats:
                self.seat(Person(user_id, name or made_up_name(user_id), language))

    def seat(self, person: Person) -> Seat:
        if person.id not in self.seats:
            self.seats[person.id] = Seat(self.api, person)
        return self.seats[person.id]

    def find(self, key: str) -> Seat | None:
        key = key.strip()
        for seat in self.seats.values():
            if key in (seat.person.name, str(seat.person.id)):
                return seat
        return None

    def find_or_make(self, key: str) -> Seat:
        """The person named (or numbered) ``key``; someone new when nobody is."""
        key = key.strip()
        found = self.find(key)
        if found is not None:
            return found
        if key.isascii() and key.isdigit() and 0 < int(key) < 2**52:
            return self.seat(Person(int(key), self.made_up_name(int(key)), self.language))
        user_id = FIRST_MADE_UP_ID
        while user_id in self.seats or user_id in self.taken:  # never someone's from an earlier run
            user_id += 1
        return self.seat(Person(user_id, key[:64], self.language))
