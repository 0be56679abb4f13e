"""The button protocol: every inline button's action is defined once, here, below both front ends.

An action is a frozen dataclass with a unique ``prefix`` and typed fields (``int``, ``BigInt``, ``str``, or an
``enum.Enum`` with string values). It knows its callback data (``data()``), the ``CallbackQueryHandler`` pattern
that matches exactly its data (``pattern()``), and how to read a press back (``parse()``). Services name actions
(in notices' buttons) and never write callback strings; conversations register handlers with ``pattern()`` (or
``any_of`` several) and read the press with ``parse()`` (or ``parse_any``). Actions live in per-area modules
(buttons/<area>.py); ``registry()`` imports them all and lists every button the bot knows. Callback data proves
nothing: a parsed action says which button was pressed, never who may do it (services check roles and ownership
every time).

An ``int`` holds what a PostgreSQL INTEGER column holds (row ids, pages, counts), ``BigInt`` what a BIGINT holds
(Telegram user ids): a number past that range parses to None, so a handler never hands the database a value its
driver refuses. Fields with a default are optional at the end of the data, and left out of it at their default.

    @action("tk:a")
    class AcceptOffer(Action):
        match_id: int

    AcceptOffer(7).data()            -> "tk:a:7"
    AcceptOffer.pattern()            -> "^tk:a:(-?[0-9]{1,19})$"
    AcceptOffer.parse("tk:a:7")      -> AcceptOffer(match_id=7)

Data stays within Telegram's 64 bytes with room for the signature runtime/signing.py appends; ``data()`` raises
``ValueError`` past that, and ``str`` fields may not contain the separator.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import pkgutil
import re
import typing
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, TypeVar, dataclass_transform

SEPARATOR = ":"
MAX_DATA = 56  # bytes: Telegram allows 64, the signature takes 1 + 6 (runtime/signing.py)

_INT = r"(-?[0-9]{1,19})"
_STR = r"([^:]*)"


@dataclasses.dataclass(frozen=True)
class IntRange:
    """The values an integer field accepts (inclusive)."""

    low: int
    high: int


INTEGER = IntRange(-(2**31), 2**31 - 1)  # PostgreSQL INTEGER: the primary keys of every table but users
BIGINT = IntRange(-(2**63), 2**63 - 1)  # PostgreSQL BIGINT: Telegram user ids
BigInt = Annotated[int, BIGINT]

REGISTRY: dict[str, type[Action]] = {}

A = TypeVar("A", bound="Action")


class Action:
    """Base of every button action; subclasses are made with ``@action(prefix)``."""

    prefix: ClassVar[str] = ""
    _fields: ClassVar[tuple[tuple[str, Any], ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _ranges: ClassVar[dict[str, IntRange]] = {}
    _regex: ClassVar[re.Pattern[str]]

    def data(self) -> str:
        parts = [self.prefix]
        trailing = len(self._fields)
        while (
            trailing
            and self._fields[trailing - 1][0] in self._defaults
            and getattr(self, self._fields[trailing - 1][0]) == self._defaults[self._fields[trailing - 1][0]]
        ):
            trailing -= 1  # optional fields left at their default are not written
        for name, kind in self._fields[:trailing]:
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
        values: dict[str, Any] = {}
        for (name, kind), text in zip(cls._fields, found.groups(), strict=True):
            if text is None:  # an optional field the data leaves out
                continue
            if kind is int:
                number, limits = int(text), cls._ranges[name]
                if not limits.low <= number <= limits.high:
                    return None
                values[name] = number
            else:
                values[name] = kind(text) if isinstance(kind, type) and issubclass(kind, enum.Enum) else text
        return cls(**values)


def parse_any(data: object, *kinds: type[Action]) -> Action | None:
    """The first of ``kinds`` that ``data`` is a well-formed press of, or None."""
    for kind in kinds:
        found = kind.parse(data)
        if found is not None:
            return found
    return None


def any_of(*kinds: type[Action]) -> str:
    """One ``CallbackQueryHandler`` pattern for a press of any of ``kinds``."""
    return "|".join(kind.pattern() for kind in kinds)


def family(name: str) -> str:
    """The pattern for every action whose prefix starts with ``name:`` (a catch-all that refuses or answers a
    whole family's presses as stale outside its conversation)."""
    return "^" + re.escape(name) + SEPARATOR


def _field_regex(name: str, kind: Any) -> str:
    if kind is int or kind == BigInt:
        return _INT
    if kind is str:
        return _STR
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return "(" + "|".join(re.escape(str(member.value)) for member in kind) + ")"
    raise TypeError(f"button field {name!r} must be int, str or an Enum, not {kind!r}")


@dataclass_transform(frozen_default=True)  # type checkers see the frozen dataclass it makes
def action(prefix: str) -> Callable[[type[A]], type[A]]:
    """Make ``cls`` a frozen dataclass action with this unique ``prefix``."""
    if not prefix or not re.fullmatch(r"[a-z][a-z0-9_]*(:[a-z0-9_]+)*", prefix):
        raise ValueError(f"bad button prefix {prefix!r}")

    def make(cls: type[A]) -> type[A]:
        if prefix in REGISTRY:
            raise ValueError(f"button prefix {prefix!r} used by {REGISTRY[prefix].__name__} and {cls.__name__}")
        made = dataclasses.dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(made, include_extras=True)
        declared = dataclasses.fields(made)  # type: ignore[arg-type]
        fields = tuple((f.name, hints[f.name]) for f in declared)
        made.prefix = prefix
        made._ranges = {
            name: BIGINT if kind == BigInt else INTEGER for name, kind in fields if kind is int or kind == BigInt
        }
        made._fields = tuple((name, int if kind == BigInt else kind) for name, kind in fields)
        made._defaults = {f.name: f.default for f in declared if f.default is not dataclasses.MISSING}
        body = ""
        for name, kind in fields:
            part = SEPARATOR + _field_regex(name, kind)
            body += f"(?:{part})?" if name in made._defaults else part
        made._regex = re.compile("^" + re.escape(prefix) + body + "$")
        for other in REGISTRY.values():  # no action's data may also match another's pattern
            if other._regex.match(prefix + "".join(SEPARATOR + "0" for _ in fields)) or made._regex.match(
                other.prefix + "".join(SEPARATOR + "0" for _ in other._fields)
            ):
                raise ValueError(f"button prefixes {prefix!r} and {other.prefix!r} overlap")
        REGISTRY[prefix] = made
        return made

    return make


def registry() -> dict[str, type[Action]]:
    """Every action the bot knows: each module of this package imported first (tests list them with this)."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return REGISTRY
