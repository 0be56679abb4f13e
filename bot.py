#!/usr/bin/env python3
"""zhuqi-bot: the Telegram assistant of the trade-union programme 劳模工匠助企行.

    python bot.py                 # real Telegram (polling) when BOT_TOKEN is set, else the local console chat
    python bot.py --console       # the console chat even when a token is set
    python bot.py --webhook URL   # Telegram POSTs updates to URL (listens on WEBHOOK_LISTEN:WEBHOOK_PORT)
    python bot.py --worker        # a delivery worker: sends the outbox only (run several on PostgreSQL)

Every handler is wired in :func:`wire`, in the order python-telegram-bot tries them.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("PTB_TIMEDELTA", "1")  # python-telegram-bot: retry_after as timedelta (the future default)
import asyncio
import sys
from datetime import UTC, datetime

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, TypeHandler, filters

from config.settings import ROOT, Settings, SettingsError, load_settings
from conversations import (
    booking,
    broadcast,
    broadcast_control,
    common,
    enterprise_links,
    experts,
    export,
    follow_up,
    importing,
    industry_step,
    join,
    my_demands,
    new_team,
    onboarding,
    one_step,
    privacy,
    profile,
    queue,
    report,
    resume,
    review,
    staff_admin,
    staff_region,
    stats,
    subscriptions,
    tasks,
    typed_replies,
    union,
    user_settings,
)
from conversations.context import BotContext
from conversations.events import admin as event_admin
from conversations.events import competition_form, competitions, course_form, courses
from conversations.menu import set_menus
from conversations.middleware import identify
from db.database import DatabaseUnavailable
from i18n import t
from runtime.application import FrontEnd
from runtime.heap import settle
from runtime.logs import setup_logging
from services.clock import ShiftedClock
from services.container import Services

EXIT_SETTINGS, EXIT_DATABASE, EXIT_TOKEN, EXIT_NETWORK = 2, 3, 4, 5
LOG_FILE = ROOT / "data" / "zhuqi.log"


def wire(application: Application) -> None:
    # group -1: cross-cutting concerns (flood guard, user, language) before any handler
    application.add_handler(TypeHandler(Update, identify), group=-1)
    # conversations
    # a Telegram reply to a union message belongs to its consultation, before any open step can take it
    application.add_handler(union.reply_handler())
    application.add_handler(onboarding.build())
    application.add_handler(user_settings.build())
    application.add_handler(join.build())
    application.add_handler(profile.build())
    application.add_handler(review.build())  # staff: reject an application with a reason
    application.add_handler(new_team.build())
    application.add_handler(importing.build())
    application.add_handler(competition_form.conversation())  # staff: /new_competition
    application.add_handler(course_form.conversation())  # staff: /new_course
    application.add_handler(event_admin.build())  # staff: change a competition's time or place, move a session
    application.add_handler(queue.build())  # staff: search for a craftsman, escalate with a note
    application.add_handler(union.build())  # staff: answer a member's consultation from /queue
    application.add_handler(tasks.build())  # craftsman: decline with a reason, record a resolution
    application.add_handler(booking.build())  # craftsman: offer consultation slots (also when rescheduling)
    application.add_handler(follow_up.build())  # enterprise: rate, then an optional comment
    application.add_handler(my_demands.build())  # enterprise: withdraw a demand, 其他原因 in words
    application.add_handler(broadcast.build())  # staff: /broadcast — audience, message, preview, send now or later
    application.add_handler(report.build())  # /report; a problem typed or captioned outside any conversation (last)
    # commands outside a conversation
    application.add_handler(CommandHandler("help", common.help_command))
    application.add_handler(CommandHandler("cancel", common.cancel_nothing))
    # the industry step: /classify and its buttons (any flow may start the step)
    for handler in industry_step.handlers():
        application.add_handler(handler)
    # the demand pool: /my, and staff opening a demand from a notice
    for handler in my_demands.handlers():
        application.add_handler(handler)
    # enterprise links: a member of the enterprise (or staff) confirms or refuses a pending link
    for handler in enterprise_links.handlers():
        application.add_handler(handler)
    # the talent pool: /experts, /teams; staff: /review, /template
    for handler in [*experts.handlers(), *review.handlers(), *importing.handlers()]:
        application.add_handler(handler)
    # the service flow: /queue, /match_all (staff); /tasks, /board (craftsmen); booking and follow-up buttons
    for handler in [
        *queue.handlers(),
        *union.handlers(),
        *tasks.handlers(),
        *typed_replies.handlers(),
        *booking.handlers(),
        *follow_up.handlers(),
    ]:
        application.add_handler(handler)
    # broadcasts: /broadcast_cancel and the report's failures CSV (staff)
    for handler in broadcast_control.handlers():
        application.add_handler(handler)
    # figures: /stats (staff), /stats me (craftsmen); /export (staff)
    for handler in [*stats.handlers(), *export.handlers()]:
        application.add_handler(handler)
    # roles and the audit log: /grant, /revoke, /staff_region (admins), /staff, /audit
    for handler in [*staff_admin.handlers(), *staff_region.handlers()]:
        application.add_handler(handler)
    # personal data: /privacy, /delete_me and its confirmation
    for handler in privacy.handlers():
        application.add_handler(handler)
    # competitions and courses: /competitions, /courses, /subscriptions and their buttons
    for handler in [*competitions.handlers(), *courses.handlers(), *subscriptions.handlers()]:
        application.add_handler(handler)
    # whatever nothing above took: old buttons, stickers, voice notes (free text and photos: /report's entry points)
    application.add_handler(CallbackQueryHandler(common.answer_stale))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, common.fallback_media))
    application.add_error_handler(common.on_error)
    # at each start, every pending step asks its question again (each conversation registers how, beside its states)
    resume.install(application)
    # one step at a time: a conversation that starts sets the user's other open ones aside
    one_step.install(application)


# the chat front end as the transport gets it: the handlers, the callback context they get, the menus set at start
CHAT = FrontEnd(wire, BotContext, set_menus)


async def run(settings: Settings, console: bool, webhook: str | None = None, worker: bool = False) -> int:
    from runtime.console_stage import console_language
    from runtime.run import run_console, run_delivery_worker, run_telegram
    from services.demo import stage_settings

    console = console or not (worker or settings.bot_token)
    if console:
        print(t("console.loading", console_language()), flush=True)  # loading the models takes a few seconds
        settings = stage_settings(settings)  # the console's own fake Telegram: the cast's administrator is an admin
    try:
        # the stage's clock: CONSOLE_CLOCK's instant, else the real hour (moved on past it when an earlier run got
        # further: runtime/console_stage.keep_stage_time)
        clock = ShiftedClock(settings.console_clock or datetime.now(UTC)) if console else None
        services = await Services.start(settings, clock)
    except DatabaseUnavailable as exc:
        print(f"zhuqi-bot: {exc}", file=sys.stderr)
        return EXIT_DATABASE
    settle()  # start-up's long-lived objects out of the cyclic collector's walks (runtime/heap.py)
    try:
        if worker:
            await run_delivery_worker(services)
        elif settings.bot_token and not console:
            await run_telegram(services, CHAT, webhook)
        else:
            await run_console(services, CHAT)
    except InvalidToken as exc:
        print(
            f"zhuqi-bot: BOT_TOKEN was rejected by Telegram ({exc}); get a valid token from @BotFather", file=sys.stderr
        )
        return EXIT_TOKEN
    except NetworkError as exc:
        print(f"zhuqi-bot: cannot reach Telegram at {settings.telegram_api_url}: {exc}", file=sys.stderr)
        return EXIT_NETWORK
    finally:
        await services.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--console", action="store_true", help="chat in the terminal against the fake Bot API")
    mode.add_argument("--webhook", metavar="URL", help="take updates by webhook at this public https URL")
    mode.add_argument("--worker", action="store_true", help="run a delivery worker (the outbox sender) only")
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"zhuqi-bot: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    if (args.webhook or args.worker) and not settings.bot_token:
        print("zhuqi-bot: --webhook and --worker need BOT_TOKEN", file=sys.stderr)
        return EXIT_SETTINGS
    if args.webhook and not args.webhook.startswith(("https://", "http://")):
        print("zhuqi-bot: --webhook needs a URL such as https://bot.example.org/telegram", file=sys.stderr)
        return EXIT_SETTINGS
    console = args.console or not settings.bot_token
    if console:  # keep the terminal for the chat; logs go to a file
        LOG_FILE.parent.mkdir(exist_ok=True)
    setup_logging(settings.log_level, path=str(LOG_FILE) if console else None)
    try:
        return asyncio.run(run(settings, console, args.webhook, args.worker))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
