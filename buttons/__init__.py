"""The button protocol: every inline button's action is defined once, here, below both front ends.

An action is a frozen dataclass with a unique ``prefix`` and typed fields (``int``, ``str``, or an ``enum.Enum``
with string values). It knows its callback data (``data()``), the ``CallbackQueryHandler`` pattern that matches
exactly its data (``pattern()``), and how to read a press back (``parse()``). Services name actions (in notices'
buttons) and never write callback strings; conversations register handlers with ``pattern()`` and read the press
with ``parse()``. Callback data proves nothing: a parsed action says which button was pressed, never who may do it
(services check roles and ownership every time).

    @action("tk:a")
    class AcceptOffer(Action):
        match_id: int

    AcceptOffer(7).data()            -> "tk:a:7"
    AcceptOffer.pattern()            -> "^tk:a:(-?[0-9]+)$"
    AcceptOffer.parse("tk:a:7")      -> AcceptOffer(match_id=7)

Data stays within Telegram's 64 bytes with room for the signature runtime/signing.py appends; ``data()`` raises
``ValueError`` past that, and ``str`` fields may not contain the separator.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import typing
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

SEPARATOR = ":"
MAX_DATA = 56  # bytes: Telegram allows 64, the signature takes 1 + 6 (runtime/signing.py)

_INT = r"(-?[0-9]+)"
_STR = r"([^:]*)"

REGISTRY: dict[str, type[Action]] = {}

A = TypeVar("A", bound="Action")


class Action:
    """Base of every button action; subclasses are made with ``@action(prefix)``."""

    prefix: ClassVar[str] = ""
    _fields: ClassVar[tuple[tuple[str, Any], ...]] = ()
    _regex: ClassVar[re.Pattern[str]]

    def data(self) -> str:
        parts = [self.prefix]
        for name, kind in self._fields:
            value = getattr(self, name)
            text = value.value if isinstance(value, enum.Enum) else str(value)
            if kind is str and SEPARATOR in text:
                raise ValueError(f"{type(self).__name__}.{name} may not contain {SEPARATOR!r}: {text!r}")
            parts.append(text)
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_DATA:
            raise ValueError(f"callback data too long ({len(data.encode())} bytes): {data!r}")
        return data

    @classmethod
    def pattern(cls) -> str:
        """The regular expression a ``CallbackQueryHandler`` registers for exactly this action's data."""
        return cls._regex.pattern

    @classmethod
    def parse(cls: type[A], data: object) -> A | None:
        """The action a press carries, or None when ``data`` is not this action's (or not well formed)."""
        if not isinstance(data, str):
            return None
        found = cls._regex.match(data)
        if found is None:
            return None
        values: list[Any] = []
        for (_name, kind), text in zip(cls._fields, found.groups(), strict=True):
            try:
                values.append(int(text) if kind is int else kind(text) if isinstance(kind, type)
                              and issubclass(kind, enum.Enum) else text)
            except ValueError:
                return None
        return cls(*values)


def _field_regex(name: str, kind: Any) -> str:
    if kind is int:
        return _INT
    if kind is str:
        return _STR
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "(" + "|".join(re.escape(str(member.value)) for member in kind) + ")"
    raise TypeError(f"button field {name!r} must be int, str or an Enum, not {kind!r}")


def action(prefix: str) -> Callable[[type[A]], type[A]]:
    """Make ``cls`` a frozen dataclass action with this unique ``prefix``."""
    if not prefix or not re.fullmatch(r"[a-z][a-z0-9_]*(:[a-z0-9_]+)*", prefix):
        raise ValueError(f"bad button prefix {prefix!r}")

    def make(cls: type[A]) -> type[A]:
        if prefix in REGISTRY:
            raise ValueError(f"button prefix {prefix!r} used by {REGISTRY[prefix].__name__} and {cls.__name__}")
        made = dataclasses.dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(made)
        fields = tuple((f.name, hints[f.name]) for f in dataclasses.fields(made))  # type: ignore[arg-type]
        made.prefix = prefix
        made._fields = fields
        body = "".join(SEPARATOR + _field_regex(name, kind) for name, kind in fields)
        made._regex = re.compile("^" + re.escape(prefix) + body + "$")
        for other in REGISTRY.values():  # no action's data may also match another's pattern
            if other._regex.match(prefix + "".join(SEPARATOR + "0" for _ in fields)) or \
                    made._regex.match(other.prefix + "".join(SEPARATOR + "0" for _ in other._fields)):
                raise ValueError(f"button prefixes {prefix!r} and {other.prefix!r} overlap")
        REGISTRY[prefix] = made
        return made

    return make
