"""The demo stage's invented tables (data.toml, read once) and the clock arithmetic every part of the demo shares:
all its times are relative to the clock's now, in the settings' time zone."""

from __future__ import annotations

import tomllib
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

DATA = Path(__file__).with_name("data.toml")


@lru_cache(maxsize=1)
def tables() -> dict[str, Any]:
    with DATA.open("rb") as fh:
        return tomllib.load(fh)


def hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def local_day_at(now: datetime, tz: ZoneInfo, in_days: int, at: str) -> datetime:
    """``at`` ("HH:MM", local) on the local day ``in_days`` after today."""
    day = (now.astimezone(tz) + timedelta(days=in_days)).date()
    return datetime.combine(day, hhmm(at), tzinfo=tz)


def ago(now: datetime, days: float = 0, hours: float = 0) -> datetime:
    return now - timedelta(days=days, hours=hours)
