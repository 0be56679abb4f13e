"""``bot.py --webhook URL``: Telegram POSTs updates to us instead of being polled.

- Every request must carry Telegram's ``X-Telegram-Bot-Api-Secret-Token`` header with our secret (set with
  setWebhook); anything else is refused with 403 and logged. The secret is WEBHOOK_SECRET, or derived from the
  token so every restart agrees.
- ``GET /healthz`` answers 200 with a small JSON status when the database answers, 503 when it does not.
- SIGTERM: stop taking updates (503, so Telegram keeps them and retries), let the updates already taken finish,
  flush the persistence, then exit. Nothing Telegram handed over is dropped.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text
from telegram import Update
from telegram.ext import Application

from runtime.inbox import InboxUnavailable, take
from services.container import Services

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are far smaller


def webhook_secret(services: Services, token: str) -> str:
    configured = services.settings.webhook_secret
    return configured or hmac.new(token.encode(), b"zhuqi-webhook-secret", hashlib.sha256).hexdigest()


class WebhookServer:
    def __init__(self, application: Application, services: Services, url: str) -> None:
        self.application, self.services, self.url = application, services, url
        self.path = urlsplit(url).path or "/"
        self.secret = webhook_secret(services, application.bot.token)
        self.accepting = True
        self.received = self.refused = 0
        self._runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self.update)
        app.router.add_get("/healthz", self.health)
        return app

    async def update(self, request: web.Request) -> web.Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret):
            self.refused += 1
            log.warning("webhook request without the right secret token refused", extra={"peer": request.remote})
            return web.Response(status=403)
        if not self.accepting:  # shutting down: Telegram keeps the update and sends it again later
            return web.Response(status=503)
        try:
            sent = json.loads(await request.read())
            update = Update.de_json(sent, self.application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("webhook body is not an update", extra={"error": str(exc)})
            return web.Response(status=400)
        try:  # into the inbox before the 200 (runtime/inbox.py)
            new = await take(self.application.transport.inbox, [update], {update.update_id: sent})
        except InboxUnavailable:
            return web.Response(status=503)  # Telegram keeps it and sends it again
        self.received += 1
        for update in new:  # empty when Telegram sent it before
            self.application.bot.insert_callback_data(update)  # checks the callback data's signature
            await self.application.update_queue.put(update)
        return web.Response(status=200)

    async def health(self, _request: web.Request) -> web.Response:
        status = {
            "status": "ok",
            "accepting": self.accepting,
            "received": self.received,
            "queued": self.application.update_queue.qsize(),
            "leading": self.application.transport.presence.leading,
        }
        try:
            async with self.services.db.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), 5)
            status["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is "not healthy"
            status.update(status="degraded", database=type(exc).__name__)
        return web.json_response(status, status=200 if status["database"] == "ok" else 503)

    async def start(self) -> None:
        settings = self.services.settings
        self._runner = web.AppRunner(self.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, settings.webhook_listen, settings.webhook_port).start()
        await self.application.bot.set_webhook(self.url, secret_token=self.secret, allowed_updates=Update.ALL_TYPES)
        log.info("webhook is listening", extra={"listen": settings.webhook_listen, "port": settings.webhook_port})

    async def stop(self) -> None:
        self.accepting = False
        if self._runner is not None:
            await self._runner.cleanup()  # waits for requests in progress


async def serve_webhook(application: Application, services: Services, url: str, until: asyncio.Event) -> None:
    """Take updates at ``url`` until ``until`` is set, then shut down gracefully (see the module docstring)."""
    server = WebhookServer(application, services, url)
    async with application:  # shutdown() flushes the persistence
        await application.start()
        await server.start()
        await until.wait()
        log.info("stopping: finishing the updates in hand")
        await server.stop()
        await application.stop()  # processes what is queued and waits for the updates in progress
