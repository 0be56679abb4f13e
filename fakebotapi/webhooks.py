"""The fake Bot API's webhook mode: setWebhook starts pushing updates to a URL (with the secret token header), one
at a time and in order, retried until the bot answers 200; deleteWebhook stops it."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from .state import UploadedFiles, World


class Webhooks:
    """Mixed into :class:`fakebotapi.server.FakeBotAPI`."""

    # what FakeBotAPI supplies
    world: World
    webhook: dict[str, Any] | None
    webhook_answers: list[int]
    _pusher: asyncio.Task | None

    if TYPE_CHECKING:

        def _event(self) -> asyncio.Event: ...

    async def _m_deleteWebhook(self, p: dict, f: UploadedFiles) -> bool:
        if p.get("drop_pending_updates"):
            self.world.updates.clear()
        self.webhook = None
        if self._pusher is not None:
            self._pusher.cancel()
            self._pusher = None
        return True

    async def _m_setWebhook(self, p: dict, f: UploadedFiles) -> bool:
        """Like Telegram: from now on updates are POSTed to ``url`` (with the secret token header), one at a time
        and in order; an answer other than 200 (or no answer) is retried until it is taken."""
        await self._m_deleteWebhook({}, f)
        self.webhook = {"url": p["url"], "secret_token": p.get("secret_token")}
        self._pusher = asyncio.get_running_loop().create_task(self._push(p["url"], p.get("secret_token")))
        return True

    async def _push(self, url: str, secret: str | None) -> None:
        import aiohttp

        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            while True:
                if not self.world.updates:
                    event = self._event()
                    event.clear()
                    await event.wait()
                    continue
                update = self.world.updates[0]
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        delivered = response.status == 200
                        self.webhook_answers.append(response.status)
                except (TimeoutError, aiohttp.ClientError):
                    delivered = False
                    self.webhook_answers.append(0)
                if delivered:
                    self.world.updates.remove(update)
                else:
                    await asyncio.sleep(0.2)

    async def _m_getWebhookInfo(self, p: dict, f: UploadedFiles) -> dict[str, Any]:
        return {
            "url": (self.webhook or {}).get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }
