"""The fake Bot API over real HTTP on 127.0.0.1, so a bot in another process can use it via its base URL.

URLs are Telegram's: ``POST /bot<token>/<method>`` (JSON, form or multipart) and ``GET /file/bot<token>/<path>``.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from .server import ConnectionDropped, FakeBotAPI


def make_app(server: FakeBotAPI) -> web.Application:
    async def method(request: web.Request) -> web.Response:
        token, name = request.match_info["token"], request.match_info["method"]
        params: dict[str, Any] = {}
        files: dict[str, tuple[str | None, bytes, str | None]] = {}
        if request.content_type == "application/json":
            body = await request.json()
            params = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read(), value.content_type)
                else:
                    params[key] = value
        params.update({k: v for k, v in request.query.items() if k not in params})
        try:
            status, body_bytes = await server.call(token, name, params, files)
        except TimeoutError:
            await asyncio.sleep(3600)  # an injected timeout: never answer; the client gives up
            raise
        except ConnectionDropped:  # hang up without an answer
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError from None
        return web.Response(status=status, body=body_bytes, content_type="application/json")

    async def file(request: web.Request) -> web.Response:
        token, path = request.match_info["token"], request.match_info["path"]
        stored = next((f for f in server.world.files.values() if f.file_path == path), None)
        if stored is None or token != server.token:
            return web.Response(status=404, text="Not Found")
        return web.Response(body=stored.content)

    app = web.Application(client_max_size=60 * 1024 * 1024)
    app.router.add_route("*", "/bot{token}/{method}", method)
    app.router.add_get("/file/bot{token}/{path:.+}", file)
    return app


class HttpServer:
    """``async with HttpServer(api) as srv:`` serves ``api`` on ``srv.url`` (a free port on 127.0.0.1)."""

    def __init__(self, server: FakeBotAPI, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server, self.host, self.port = server, host, port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> HttpServer:
        self._runner = web.AppRunner(make_app(self.server), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> HttpServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
