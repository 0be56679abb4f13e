"""/subscriptions — what the user follows and is enrolled in (or waiting for), each with a button to leave."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from buttons.events import SUBSCRIPTIONS, LeaveCourse, UnfollowCompetition
from conversations.common import require_profile, send_or_edit
from conversations.context import BotContext
from db.models import SubscriptionKind
from services.local_time import show


async def show_subscriptions(update: Update, context: BotContext, edit: bool = False) -> None:
    services, user_id = context.services, context.profile.id
    tz = services.settings.tz
    competitions = await services.competitions.followed(user_id)
    courses = await services.courses.cards(user_id, only_mine=True)
    lines, keyboard = [context.t("subs.header")], []
    for c in competitions:
        lines.append(
            context.t("subs.competition", name=c.name, start=show(c.starts_at, tz))
        )  # titles as staff typed them
        keyboard.append(
            [
                InlineKeyboardButton(
                    context.label("subs.unfollow", name=c.name[:30]),
                    callback_data=UnfollowCompetition(c.id, SUBSCRIPTIONS).data(),
                )
            ]
        )
    for card in courses:
        name = card.course.name
        when = show(card.next_session.starts_at, tz) if card.next_session else "—"
        key = "subs.course_enrolled" if card.mine is SubscriptionKind.ENROLLED else "subs.course_waitlisted"
        lines.append(context.t(key, name=name, next=when))
        keyboard.append(
            [
                InlineKeyboardButton(
                    context.label("subs.leave", name=name[:30]),
                    callback_data=LeaveCourse(card.course.id, SUBSCRIPTIONS).data(),
                )
            ]
        )
    text = "\n".join(lines) if len(lines) > 1 else context.t("subs.none")
    await send_or_edit(update, text, InlineKeyboardMarkup(keyboard) if keyboard else None, edit)


async def subscriptions_command(update: Update, context: BotContext) -> None:
    if await require_profile(update, context):
        await show_subscriptions(update, context)


def handlers() -> list:
    return [CommandHandler("subscriptions", subscriptions_command)]
