"""Per-user flood guard: at most N updates in a sliding window of W seconds."""

from __future__ import annotations

from collections import deque
from typing import Callable


class FloodGuard:
    def __init__(self, max_updates: int, window_seconds: float, clock: Callable[[], float]) -> None:
        self.max_updates, self.window, self.clock = max_updates, window_seconds, clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

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
