"""The duties of exactly one process (runtime/presence.py): the reminder scheduler, the service flow's sweep
and the drafts' tidy-up. Every process — the update process and each ``--worker`` — runs :meth:`Leadership.watch`
every few seconds: it notices a lost database connection (and with it the lead), takes the lead when nobody
holds it, and releases the outbox rows of processes that died."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from runtime.inbox import Inbox
from runtime.presence import Presence
from services.container import Services

log = logging.getLogger(__name__)
SWEEP_EVERY = 300  # seconds: lapsed offers, services that began, follow-up reminders
TIDY_EVERY = 3600  # seconds: draft reminders and expiry


class Leadership:
    def __init__(self, services: Services, presence: Presence, flush: Callable[[], Awaitable[int]]) -> None:
        self.services, self.presence, self.flush = services, presence, flush
        self.leading = False
        self._last_sweep = self._last_tidy = 0.0  # set when this process takes the lead

    async def watch(self) -> None:
        presence = self.presence
        if not await presence.check() and self.leading:
            self.resign()
        if not self.leading and await presence.try_lead():
            await self._take_over()
        await self.services.outbox.release_stuck(presence.alive)

    async def _take_over(self) -> None:
        """Rebuild the reminder schedule from the database (writing what was missed while nobody led)."""
        self.leading = True
        self._last_sweep = self._last_tidy = self.services.clock.monotonic()
        self.services.reminders.after_fire = self.flush
        await self.services.reminders.start(autorun=not self.services.clock.manual)

    def resign(self) -> None:
        log.warning("lost the lead: the scheduler stops here until this process leads again")
        self.services.reminders.stop()
        self.leading = False

    async def duties(self) -> None:
        """The leader's periodic work, when its time has come (call often; it keeps its own times)."""
        if not self.leading:
            return
        now = self.services.clock.monotonic()
        if now - self._last_sweep >= SWEEP_EVERY:
            self._last_sweep = now
            await self.sweep()
        if now - self._last_tidy >= TIDY_EVERY:
            self._last_tidy = now
            await self.tidy_drafts()

    async def sweep(self) -> None:
        """Lapsed offers, services that began, follow-up reminders; then deliver what they wrote."""
        await self.services.sweep()
        await self.flush()

    async def tidy_drafts(self) -> None:
        """Remind users of drafts untouched for 6 days, delete those untouched for 7, deliver the reminders; forget
        the ids of updates handled more than a day ago."""
        await self.services.demands.remind_drafts()
        await self.services.demands.expire_drafts()
        await Inbox(self.services.db, self.services.clock).prune()
        await self.flush()
