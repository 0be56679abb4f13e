"""Building the python-telegram-bot Application the same way for Telegram, the console and the tests."""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from config.settings import Settings
from conversations.context import BotContext
from conversations.menu import set_menus
from runtime.broadcasting import BroadcastRunner
from runtime.inbox import replay
from runtime.leading import Leadership
from runtime.persistence import DbPersistence
from runtime.processor import PerUserUpdateProcessor
from runtime.reply_limiter import ReplyLimiter
from runtime.sender import OutboxSender
from runtime.signing import SigningBot
from services.budget import SharedBudget
from services.container import Services
from services.inbox import Inbox
from services.ratelimit import Limits, SendLimiter

log = logging.getLogger(__name__)
FAKE_TOKEN = "123456789:AAFakeTokenForZhuqiBotTests_0123456789"
DONE_BATCH = 200  # dropped updates whose done marks may wait for someone else's commit


class ZhuqiApplication(Application):
    """Flushes conversation state to the database after every update, so a crash loses no step."""

    async def initialize(self) -> None:
        await super().initialize()
        services: Services = self.bot_data["services"]
        await set_menus(self.bot, await services.users.menu_roles())
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
        self.leadership = Leadership(services, self.sender.flush)
        await self.leadership.watch()
        self.broadcaster.wake()  # resume what a stop or a crash cut off
        await replay(self, services.inbox)  # and the updates it cut off, before any new one
        on_start = self.bot_data.get("on_start")  # each person's pending question asked again (conversations/resume.py)
        if on_start is not None:
            await on_start(self)
            await self._commit(state=True)
        if self.job_queue is not None:  # messages scheduled for later, retries, the leader's duties
            self.job_queue.run_repeating(lambda _context: self.deliver(), interval=5, first=1, name="outbox")
            self.job_queue.run_repeating(lambda _context: self.lead(), interval=5, first=5, name="leadership")

    async def shutdown(self) -> None:
        self.bot_data["services"].reminders.stop()
        if getattr(self, "broadcaster", None) is not None:  # None when initialize failed (a bad token)
            await self.broadcaster.stop()
        await super().shutdown()

    async def deliver(self) -> None:
        """Notices due now (scheduled ones, retries), and broadcasts whose time has come."""
        self.broadcaster.wake()
        await self.sender.flush()

    async def lead(self) -> None:
        await self.leadership.watch()
        await self.leadership.duties()

    async def process_update(self, update: object) -> None:
        services = self.bot_data["services"]
        if isinstance(update, Update) and services.flood.dropped(update.update_id):
            await self._drop(update)
            return
        await super().process_update(update)
        if isinstance(self.persistence, DbPersistence):
            if isinstance(update, Update):
                self.persistence.done(update.update_id)  # written with the state it led to (services/inbox.py)
            if not await self._commit(state=True):
                return
        if services.broadcasts.written:  # a broadcast was written: the background task sends it
            services.broadcasts.written = False
            self.broadcaster.wake()
        if services.outbox.dirty:  # a notice written while handling this update goes out now
            services.outbox.dirty = False
            await self.sender.flush()

    async def _drop(self, update: Update) -> None:
        """An update the flood guard dropped on arrival: no handler, no commit of its own; it is marked done with
        the next commit (every ``DONE_BATCH`` dropped ones at the latest)."""
        if isinstance(self.persistence, DbPersistence):
            self.persistence.done(update.update_id)
            if self.persistence.pending_done >= DONE_BATCH:
                await self._commit(state=False)

    async def _commit(self, *, state: bool) -> bool:
        """Write the done marks — with ``state``, the conversation state too — in one transaction. False while the
        database does not answer: what was not written is kept for the next commit."""
        try:
            if state:
                await self.update_persistence()
            await self.persistence.commit()
        except Exception as exc:  # noqa: BLE001 - the database is down: the next commit writes it
            log.warning("conversation state or done marks not written yet; kept for the next commit",
                        extra={"error": repr(exc)[:200]})
            return False
        return True


def make_bot(settings: Settings, request: BaseRequest, get_updates_request: BaseRequest | None = None,
             rate_limiter: ReplyLimiter | None = None, inbox: Inbox | None = None) -> SigningBot:
    """The bot as every part of zhuqi-bot talks to Telegram: signed buttons, HTML, no link previews, local time;
    the update bot also writes what it polls to the ``inbox``."""
    return SigningBot(settings.bot_token or FAKE_TOKEN, inbox=inbox, base_url=settings.bot_base_url,
                      base_file_url=settings.bot_file_url, request=request,
                      get_updates_request=get_updates_request or HTTPXRequest(),
                      defaults=Defaults(parse_mode=ParseMode.HTML, tzinfo=settings.tz,
                                        link_preview_options=LinkPreviewOptions(is_disabled=True)),
                      rate_limiter=rate_limiter)


def send_limiter(services: Services, paid: bool = False) -> SendLimiter:
    """The bot-wide send budget: in this process on SQLite, shared by every process on PostgreSQL."""
    settings = services.settings
    limits = Limits(settings.delivery_rate, settings.delivery_burst, settings.delivery_chat_rate,
                    settings.delivery_chat_burst)
    if paid:
        limits = limits.scaled(settings.paid_broadcast_rate)
    shared = None
    if services.presence.shared:
        limits = limits.halved_burst()
        shared = SharedBudget(services.db, limits.rate, limits.burst, "paid" if paid else "bot")
    return SendLimiter(limits, shared=shared)


def build_application(services: Services, wire: Callable[[Application], None], *,
                      request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None) -> Application:
    settings = services.settings
    # one send budget for the bot: replies and pushes together stay under Telegram's ~30/s and ~1/s per chat
    limiter = send_limiter(services)
    # the bot is built here rather than by the builder, because it is a SigningBot (runtime/signing.py)
    bot = make_bot(settings, request or HTTPXRequest(connection_pool_size=256), get_updates_request or request,
                   ReplyLimiter(limiter) if settings.rate_limit_replies else None, inbox=services.inbox)
    application = (ApplicationBuilder()
                   .application_class(ZhuqiApplication)
                   .bot(bot)
                   .context_types(ContextTypes(context=BotContext))
                   .persistence(DbPersistence(services.state))
                   .concurrent_updates(PerUserUpdateProcessor(64, admit=services.flood.admit))
                   .build())
    application.bot_data["services"] = services
    application.bot_data["limiter"] = limiter
    wire(application)
    return application
