"""What :mod:`services.everyday` checks around the libraries: a text folded before they see it (or refused), the
numbers a time names range-checked (JioNLP keeps what it can of an impossible one), a day its month does not have
("2月30日"), a day past the two years the bot plans for, and the refusal of a time with an example still to come.

The checks are ours and run before (or after) a library reads the text; the reading itself is everyday.py's.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from nlp.script import to_simplified
from services.english_time import month_days  # "Feb 30", "31st of November"
from services.validation import Invalid

MAX_INPUT = 64  # a number or a time is short; a longer text is refused before a library sees it


# ---------------------------------------------------------------------------------------------------- text
def shown(text: str) -> str:
    """What the user typed, to quote back in a reply: its start, without control or format characters."""
    return "".join(ch for ch in text.strip()[:40] if unicodedata.category(ch) not in ("Cc", "Cf"))


def fold(text: str) -> str | None:
    """``text`` as the libraries read it (NFKC, simplified, lower-case, no spaces at the ends), or None when it is
    too long or holds control or format characters: such a text is refused, never parsed."""
    if len(text) > MAX_INPUT or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        return None
    return to_simplified(unicodedata.normalize("NFKC", text)).strip().lower()


@lru_cache(maxsize=1)
def numerals() -> Any:
    import cn2an  # on first use, like JioNLP: ~70 ms and 5 MiB the bot's start need not pay

    return cn2an.cn2an


# ------------------------------------------------------------------------ numbers a time names, range-checked
# JioNLP does the parsing; this only checks the numbers the text names with their unit, because JioNLP keeps
# what it can of an impossible one ("2点60分" → 14:06, "13月1日" → March, "下午25点" → 05:00, "下午0点" → 00:00).
# Each number is read by cn2an ("六十" → 60), the same reader as quantity().
YEARS = range(1900, 2200)  # a year the bot can plan for; JioNLP mangles others ("9999年" → year 999)
_NUMBER = r"(\d+|[零〇一二两三四五六七八九十百千万]+)"
_NAMED = re.compile(_NUMBER + r"\s*(年|月|日|号|点钟|点|时|分(?!钟)|秒)")
_AFTER_HOUR = re.compile(r"(?:点|时|[:：])\s*" + _NUMBER + r"(?!\s*(?:刻|\d|[零〇一二两三四五六七八九十]))")
_CLOCK = re.compile(r"(\d+)\s*[:：]\s*\d")
_NOT_A_NUMBER = re.compile(r"[a-z]\s*(?:点|时)")  # "下午NaN点", "下午1e400点" (the 400 is checked as an hour too)
_RANGES = {
    "年": YEARS,
    "月": range(1, 13),
    "日": range(1, 32),
    "号": range(1, 32),
    "点钟": range(25),
    "点": range(25),
    "时": range(25),
    "分": range(60),
    "秒": range(60),
}
# The hours each part of the day can hold, on the 12- or the 24-hour clock ("下午3点", "下午15点"); longest first.
_PART_HOURS = (
    (("凌晨", "早上", "早晨", "清晨", "上午", "早", "am"), range(13)),
    (("中午",), (1, 2, 10, 11, 12, 13, 14)),
    (("下午", "傍晚", "pm"), range(1, 19)),
    (("晚上", "夜里", "夜间", "今晚", "明晚", "晚", "夜"), (*range(13), *range(17, 25))),
)


def _value(numeral: str) -> int | None:
    if numeral.isdigit():
        return int(numeral)
    try:
        value = numerals()(numeral, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    return int(value) if value == int(value) else None


def impossible(text: str) -> bool:
    """Whether ``text`` (folded) names a month, day, hour, minute or second out of range, a four-digit year out of
    :data:`YEARS`, or an hour its part of the day cannot hold ("上午13点", "凌晨15点", "下午0点")."""
    if _NOT_A_NUMBER.search(text):
        return True
    hours = []
    for numeral, unit in _NAMED.findall(text):
        value = _value(numeral)
        if unit == "年" and len(numeral) < 4:  # "26年": JioNLP reads the century itself
            continue
        if value is None or value not in _RANGES[unit]:
            return True
        if unit in ("点", "点钟", "时"):
            hours.append(value)
    for numeral in _CLOCK.findall(text):
        hours.append(int(numeral))
        if int(numeral) > 24:
            return True
    if any((value := _value(numeral)) is None or value > 59 for numeral in _AFTER_HOUR.findall(text)):
        return True
    rest, parts = text, set()
    for index, (words, _) in enumerate(_PART_HOURS):
        for word in sorted(words, key=len, reverse=True):
            if word in rest:
                parts.add(index)
                rest = rest.replace(word, " ")
    if len(hours) == 1 and len(parts) == 1:
        return hours[0] not in _PART_HOURS[parts.pop()][1]
    return False


_MONTH = re.compile(_NUMBER + r"\s*月")


def month_out_of_range(text: str) -> int | None:
    """The first month ``text`` (folded) names that no year has ("13月1日" → 13), else None."""
    return next((v for m in _MONTH.findall(text) if (v := _value(m)) is not None and v not in _RANGES["月"]), None)


_CN_DAY = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_NUMERIC_DAY = re.compile(r"(?<![\d:：])(?:(\d{4})\s*[-/.]\s*)?(\d{1,2})\s*[-/.]\s*(\d{1,2})(?![\d:：])")


def no_such_day(text: str) -> tuple[int | None, int, int] | None:
    """(year or None, month, day) of the first date ``text`` names that its month does not have ("2月30日",
    "4月31日", "2027-02-29"); None when every date it names exists. A February 29 without a year is allowed."""
    folded = fold(text) or unicodedata.normalize("NFKC", text)
    typed = [
        (int(year) if year else None, int(month), int(day))
        for pattern in (_CN_DAY, _NUMERIC_DAY)
        for year, month, day in pattern.findall(folded)
    ]
    for y, m, d in typed + month_days(folded):
        if 1 <= m <= 12 and 1 <= d <= 31 and d > calendar.monthrange(y if y is not None and y in YEARS else 2028, m)[1]:
            return y, m, d
    return None


def real_days(text: str, now: datetime, tz: ZoneInfo) -> None:
    """Invalid ``everyday.no_such_day`` (naming the month and the day, with an example) when ``text`` names a day
    its month does not have: "2月30日" is answered "2月没有30日", not "unreadable"."""
    found = no_such_day(text)
    if found is not None:
        year, month, day = found
        key = "everyday.no_such_day_year" if year is not None and month == 2 and day == 29 else "everyday.no_such_day"
        raise asked_again(key, text, now, tz, year=year or "", month=month, day=day)


def two_years_on(today: date) -> date:
    """The last day the bot plans for: two years from ``today`` (consultation slots, courses, competitions,
    broadcasts, preferred dates: one rule)."""
    try:
        return today.replace(year=today.year + 2)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 2, day=28)


def near_enough(day: date, text: str, now: datetime, tz: ZoneInfo) -> None:
    """Invalid ``everyday.too_far`` (naming the last day allowed, with an example) for a day past
    :func:`two_years_on` today."""
    limit = two_years_on(now.astimezone(tz).date())
    if day > limit:
        raise asked_again("everyday.too_far", text, now, tz, limit=limit.isoformat())


def example(now: datetime, tz: ZoneInfo) -> dict[str, str]:
    """A time still to come to show as an example: three days from now at 14:00 ("12月3日下午2点")."""
    day = now.astimezone(tz).date() + timedelta(days=3)
    return {"example": f"{day.month}月{day.day}日下午2点", "example_iso": f"{day.isoformat()} 14:00"}


def asked_again(key: str, text: str, now: datetime, tz: ZoneInfo, **values: object) -> Invalid:
    """The refusal of a time as typed: quotes its start and gives an example still to come."""
    return Invalid(key, value=shown(text), **values, **example(now, tz))
