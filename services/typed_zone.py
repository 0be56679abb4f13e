"""A time zone typed with a time ("tomorrow 2pm UTC", "Dec 3 2-4pm CET", "明天下午2点 北京时间", "9am Europe/Berlin",
"2pm UTC+2"): found and taken out of the line, so that the time is read in that zone and converted to the reader's.

The zones are zoneinfo's (the IANA database): its Area/City names, its own short names (UTC, GMT, CET, EET, WET,
MET, EST, MST, HST), and a whole-hour offset from UTC or GMT as its Etc/GMT zone; 北京时间 is Asia/Shanghai. No
table of offsets is written here. An abbreviation zoneinfo has no zone for is found by dateparser's list (PST,
CEST, JST, CST, IST …) only to refuse it: several stand for more than one zone (CST: China, or US Central; IST:
India, Israel or Ireland), and a Chinese craftsman's "CST" read as US Central would be 14 hours off. A part-hour
offset ("UTC+5:30") is refused too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from services.validation import Invalid

_BEIJING = re.compile(r"[（(]?\s*北京[时時][间間]\s*[)）]?")
_OFFSET = re.compile(
    r"(?<![A-Za-z])(?P<name>UTC|GMT)\s*(?P<sign>[+\-−])\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?!\d)", re.I
)
_NAME = re.compile(r"(?<![A-Za-z/])[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*(?![A-Za-z/])")
_ANY_CASE = frozenset({"UTC", "GMT", "CET", "EET", "UCT"})  # read in any case ("utc"); the others only in capitals
# ("met", "wet", "est" are words)


@dataclass(frozen=True)
class TypedZone:
    """A line with its zone taken out (``rest``), the zone, and its name as the reader is told it."""

    rest: str
    zone: ZoneInfo
    name: str


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """zoneinfo's names by their upper case: every Area/City, and the short all-capital ones (UTC, CET, EST …)."""
    return {n.upper(): n for n in available_timezones() if "/" in n or re.fullmatch(r"[A-Z]{3,4}", n)}


def _cut(text: str, found: re.Match[str]) -> str:
    return " ".join(f"{text[: found.start()]} {text[found.end() :]}".split())


def typed_zone(text: str) -> TypedZone | None:
    """The zone ``text`` names besides its time, or None when it names none; Invalid("time.zone_unknown", zone=)
    for a zone named that zoneinfo cannot read as one."""
    if found := _BEIJING.search(text):
        return TypedZone(_cut(text, found), ZoneInfo("Asia/Shanghai"), found.group().strip("（()） "))
    if not re.search("[A-Za-z]", text):  # every other zone is written in Latin letters
        return None
    if found := _OFFSET.search(text):
        hours = int(found["h"]) * (-1 if found["sign"] in "-−" else 1)
        if (found["m"] and int(found["m"])) or not -12 <= hours <= 14:  # the offsets the Etc/GMT zones cover
            raise Invalid("time.zone_unknown", zone=found.group())
        zone = ZoneInfo("Etc/GMT" if hours == 0 else f"Etc/GMT{-hours:+d}")  # Etc/GMT-8 is UTC+8 (POSIX signs)
        return TypedZone(_cut(text, found), zone, f"{found['name'].upper()}{hours:+d}" if hours else "UTC")
    for found in _NAME.finditer(text):
        word = found.group()
        known = _names().get(word.upper())
        if known is not None and ("/" in known or word.isupper() or known in _ANY_CASE):
            return TypedZone(_cut(text, found), ZoneInfo(known), known)
    from dateparser.timezone_parser import pop_tz_offset_from_string  # imported on first use, as english_time does

    _, other = pop_tz_offset_from_string(text)
    if other is not None:
        raise Invalid("time.zone_unknown", zone=other.tzname(None))
    return None
