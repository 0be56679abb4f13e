"""Everyday Chinese numbers and times as people type them: "大约50人", "一万五", "下周二下午两点", "22点半到6点半".

The one place that knows the libraries: cn2an reads the numerals ("五十", "一万五", "1.5万", "壹万伍仟"), JioNLP's
time parser the date and time expressions ("12月3日下午2点", "明天下午三点", "后天10点半", "晚上10点到早上7点").
Both are imported on first use (JioNLP costs about 0.35 s and 20 MiB, cn2an 70 ms and 5 MiB: bench/everyday.py),
which the bot's start should not pay.

Before either sees a text it is folded: NFKC turns full-width digits into ASCII ("３０" → "30"), OpenCC turns
traditional into simplified ("下週二下午兩點" → "下周二下午两点"); a text that is too long or holds control
characters is refused before any library sees it. Times are read in the user's zone against an injected ``now``.

Rules a person can rely on (and the replies state):
- an approximate count is the number stated: "大约50人", "50多人", "约二十来人" are 50, 50 and 20;
- a time whose hour is 1–6 with no part of the day ("3点") could be night or afternoon: it is asked again;
- a bare weekday naming today ("周二" on a Tuesday) could be today or next week: asked again;
- a part of the day without an hour ("下周二上午") takes 9:00 / 14:00 / 19:00 and says so (:attr:`Moment.assumed`);
- a time in the past is asked again with an example in the future, computed from ``now``;
- a day its month does not have is named ("2月没有30日"), and a time still to come may be at most two years ahead
  (the checks live in services/time_checks.py).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from services import english_time
from services.time_checks import (
    YEARS,
    asked_again,
    fold,
    impossible,
    near_enough,
    numerals,
    real_days,
)

_BEFORE = (
    "大约",
    "大概",
    "约莫",
    "约",
    "差不多",
    "将近",
    "接近",
    "近",
    "一共",
    "总共",
    "共计",
    "共",
    "预计",
    "估计",
    "大致",
    "人民币",
    "¥",
    "￥",
)
_UNITS = ("人左右", "左右", "上下", "人次", "个人", "个", "名", "人", "位", "元", "块钱", "块", "圆", "来", "多", "余")
_AFTER = (*"吧啊呀呢", *_UNITS)  # a spoken answer's closing particle first ("二十来个吧"), then the unit and "about"
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_DAY_PARTS = (
    "上午",
    "下午",
    "早上",
    "早晨",
    "清晨",
    "凌晨",
    "中午",
    "晚上",
    "傍晚",
    "夜里",
    "夜间",
    "午后",
    "今晚",
    "明晚",
    "明早",
    "早",
    "晚",
    "夜",
    "am",
    "pm",
)
_BARE_WEEKDAY = re.compile(r"(?<![上下本这])(?:周|星期|礼拜)[一二三四五六日天]")
_EXPLICIT_YEAR = re.compile(r"\d{4}|年")
_LEADING_ZERO_HOUR = re.compile(r"(?<!\d)0\d\s*[:点时]")
# Contractions JioNLP 1.5.31 reads as today ("明早8点" → today 08:00) or at night ("午后2点" → 02:00): spelled out
# before it sees them ("午後" is folded to "午后" by OpenCC first; "中午后" is left alone).
_CONTRACTIONS = (
    (re.compile("明早"), "明天早上"),
    (re.compile("明晨"), "明天早上"),
    (re.compile("(?<!中)午后"), "下午"),
)
_PART_DEFAULTS = (time(9), time(14), time(19))  # 上午, 下午, 晚上: the hour taken for a part of the day
# a span runs overnight only from the evening (18:00 on) to the early morning (to 08:00)
OVERNIGHT = (time(18), time(8))


# ---------------------------------------------------------------------------------------------------- numbers
def _strip_words(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for word in _BEFORE:
            if text.startswith(word) and len(text) > len(word):
                text, changed = text[len(word) :].strip(), True
        for word in _AFTER:
            if text.endswith(word) and len(text) > len(word):
                text, changed = text[: -len(word)].strip(), True
    return text


def quantity(text: str | None) -> Decimal | None:
    """A number as people type it ("50", "五十", "大约50人", "１５,０００元", "一万五", "1.5万", "三千五百元"), or None
    when ``text`` is not one (or is negative, or refused by :func:`fold`)."""
    folded = fold(text or "")
    if not folded or any(unicodedata.category(ch) == "No" for ch in text or ""):  # "²", "①": not typed as counts
        return None
    core = _strip_words(folded).replace(" ", "").replace("参", "叁")  # "參拾" folds to 参拾, unknown to cn2an
    if _THOUSANDS.fullmatch(core):
        core = core.replace(",", "")
    if _PLAIN.fullmatch(core):
        return Decimal(core)
    try:
        value = numerals()(core, "smart")
    except (ValueError, KeyError, IndexError):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() and number >= 0 else None


def count(text: str | None, minimum: int, maximum: int) -> int | None:
    """A whole number of people or things from ``minimum`` to ``maximum`` ("30", "五十人", "大约50人"), else None."""
    value = quantity(text)
    if value is None or value != value.to_integral_value() or not minimum <= value <= maximum:
        return None
    return int(value)


def amount(text: str | None, maximum: int | Decimal) -> Decimal | None:
    """An amount of yuan from 0 to ``maximum`` ("一万五", "1.5万", "15,000元") to the fen, else None: an amount
    finer than the fen ("12.345", "0.000000001") is refused, never rounded (to nothing, or to another amount)."""
    value = quantity(text)
    return None if value is None or value > maximum else to_fen(value)


FEN = Decimal("0.01")


def to_fen(value: Decimal) -> Decimal | None:
    """``value`` (finite) to the fen, or None when it is finer than the fen ("12.345"): never rounded. Any size:
    ``quantize`` in the default 28-digit context raises InvalidOperation past 26 whole digits, so it is given the
    digits ``value`` needs."""
    _, digits, exponent = value.as_tuple()
    places = len(digits) + max(int(exponent), 0) + 3
    fen = value.quantize(FEN, context=Context(prec=places))
    return fen if fen == value else None


# ---------------------------------------------------------------------------------------------------- times
class _WithoutJioNLP(logging.Filter):
    """Drops the records JioNLP's own code logs on the root logger: its time parser calls
    ``logging.error(traceback.format_exc())`` for text it cannot read, so anyone could fill the bot's log with ERROR
    tracebacks by typing nonsense. Our own records (and every other library's) pass."""

    def __init__(self, package_dir: str) -> None:
        super().__init__()
        self.package_dir = package_dir

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.pathname.startswith(self.package_dir)


@lru_cache(maxsize=1)
def _time_parser() -> Any:
    with contextlib.redirect_stdout(io.StringIO()):  # JioNLP greets on import; the bot's log is no place for it
        import jionlp.gadget.time_parser as module
    root = logging.getLogger()
    if not any(isinstance(f, _WithoutJioNLP) for f in root.filters):
        root.addFilter(_WithoutJioNLP(os.path.dirname(os.path.dirname(os.path.abspath(module.__file__))) + os.sep))
    return module.TimeParser()


def _read(folded: str, local_now: datetime) -> dict[str, Any] | None:
    for short, spelled in _CONTRACTIONS:
        folded = short.sub(spelled, folded)
    if impossible(folded):
        return None
    try:
        found: dict[str, Any] = _time_parser()(folded, time_base=local_now.replace(tzinfo=None))
        return found
    except Exception:  # noqa: BLE001 - the parser raises ValueError and others for what it cannot read
        return None


def _reading(text: str, local_now: datetime) -> tuple[str, dict[str, Any], tuple[datetime, datetime]] | None:
    """``text`` folded, what JioNLP found in it and the span of that; None when nothing was read."""
    folded = fold(text)
    found = _read(folded, local_now) if folded else None
    span = _span(found) if found else None
    return None if folded is None or found is None or span is None else (folded, found, span)


def window(text: str, tz: ZoneInfo, now: datetime) -> tuple[datetime, datetime] | None:
    """The wall-clock span (naive, in ``tz``) a time ``text`` names: a day, a part of one, an hour; else None."""
    reading = _reading(text, now.astimezone(tz))
    return reading[2] if reading is not None and reading[1].get("type") == "time_point" else None


def _span(found: dict[str, Any]) -> tuple[datetime, datetime] | None:
    """JioNLP's two times, or None when it wrote one datetime cannot hold ("999-12-31 23:00:00" for year 9999:
    years are not zero-padded)."""
    try:
        # naive on purpose (DTZ007): JioNLP writes the user's wall-clock time; the callers attach the zone
        start, end = (datetime.strptime(v, "%Y-%m-%d %H:%M:%S") for v in found["time"])  # noqa: DTZ007
    except (ValueError, TypeError):
        return None
    return (start, end) if YEARS[0] <= start.year and end.year <= YEARS[-1] else None


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware UTC
    assumed: time | None = None  # the hour taken for a part of the day given without one ("下周二上午" → 09:00)
    until: datetime | None = None  # the end of a span typed where one moment was asked ("下午2点到4点": 16:00)


def moment(text: str, tz: ZoneInfo, now: datetime, default_time: time | None = None, *, future: bool = False) -> Moment:
    """A date and time typed in everyday Chinese, read in ``tz`` against ``now``; Invalid with a key the user can
    act on: time.bad_datetime, everyday.need_time, everyday.ambiguous_hour, everyday.ambiguous_weekday,
    everyday.past (only with ``future``). A date alone takes ``default_time`` when given."""
    local_now = now.astimezone(tz)
    real_days(text, now, tz)
    english = english_time.read(text, local_now.replace(tzinfo=None))  # "tomorrow 3pm", "Dec 5 2pm"
    if english is not None:
        local, assumed = _english(english, text, now, tz, default_time)
        return _checked(local, assumed, fold(text) or text, text, now, tz, future=future)
    reading = _reading(text, local_now)
    if reading is None or reading[1].get("type") != "time_point":
        raise asked_again("time.bad_datetime", text, now, tz)
    folded, found, (start, end) = reading
    assumed = None
    if end - start >= timedelta(hours=23):  # a whole day (or more): no time of day was given
        if default_time is None or end - start > timedelta(days=1):
            raise asked_again("everyday.need_time", text, now, tz)
        local = datetime.combine(start.date(), default_time)
    elif found.get("definition") == "blur" and end - start > timedelta(minutes=1):  # 上午, 下午, 晚上 …
        assumed = next((t for t in _PART_DEFAULTS if start.time() <= t <= end.time()), start.time())
        local = datetime.combine(start.date(), assumed)
    else:
        local = start
        _clear_hour(local, folded, text, now, tz)
    return _checked(local, assumed, folded, text, now, tz, future=future)


def _clear_hour(local: datetime, folded: str, text: str, now: datetime, tz: ZoneInfo) -> None:
    """An hour from 1 to 6 with no part of the day ("3点") is asked again: 03:00 or 15:00?"""
    if 1 <= local.hour <= 6 and not any(p in folded for p in _DAY_PARTS) and not _LEADING_ZERO_HOUR.search(folded):
        raise asked_again("everyday.ambiguous_hour", text, now, tz, hour=local.hour)


def span_start(text: str, tz: ZoneInfo, now: datetime, *, future: bool = False) -> Moment | None:
    """A span of time typed where one moment is asked ("12月3日下午2点到4点", "22点半到6点半"): its start, checked as
    :func:`moment` checks one, with the span's end in :attr:`Moment.until`; None when ``text`` is no such span (whole
    days, "下周一到下周五", are none)."""
    if (english := english_time.span(text)) is not None:  # "tomorrow 2pm to 4pm", "Dec 3 2-4pm"
        return _english_span(english, text, tz, now, future=future)
    reading = _reading(text, now.astimezone(tz))
    if reading is None or reading[1].get("type") != "time_span" or reading[1].get("definition") != "accurate":
        return None
    folded, _, (start, end) = reading
    if abs(end - start) >= timedelta(hours=23):
        return None
    _clear_hour(start, folded, text, now, tz)
    found = _checked(start, None, folded, text, now, tz, future=future)
    if end <= start:  # "22点半到6点半": the next morning; "下午4点到下午2点": refused
        end = _overnight(start, end, text, now, tz)
    return Moment(found.at, until=found.at + (end.replace(second=0) - start))


def _overnight(start: datetime, end: datetime, text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The end of a span whose end's clock time is not after its start's: the next morning when it starts in the
    evening and ends in the early morning (:data:`OVERNIGHT`: "10pm to 6am", "22点半到6点半"); else refused, its
    end being before its start ("4pm-2pm" is no 22-hour slot)."""
    if start.time() >= OVERNIGHT[0] and end.time() <= OVERNIGHT[1]:
        return datetime.combine(start.date() + timedelta(days=1), end.time())
    raise asked_again("everyday.span_reversed", text, now, tz, start=f"{start:%H:%M}", end=f"{end:%H:%M}")


def _english_span(found: english_time.Span, text: str, tz: ZoneInfo, now: datetime, *, future: bool) -> Moment:
    """An English span's start read and checked as one English time (its refusals name the line as typed); its end
    the first such clock time after the start: "2 to 4" in the afternoon ends at 16:00, "10pm to 6am" next day."""
    start = english_time.read(found.start, now.astimezone(tz).replace(tzinfo=None))
    if start is None:
        raise asked_again("time.bad_datetime", text, now, tz)
    local, assumed = _english(start, text, now, tz, None)
    moment = _checked(local, assumed, fold(text) or text, text, now, tz, future=future)
    end = datetime.combine(local.date(), found.end)
    if end <= local and not found.end_meridiem and found.end.hour < 12 and local.hour < 12 + found.end.hour:
        end += timedelta(hours=12)  # "afternoon 2 to 4": 16:00
    if end <= local:
        end = _overnight(local, end, text, now, tz)
    return Moment(moment.at, until=moment.at + (end - local))


def _english(
    found: english_time.Reading, text: str, now: datetime, tz: ZoneInfo, default_time: time | None
) -> tuple[datetime, time | None]:
    """An English reading under the rules of :func:`moment` (a bare 1–6 hour, today's weekday, no time: asked)."""
    if found.unclear == "time":
        if default_time is None:
            raise asked_again("everyday.need_time", text, now, tz)
        return datetime.combine(found.local.date(), default_time), None
    if found.unclear == "hour":
        raise asked_again("everyday.ambiguous_hour", text, now, tz, hour=found.local.hour)
    if found.unclear == "weekday":
        raise asked_again("everyday.ambiguous_weekday", text, now, tz)
    return found.local, found.assumed


def _checked(
    local: datetime, assumed: time | None, folded: str, text: str, now: datetime, tz: ZoneInfo, *, future: bool
) -> Moment:
    """A local wall-clock moment read from ``text``, checked: next year when long past, a bare weekday naming today
    asked again, a real moment in ``tz``, still to come and within two years (with ``future``)."""
    local_now = now.astimezone(tz)
    local = _next_year_if_long_past(local, folded, local_now)
    if _BARE_WEEKDAY.search(folded) and local.date() == local_now.date():
        raise asked_again("everyday.ambiguous_weekday", text, now, tz)
    try:
        at = local.replace(tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError):
        raise asked_again("time.bad_datetime", text, now, tz) from None
    if future and at <= now:
        raise asked_again("everyday.past", text, now, tz)
    if future:
        near_enough(local.date(), text, now, tz)
    return Moment(at, assumed)


def _next_year_if_long_past(local: datetime, folded: str, local_now: datetime) -> datetime:
    """ "1月5日" typed in November is next January (a date more than a month past, typed without a year)."""
    if (
        not _EXPLICIT_YEAR.search(folded)
        and local.date() < local_now.date() - timedelta(days=31)
        and local.year < YEARS[-1]
    ):
        return local.replace(year=local.year + 1)  # year + 1 stays in YEARS: no ValueError
    return local


def session(text: str, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime] | None:
    """One session on one day ("12月2日晚上7点到9点", "下周三19:00-21:00") as aware UTC (start, end), or None."""
    local_now = now.astimezone(tz)
    reading = _reading(text, local_now)
    if reading is None or reading[1].get("type") != "time_span" or reading[1].get("definition") != "accurate":
        return None
    folded, _, span = reading
    start, end = (_next_year_if_long_past(v, folded, local_now) for v in span)
    end = end.replace(second=0)
    if start.date() != end.date() or end <= start or end - start >= timedelta(hours=23):
        return None
    return start.replace(tzinfo=tz).astimezone(UTC), end.replace(tzinfo=tz).astimezone(UTC)


def clock_span(text: str, now: datetime, tz: ZoneInfo) -> tuple[time, time] | None:
    """Two times of day ("22点半到6点半", "晚上10点到早上7点", "晚上7点到9点"), or None."""
    reading = _reading(text, now.astimezone(tz))
    if reading is None or reading[1].get("type") != "time_span" or reading[1].get("definition") != "accurate":
        return None
    _, _, (start, end) = reading
    if start.date() != end.date() and abs(end - start) >= timedelta(hours=23):  # whole days, not times of day
        return None
    if start.time() == time() and end.time() >= time(23, 59):
        return None
    return time(start.hour, start.minute), time(end.hour, end.minute)


def date_range(text: str, now: datetime, tz: ZoneInfo) -> tuple[date, date] | None:
    """First and last local dates of a span of days ("下周一到下周五", "12月1日至12月20日", "下周"), or None."""
    reading = _reading(text, now.astimezone(tz))
    if reading is None or reading[1].get("type") not in ("time_span", "time_point"):
        return None
    _, found, (start, end) = reading
    if end < start or (found.get("type") == "time_point" and end - start < timedelta(hours=23)):
        return None
    return start.date(), end.date()
