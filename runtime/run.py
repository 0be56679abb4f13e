"""Run modes: polling real Telegram, and the local console chat on the fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.engine import make_url
from telegram import Update
from telegram.ext import Application

from config.settings import ROOT
from fakebotapi import FakeBotAPI
from fakebotapi.console import Console
from fakebotapi.console_files import image_viewer
from fakebotapi.console_people import FIRST_MADE_UP_ID
from fakebotapi.request import FakeRequest
from i18n import label, t
from runtime.application import FrontEnd, build_application
from runtime.console_stage import (
    SETTING,
    console_cast,
    console_files_dir,
    console_language,
    console_words,
    database_roles,
    forget_typed_scripts,
    keep_stage_time,
    note_stage_time,
    stage_clock,
)
from runtime.state_store import StateStore
from services.container import Services
from services.demo import load_demo_data
from services.demo_people import DEMO_MEMBERS, DEMO_PEOPLE
from services.local_time import QuietHours

log = logging.getLogger(__name__)


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop


async def serve(application: Application, until: asyncio.Event) -> None:
    """Initialise (checks the token with getMe), poll until ``until`` is set, then shut down cleanly."""
    async with application:
        await application.start()
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES, timeout=10)
        log.info("bot is polling", extra={"bot": application.bot.username})
        await until.wait()
        await application.updater.stop()
        await application.stop()


async def run_telegram(services: Services, front: FrontEnd, webhook: str | None = None) -> None:
    """Polling, or with ``webhook`` (the public https URL Telegram should POST to) the webhook server."""
    application = build_application(services, front)
    if webhook:
        from runtime.webhook import serve_webhook

        await serve_webhook(application, services, webhook, _stop_event())
    else:
        await serve(application, _stop_event())


async def run_delivery_worker(services: Services) -> None:
    from runtime.worker import run_worker

    await run_worker(services, _stop_event())


def console_state_path(database_url: str) -> Path:
    """Where the console's fake Telegram keeps its numbering: beside the SQLite file (data/zhuqi.sqlite3 →
    data/zhuqi.console-state.json), so a restarted console chat goes on with the update ids the database has seen."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        return database.with_name(f"{database.stem}.console-state.json")
    return ROOT / "data" / f"console-state-{url.database or 'default'}.json"


def _interactive(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


async def run_console(
    services: Services,
    front: FrontEnd,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    *,
    api: FakeBotAPI | None = None,
    files_dir: Path | None = None,
    start: str | None = None,
) -> None:
    """People chat with the real Application in the terminal; Telegram is the in-process fake. The console starts
    as ``start`` (a name or id; default: $CONSOLE_AS, else the first of the demo cast)."""
    stage = StateStore(services.db)
    went_on_from = await keep_stage_time(stage, services.clock, chosen=services.settings.console_clock is not None)
    await load_demo_data(services.db, services.clock, services.settings.tz)
    api = api or FakeBotAPI(state_path=console_state_path(services.settings.database_url))
    if api.state_note:  # an unreadable state file: started fresh, said in one line
        stdout.write(label("console.state_reset", console_language(), note=api.state_note) + "\n")
    lang = console_language()
    for member in DEMO_MEMBERS:  # the demo's other members (course participants) have Telegram accounts too
        api.add_user(member.telegram_id, member.name, lang)
    # the console's people speak the terminal's language from the start (unless they picked one in /settings), so
    # notices that reach them before they type are written in it too
    changed = await services.users.default_language([p.telegram_id for p in (*DEMO_PEOPLE, *DEMO_MEMBERS)], lang)
    application = build_application(services, front, request=FakeRequest(api), get_updates_request=FakeRequest(api))
    await forget_typed_scripts(application.transport.state, changed)  # before the application loads its user data
    stdout.write(t("console.hint", lang) + "\n")
    local = services.clock.now().astimezone(services.settings.tz)
    if went_on_from is not None:  # said with what took the stage there: CONSOLE_CLOCK or :clock
        key = "console.stage_time_kept" if went_on_from[1] == SETTING else "console.stage_time_kept_clock"
        stdout.write(t(key, lang, time=local.strftime("%Y-%m-%d %H:%M")) + "\n")
    if QuietHours().contains(local.hour * 60 + local.minute):  # everyone's default: questions and notices wait
        stdout.write(t("console.quiet_now", lang, time=local.strftime("%H:%M")) + "\n")
    stop = _stop_event()

    async def drained() -> None:
        """Wait (bounded) until every update sent so far has been fetched and handled."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        await asyncio.sleep(0.05)  # let the poller fetch what was just sent
        while loop.time() < deadline and (  # noqa: ASYNC110 - polls three counters of PTB and the fake server, none with an event to await
            api.world.updates
            or application.update_queue.qsize()
            or application.update_processor.current_concurrent_updates
        ):
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.05)  # and the console print it

    console = Console(
        api,
        console_cast(lang),
        console_words(lang),
        start=start or os.environ.get("CONSOLE_AS"),
        files_dir=files_dir or console_files_dir(services.settings.database_url),
        out=stdout,
        read_line=stdin.readline,
        drained=drained,
        roles=database_roles(services.users, lang),
        viewer=image_viewer(_interactive(stdin) and _interactive(stdout)),
        language=lang,
        known={  # the people made up in earlier runs, by the names they had: the bot's database, then the fake Telegram's
            **await services.users.names_from(FIRST_MADE_UP_ID),
            **{
                uid: str(user.get("first_name") or "")
                for uid, user in api.world.users.items()
                if uid >= FIRST_MADE_UP_ID
            },
        },
        taken=set(api.world.users),
        clock=stage_clock(services, lang, stage),
    )
    chat = asyncio.create_task(console.run())
    chat.add_done_callback(lambda _task: stop.set())
    try:
        await serve(application, stop)
    finally:
        chat.cancel()
        await note_stage_time(stage, services.clock)
