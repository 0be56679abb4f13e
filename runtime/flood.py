"""Per-user flood guard: at most N updates in a sliding window of W seconds.

Updates are judged as they arrive (runtime/processor.py), in arrival order, before they wait for a processing slot:
one over the limit gets a polite answer once per burst (the middleware sends it), the rest are dropped there and
then, costing no slot, no handler and no database commit of their own.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable

MAX_VERDICTS = 100_000  # verdicts kept for updates not yet handled; more means they are never collected: forget them


class Verdict(enum.StrEnum):  # a string: the chat layer compares it without importing runtime/
    ALLOW = "allow"
    WARN = "warn"  # over the limit, the first of its burst: answered with a warning, then dropped
    DROP = "drop"  # over the limit: dropped unseen


class FloodGuard:
    def __init__(self, max_updates: int, window_seconds: float, clock: Callable[[], float]) -> None:
        self.max_updates, self.window, self.clock = max_updates, window_seconds, clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()
        self._verdicts: dict[int, Verdict] = {}  # update id → the verdict given on arrival, until it is handled

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        stamps = self._seen.setdefault(user_id, deque())
        while stamps and now - stamps[0] >= self.window:
            stamps.popleft()
        if len(stamps) >= self.max_updates:
            return False
        stamps.append(now)
        self._warned.discard(user_id)
        if len(self._seen) > 50_000:  # forget idle users so memory stays bounded
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < self.window}
        return True

    def should_warn(self, user_id: int) -> bool:
        """True once per burst: the first refused update gets a polite answer, the rest are dropped silently."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True

    def judge(self, user_id: int) -> Verdict:
        if self.allow(user_id):
            return Verdict.ALLOW
        return Verdict.WARN if self.should_warn(user_id) else Verdict.DROP

    def admit(self, user_id: int, update_id: int) -> bool:
        """Judge an update on arrival and remember the verdict for its handling; False: drop it now."""
        verdict = self.judge(user_id)
        if len(self._verdicts) >= MAX_VERDICTS:
            self._verdicts.clear()
        self._verdicts[update_id] = verdict
        return verdict is not Verdict.DROP

    def verdict(self, user_id: int, update_id: int) -> Verdict:
        """The verdict given to the update on arrival, or (an update nobody judged on arrival) one given now."""
        verdict = self._verdicts.pop(update_id, None)
        return verdict if verdict is not None else self.judge(user_id)

    def dropped(self, update_id: int) -> bool:
        """Whether the update was dropped on arrival (and forget it)."""
        if self._verdicts.get(update_id) is Verdict.DROP:
            del self._verdicts[update_id]
            return True
        return False
