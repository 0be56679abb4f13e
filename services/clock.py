"""Time, injectable: production uses the system clock; tests move a ManualClock instead of sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta


class Clock:
    manual = False  # a manual clock does not move by itself: nothing may wait for it in real time

    def now(self) -> datetime:
        """Aware UTC now."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def real(self, instant: datetime) -> datetime:
        """The system clock's instant at which this clock shows ``instant`` (a scheduler runs on the system
        clock: services/reminders.py gives it this)."""
        return instant


class ManualClock(Clock):
    """A clock that moves only when told to."""

    manual = True

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 21, 2, 0, tzinfo=UTC)
        self._mono = 1000.0

    def now(self) -> datetime:
        return self._now

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float = 0.0, **delta: float) -> None:
        step = timedelta(seconds=seconds, **delta)
        self._now += step
        self._mono += step.total_seconds()


class ShiftedClock(Clock):
    """The system clock moved to start at ``start``: it runs in real time from there. The console's stage uses it
    (CONSOLE_CLOCK) to be tried at another hour — e.g. outside the cast's quiet hours — and its tests to be
    independent of the hour they run at."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware start time")
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def real(self, instant: datetime) -> datetime:
        return instant - self._offset

    def go_on_from(self, instant: datetime) -> None:
        """Run on from ``instant`` (the console's stage: its time never runs back, runtime/console_stage.py)."""
        self._offset = instant - datetime.now(UTC)
