"""Building the python-telegram-bot Application the same way for Telegram, the console and the tests."""

from __future__ import annotations

from typing import Callable

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, ContextTypes, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from conversations.context import BotContext
from conversations.menu import set_menus
from runtime.persistence import DbPersistence
from runtime.processor import PerUserUpdateProcessor
from runtime.broadcasting import BroadcastRunner
from runtime.reply_limiter import ReplyLimiter
from runtime.sender import OutboxSender
from runtime.signing import SigningBot
from services.container import Services
from services.ratelimit import Limits, SendLimiter


FAKE_TOKEN = "123456789:AAFakeTokenForZhuqiBotTests_0123456789"


class ZhuqiApplication(Application):
    """Flushes conversation state to the database after every update, so a crash loses no step."""

    async def initialize(self) -> None:
        await super().initialize()
        services: Services = self.bot_data["services"]
        await set_menus(self.bot, await services.users.staff_roles())
        await services.outbox.release_stuck()
        settings = services.settings
        # pushes go out through a bot of their own (same connections): the sender takes its turn at the shared
        # budget itself and handles 429s row by row
        self.delivery_bot = SigningBot(self.bot.token, base_url=settings.bot_base_url,
                                       base_file_url=settings.bot_file_url, request=self.bot.request,
                                       get_updates_request=self.bot.request, defaults=self.bot.defaults)
        await self.delivery_bot.initialize()
        limiter: SendLimiter = self.bot_data["limiter"]  # shared with the replies (build_application)
        limits = limiter.limits
        paid = SendLimiter(limits.scaled(settings.paid_broadcast_rate)) if settings.allow_paid_broadcast else None
        self.sender = OutboxSender(services, self.delivery_bot, limiter)
        self.broadcaster = BroadcastRunner(services, self.sender, self.delivery_bot, limiter, paid)
        self.broadcaster.wake()  # resume what a stop or a crash cut off
        # reminders: the schedule is rebuilt from the database; those missed while down are written now
        services.reminders.after_fire = self.sender.flush
        await services.reminders.start(autorun=not services.clock.manual)
        if self.job_queue is not None:  # messages scheduled for later, and retries
            self.job_queue.run_repeating(lambda _context: self.deliver(), interval=5, first=1, name="outbox")
            self.job_queue.run_repeating(lambda _context: self.tidy_drafts(), interval=3600, first=60, name="drafts")
            self.job_queue.run_repeating(lambda _context: self.sweep(), interval=300, first=30, name="service-flow")

    async def shutdown(self) -> None:
        self.bot_data["services"].reminders.stop()
        if getattr(self, "broadcaster", None) is not None:  # None when initialize failed (a bad token)
            await self.broadcaster.stop()
        await super().shutdown()

    async def deliver(self) -> None:
        """Notices due now (scheduled ones, retries), and broadcasts whose time has come."""
        self.broadcaster.wake()
        await self.sender.flush()

    async def tidy_drafts(self) -> None:
        """Remind users of drafts untouched for 6 days, delete those untouched for 7, deliver the reminders."""
        demands = self.bot_data["services"].demands
        await demands.remind_drafts()
        await demands.expire_drafts()
        await self.sender.flush()

    async def sweep(self) -> None:
        """Lapsed offers, services that began, follow-up reminders; then deliver what they wrote."""
        await self.bot_data["services"].sweep()
        await self.sender.flush()

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        if isinstance(self.persistence, DbPersistence):
            await self.update_persistence()
            await self.persistence.commit()
        services = self.bot_data["services"]
        if services.broadcasts.written:  # a broadcast was written: the background task sends it
            services.broadcasts.written = False
            self.broadcaster.wake()
        if services.outbox.dirty:  # a notice written while handling this update goes out now
            services.outbox.dirty = False
            await self.sender.flush()


def build_application(services: Services, wire: Callable[[Application], None], *,
                      request: BaseRequest | None = None, get_updates_request: BaseRequest | None = None) -> Application:
    settings = services.settings
    # one send budget for the bot: replies and pushes together stay under Telegram's ~30/s and ~1/s per chat
    limiter = SendLimiter(Limits(settings.delivery_rate, settings.delivery_burst, settings.delivery_chat_rate,
                                 settings.delivery_chat_burst))
    # the bot is built here rather than by the builder, because it is a SigningBot (runtime/signing.py)
    bot = SigningBot(settings.bot_token or FAKE_TOKEN, base_url=settings.bot_base_url,
                     base_file_url=settings.bot_file_url,
                     request=request or HTTPXRequest(connection_pool_size=256),
                     get_updates_request=get_updates_request or request or HTTPXRequest(),
                     defaults=Defaults(parse_mode=ParseMode.HTML,
                                       link_preview_options=LinkPreviewOptions(is_disabled=True), tzinfo=settings.tz),
                     rate_limiter=ReplyLimiter(limiter) if settings.rate_limit_replies else None)
    application = (ApplicationBuilder()
                   .application_class(ZhuqiApplication)
                   .bot(bot)
                   .context_types(ContextTypes(context=BotContext))
                   .persistence(DbPersistence(services.state))
                   .concurrent_updates(PerUserUpdateProcessor(64))
                   .build())
    application.bot_data["services"] = services
    application.bot_data["limiter"] = limiter
    wire(application)
    return application
