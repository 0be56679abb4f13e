"""The transport's own parts, built by runtime/ beside the services: this process's presence (and the lead), the
update inbox, the store behind the conversation state, and the flood guard."""

from __future__ import annotations

from runtime.flood import FloodGuard
from runtime.inbox import Inbox
from runtime.presence import Presence
from runtime.state_store import StateStore
from services.container import Services
from services.staff_scope import StaffChats


class Transport:
    def __init__(self, services: Services) -> None:
        settings, db, clock = services.settings, services.db, services.clock
        self.presence = Presence(db, services.outbox.owner)
        staff = StaffChats(services.users, settings.staff_chat_id)
        self.inbox = Inbox(db, clock, services.outbox, staff)  # quarantines are told to staff
        self.state = StateStore(db, self.inbox)
        self.flood = FloodGuard(settings.flood_max_updates, settings.flood_window_seconds, clock.monotonic)

    async def start(self) -> None:
        await self.presence.start()

    async def stop(self) -> None:
        await self.presence.stop()
