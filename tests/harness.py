"""Drive the real python-telegram-bot Application, through its own request serialisation, against the
in-process fake Bot API."""

from __future__ import annotations

import asyncio
from typing import Any

from bot import CHAT
from config.settings import Settings, load_settings
from fakebotapi import FakeBotAPI, FakeUser, RateLimits
from fakebotapi.request import FakeRequest
from runtime.application import build_application
from services.clock import Clock, ManualClock
from services.container import Services


class BotHarness:
    """``async with BotHarness(url) as bot:`` — a running bot; ``bot.user(…)`` makes simulated people."""

    def __init__(
        self,
        database_url: str,
        *,
        clock: Clock | None = None,
        rate_limits: RateLimits | None = None,
        api: FakeBotAPI | None = None,
        **settings: Any,
    ) -> None:
        self.settings: Settings = load_settings(database_url=database_url, bot_token=None, **settings)
        self.clock = clock or ManualClock()
        self.api = api or FakeBotAPI(rate_limits=rate_limits)
        self.services: Services | None = None
        self.handled: set[int] = set()
        self.application = None

    def user(
        self, user_id: int, first_name: str = "王工", language_code: str | None = "zh-hans", **kwargs: Any
    ) -> FakeUser:
        return FakeUser(self.api, user_id, first_name, language_code, **kwargs)

    def signed(self, user: FakeUser, data: str, message: dict[str, Any] | None = None) -> str:
        """``data`` as the bot would have signed it for ``user``'s chat (or the chat of ``message``): a press that
        gets past the signature check, for tests of what the handlers themselves refuse (roles, ownership,
        stale states)."""
        raw = data.rpartition("~")[0] if "~" in data else data  # data taken from another chat's button
        return self.application.bot.signer.sign(message["chat"]["id"] if message else user.id, raw)

    async def start(self) -> BotHarness:
        self.services = await Services.start(self.settings, clock=self.clock)
        self.application = build_application(
            self.services, CHAT, request=FakeRequest(self.api), get_updates_request=FakeRequest(self.api)
        )
        self._track_handled(self.application)
        await self.application.initialize()
        await self.application.start()
        await self.application.updater.start_polling(timeout=5)
        return self

    def _track_handled(self, application: Any) -> None:
        """Record each update id once the application has fully handled it (handlers and persistence)."""
        original = application.process_update

        async def process_update(update: object) -> None:
            try:
                await original(update)
            finally:
                update_id = getattr(update, "update_id", None)
                if update_id is not None:
                    self.handled.add(update_id)
                    await self.api.notifier.notify()

        application.process_update = process_update

    async def wait_handled(self, update_id: int | None = None, timeout: float = 10.0) -> None:
        """Wait until update ``update_id`` (default: the latest sent) has been handled."""
        target = update_id if update_id is not None else self.api.last_update_id
        condition = self.api.notifier.condition
        async with condition:
            await asyncio.wait_for(condition.wait_for(lambda: target in self.handled), timeout)

    async def tick(self) -> int:
        """What the running scheduler and the outbox job do when time has moved: fire the reminders now due (by
        the manual clock) and deliver what is owed; return how many messages went out."""
        await self.services.reminders.run_due()
        sent = await self.application.sender.flush()
        await self.application.sender.idle()  # the outbox job's flush, if it was running, returned ours at once
        return sent

    async def stop(self) -> None:
        if self.application is not None:
            await self.application.updater.stop()
            await self.application.stop()
            await self.application.shutdown()
            self.application = None
        if self.services is not None:
            await self.services.close()
            self.services = None

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database and the same Telegram."""
        await self.stop()
        await self.start()

    async def __aenter__(self) -> BotHarness:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
