"""python-telegram-bot's ``BaseRequest`` adapter: the bot's requests go, serialised as PTB sends them,
straight into a :class:`FakeBotAPI` in the same process."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest, RequestData

from .server import ConnectionDropped, FakeBotAPI


def split_url(url: str) -> tuple[str, str, bool]:
    """Return (token, method-or-file-path, is_file) from a Bot API URL."""
    path = unquote(urlsplit(url).path)  # PTB percent-encodes file paths (the token's colon too)
    is_file = "/file/bot" in path
    tail = path.split("/file/bot", 1)[1] if is_file else path.split("/bot", 1)[1]
    token, _, rest = tail.partition("/")
    return token, rest, is_file


class FakeRequest(BaseRequest):
    def __init__(self, server: FakeBotAPI) -> None:
        self.server = server

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        token, what, is_file = split_url(url)
        if is_file:
            stored = next((f for f in self.server.world.files.values() if f.file_path == what), None)
            return (200, stored.content) if stored and token == self.server.token else (404, b"Not Found")
        params: dict[str, Any] = dict(request_data.json_parameters) if request_data else {}
        files: dict[str, tuple[str | None, bytes, str | None]] = {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, mime) in request_data.multipart_data.items():
                files[name] = (filename, content if isinstance(content, bytes) else content.read(), mime)
        try:
            return await self.server.call(token, what, params, files)
        except TimeoutError as exc:
            raise TimedOut(str(exc)) from exc
        except ConnectionDropped as exc:  # as httpx reports a server that hung up
            raise NetworkError(
                f"httpx.RemoteProtocolError: Server disconnected without sending a response. ({exc})"
            ) from exc


def bare_application(server: FakeBotAPI, concurrent_updates: int = 64) -> Application:
    """A plain python-telegram-bot Application talking to ``server`` (the benchmarks' baseline bots)."""
    return (
        ApplicationBuilder()
        .token(server.token)
        .request(FakeRequest(server))
        .get_updates_request(FakeRequest(server))
        .concurrent_updates(concurrent_updates)
        .build()
    )
