"""One bot-wide send budget for every process on PostgreSQL: a token bucket kept in one row of ``send_budget``.

A process takes a slice of tokens at a time (:meth:`SharedBudget.take`, one short transaction under a row
lock) and spends it locally, so the row is touched a few times a second per process, not once per message.
Whatever the number of processes, no more than ``rate`` messages a second (plus one ``burst``) are granted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from db.database import Database
from db.models import SendBudget


class SharedBudget:
    def __init__(
        self, db: Database, rate: float, burst: float, name: str = "bot", clock: Callable[[], float] = time.time
    ) -> None:
        self.db, self.rate, self.burst, self.name, self.clock = db, rate, burst, name, clock
        self.slice = max(1, int(min(burst / 2, rate / 20)))  # at most half the burst, 1/20 s of budget at a time
        self.takes = 0

    async def take(self, wanted: int) -> tuple[int, float]:
        """Take up to ``wanted`` tokens; return (granted, seconds until one more would be there)."""
        now = self.clock()
        self.takes += 1
        async with self.db.session(own=True) as session:  # not the update's unit: others wait for this row
            await session.execute(
                insert(SendBudget)
                .values(name=self.name, tokens=self.burst, stamp=now)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            row = await session.scalar(select(SendBudget).where(SendBudget.name == self.name).with_for_update())
            tokens = min(self.burst, row.tokens + max(0.0, now - row.stamp) * self.rate)
            granted = int(min(wanted, tokens))
            row.tokens, row.stamp = tokens - granted, max(now, row.stamp)
        return granted, 0.0 if granted else (1.0 - (tokens - granted)) / self.rate
