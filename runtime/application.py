"""Building the python-telegram-bot Application the same way for Telegram, the console and the tests."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, CallbackContext, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from config.settings import Settings
from db import unit_of_work
from runtime.broadcasting import BroadcastRunner
from runtime.budget import SharedBudget
from runtime.inbox import Inbox, describe, replay
from runtime.leading import Leadership
from runtime.persistence import DbPersistence
from runtime.processor import PerUserUpdateProcessor
from runtime.ratelimit import Limits, SendLimiter
from runtime.reply_limiter import ReplyLimiter
from runtime.sender import OutboxSender
from runtime.signing import SigningBot
from runtime.transport import Transport
from services.container import Services

log = logging.getLogger(__name__)
FAKE_TOKEN = "123456789:AAFakeTokenForZhuqiBotTests_0123456789"
DONE_BATCH = 200  # dropped updates whose done marks may wait for someone else's commit


@dataclass(frozen=True)
class FrontEnd:
    """What a chat front end hands the transport (bot.py composes it; runtime/ never imports conversations/): its
    handlers, the callback context they get, and the menus set at start."""

    wire: Callable[[Application], None]
    context: type[CallbackContext] = CallbackContext
    menus: Callable[[Bot, Any], Awaitable[object]] | None = None


class ZhuqiApplication(Application):
    """Flushes conversation state to the database after every update, so a crash loses no step."""

    transport: Transport
    front: FrontEnd

    async def initialize(self) -> None:
        await super().initialize()
        services: Services = self.bot_data["services"]
        await self.transport.start()
        if self.front.menus is not None:
            await self.front.menus(self.bot, await services.users.menu_roles())
        settings = services.settings
        # pushes go out through a bot of their own (same connections): the sender takes its turn at the shared
        # budget itself and handles 429s row by row
        self.delivery_bot = make_bot(settings, self.bot.request)
        await self.delivery_bot.initialize()
        limiter: SendLimiter = self.bot_data["limiter"]  # shared with the replies (build_application)
        paid = send_limiter(services, paid=True) if settings.allow_paid_broadcast else None
        self.sender = OutboxSender(services, self.delivery_bot, limiter)
        self.broadcaster = BroadcastRunner(services, self.sender, self.delivery_bot, limiter, paid)
        # the scheduler runs in one process (runtime/leading.py); this one takes the lead if nobody holds it,
        # and releases the rows a crash left in flight (those missed reminders are written now)
        self.leadership = Leadership(services, self.transport.presence, self.sender.flush)
        await self.leadership.watch()
        self.broadcaster.wake()  # resume what a stop or a crash cut off
        replayed = await replay(self, self.transport.inbox)  # and the updates it cut off, before any new one
        on_start = self.bot_data.get("on_start")  # each person's pending question asked again (conversations/resume.py)
        if on_start is not None:  # not to those whose cut-off update is about to be handled again
            await on_start(self, {describe(0, payload)["user_id"] for payload in replayed})
            await self._commit(state=True)
        if self.job_queue is not None:  # messages scheduled for later, retries, the leader's duties
            self.job_queue.run_repeating(lambda _context: self.deliver(), interval=5, first=1, name="outbox")
            self.job_queue.run_repeating(lambda _context: self.lead(), interval=5, first=5, name="leadership")

    async def shutdown(self) -> None:
        self.bot_data["services"].reminders.stop()
        if getattr(self, "broadcaster", None) is not None:  # None when initialize failed (a bad token)
            await self.broadcaster.stop()
        try:
            await super().shutdown()
        finally:
            await self.transport.stop()

    async def deliver(self) -> None:
        """Notices due now (scheduled ones, retries), and broadcasts whose time has come."""
        self.broadcaster.wake()
        await self.sender.flush()

    async def lead(self) -> None:
        await self.leadership.watch()
        await self.leadership.duties()

    async def process_update(self, update: object) -> None:
        services = self.bot_data["services"]
        if isinstance(update, Update) and self.transport.flood.dropped(update.update_id):
            await self._drop(update)
            return
        # one unit of work: every service the handlers call joins its transaction, committed below with the
        # conversation state and the inbox mark (db/unit_of_work.py); a failing handler's work is rolled back
        async with services.db.unit_of_work() as unit:
            await super().process_update(update)
            if isinstance(self.persistence, DbPersistence):
                if isinstance(update, Update):
                    self.persistence.done(update.update_id)  # written with the state it led to (runtime/inbox.py)
                if not await self._commit(state=True, unit=unit):
                    return
        if services.broadcasts.written.take():  # this update wrote a broadcast: the background task sends it
            self.broadcaster.wake()
        if services.outbox.dirty.take():  # a notice written while handling this update goes out now
            await self.sender.flush()

    async def process_error(
        self, update: object | None, error: Exception, job: Any = None, coroutine: Any = None
    ) -> bool:
        """A handler failed: none of its work is committed (what the error handlers write starts afresh)."""
        unit = unit_of_work.current(self.bot_data["services"].db)
        if unit is not None and job is None:
            await unit.abandon()
            self.bot_data["services"].outbox.dirty.take()
            self.bot_data["services"].broadcasts.written.take()
        return await super().process_error(update, error, job, coroutine)

    async def _drop(self, update: Update) -> None:
        """An update the flood guard dropped on arrival: no handler, no commit of its own; it is marked done with
        the next commit (every ``DONE_BATCH`` dropped ones at the latest)."""
        if isinstance(self.persistence, DbPersistence):
            self.persistence.done(update.update_id)
            if self.persistence.pending_done >= DONE_BATCH:
                await self._commit(state=False)

    async def _commit(self, *, state: bool, unit: unit_of_work.UnitOfWork | None = None) -> bool:
        """Write the done marks — with ``state``, the conversation state too — in one transaction: ``unit``'s, with
        the update's own work, when given. False while the database does not answer: what was not written is kept
        for the next commit (the update's own work is rolled back)."""
        try:
            if unit is not None:  # its connection first, then the persistence's turn (never the other way round)
                await unit.begin()
            if state:
                await self.update_persistence()
            await self.persistence.commit(unit.commit if unit is not None else None)
        except Exception as exc:  # noqa: BLE001 - the database is down: the next commit writes it
            if unit is not None:
                await unit.abandon()
            log.warning(
                "conversation state or done marks not written yet; kept for the next commit",
                extra={"error": repr(exc)[:200]},
            )
            return False
        return True


def make_bot(
    settings: Settings,
    request: BaseRequest,
    get_updates_request: BaseRequest | None = None,
    rate_limiter: ReplyLimiter | None = None,
    inbox: Inbox | None = None,
) -> SigningBot:
    """The bot as every part of zhuqi-bot talks to Telegram: signed buttons, HTML, no link previews, local time;
    the update bot also writes what it polls to the ``inbox``."""
    return SigningBot(
        settings.bot_token or FAKE_TOKEN,
        inbox=inbox,
        base_url=settings.bot_base_url,
        base_file_url=settings.bot_file_url,
        request=request,
        get_updates_request=get_updates_request or HTTPXRequest(),
        defaults=Defaults(
            parse_mode=ParseMode.HTML, tzinfo=settings.tz, link_preview_options=LinkPreviewOptions(is_disabled=True)
        ),
        rate_limiter=rate_limiter,
    )


def send_limiter(services: Services, paid: bool = False) -> SendLimiter:
    """The bot-wide send budget: in this process on SQLite, shared by every process on PostgreSQL."""
    settings = services.settings
    limits = Limits(
        settings.delivery_rate, settings.delivery_burst, settings.delivery_chat_rate, settings.delivery_chat_burst
    )
    if paid:
        limits = limits.scaled(settings.paid_broadcast_rate)
    shared = None
    if services.db.dialect == "postgresql":  # as runtime/presence.py: several processes may send
        limits = limits.halved_burst()
        shared = SharedBudget(services.db, limits.rate, limits.burst, "paid" if paid else "bot")
    return SendLimiter(limits, shared=shared)


def build_application(
    services: Services,
    front: FrontEnd | Callable[[Application], None],
    *,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
) -> Application:
    """``front``: the chat front end (bot.py's ``wire``), or only a function adding handlers."""
    settings = services.settings
    front = front if isinstance(front, FrontEnd) else FrontEnd(front)
    transport = Transport(services)
    # one send budget for the bot: replies and pushes together stay under Telegram's ~30/s and ~1/s per chat
    limiter = send_limiter(services)
    # the bot is built here rather than by the builder, because it is a SigningBot (runtime/signing.py)
    bot = make_bot(
        settings,
        request or HTTPXRequest(connection_pool_size=256),
        get_updates_request or request,
        ReplyLimiter(limiter) if settings.rate_limit_replies else None,
        inbox=transport.inbox,
    )
    application = (
        ApplicationBuilder()
        .application_class(ZhuqiApplication)
        .bot(bot)
        .context_types(ContextTypes(context=front.context))
        .persistence(DbPersistence(transport.state))
        .concurrent_updates(PerUserUpdateProcessor(64, admit=transport.flood.admit))
        .build()
    )
    application.transport, application.front = transport, front
    application.bot_data["services"] = services
    application.bot_data["limiter"] = limiter
    application.bot_data["flood_verdict"] = transport.flood.verdict  # the middleware's question (conversations/)
    front.wire(application)
    return application
