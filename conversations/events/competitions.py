"""/competitions — the skills competitions for the user's region and industries, with follow buttons; staff
also get a manage button per competition (change a time or the place, cancel).

Buttons (buttons/events.py): follow and unfollow, a page, and staff's manage, cancel and confirm. Ids only choose;
who may do what is read from the database on every press.
"""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons import any_of
from buttons.events import (
    SUBSCRIPTIONS,
    CancelCompetition,
    ChangeCompetition,
    CompetitionField,
    CompetitionsPage,
    ConfirmCancelCompetition,
    FollowCompetition,
    ManageCompetition,
    UnfollowCompetition,
)
from conversations.common import A, press_of, require_profile, send_or_edit, staff_press
from conversations.context import BotContext
from conversations.events.shared import ask_to_confirm, permitted, staff_outcome, turn_page
from conversations.events.views import competition_text, competitions_page
from conversations.subscriptions import show_subscriptions
from i18n import Raw
from services.competitions import FollowResult


async def _page(update: Update, context: BotContext, page: int = 0, edit: bool = False) -> None:
    profile = context.profile
    competitions = context.services.competitions
    listing = await competitions.listing(profile.id, profile.region_code, context.is_staff)
    managed = await competitions.changeable(profile.id, listing.competitions) if context.is_staff else set()
    await send_or_edit(
        update, *competitions_page(context, listing.competitions, listing.following, page, managed), edit
    )


async def competitions_command(update: Update, context: BotContext) -> None:
    if not await require_profile(update, context):
        return
    if not context.is_staff and not await context.services.audience.sections_of(context.profile.id):
        await update.effective_chat.send_message(context.t("competition.hint_sections"))
    await _page(update, context)  # last, so its buttons are the newest


async def show_page(update: Update, context: BotContext) -> None:
    await turn_page(update, context, CompetitionsPage, _page)


async def follow(update: Update, context: BotContext) -> None:
    press = await press_of(update, context, FollowCompetition, UnfollowCompetition, registered=True)
    if press is not None:
        await _follow(update, context, isinstance(press, FollowCompetition), press.competition_id, press.where)


def _staff_press(update: Update, context: BotContext, kind: type[A]) -> Awaitable[A | None]:
    return staff_press(update, context, kind, action="competition.manage", target="competition", answer=False)


def may_change(update: Update, context: BotContext, competition_id: int, action: str) -> Awaitable[bool]:
    check = context.services.competitions.may_change(context.profile.id, context.role, competition_id, action)
    return permitted(update, context, check)


async def manage(update: Update, context: BotContext) -> None:
    press = await _staff_press(update, context, ManageCompetition)
    if press is not None and await may_change(update, context, press.competition_id, "competition.manage"):
        await _manage(update, context, press.competition_id)


async def ask_cancel(update: Update, context: BotContext) -> None:
    press = await _staff_press(update, context, CancelCompetition)
    if press is not None and await may_change(update, context, press.competition_id, "competition.cancel"):
        confirm = ConfirmCancelCompetition(press.competition_id)
        await ask_to_confirm(update, context, "competition.cancel_confirm", "competition.cancel_yes", confirm)


async def cancel(update: Update, context: BotContext) -> None:
    press = await _staff_press(update, context, ConfirmCancelCompetition)
    if press is not None:
        await _cancel(update, context, press.competition_id)


async def _follow(update: Update, context: BotContext, follow: bool, competition_id: int, where: str) -> None:
    query, services = update.callback_query, context.services
    if follow:
        result = await services.competitions.follow(context.profile.id, competition_id)
        if result is FollowResult.GONE:
            await query.answer(context.t("competition.gone"), show_alert=True)
            return
        await query.answer(
            context.t("competition.followed" if result is FollowResult.FOLLOWED else "competition.already")
        )
    else:
        await services.competitions.unfollow(context.profile.id, competition_id)
        await query.answer(context.t("competition.unfollowed"))
    if where == SUBSCRIPTIONS:
        await show_subscriptions(update, context, edit=True)
    elif where.isdigit():
        await _page(update, context, int(where), edit=True)
    else:  # the button under a publication notice
        await query.edit_message_reply_markup(None)


async def _manage(update: Update, context: BotContext, competition_id: int) -> None:
    await update.callback_query.answer()
    c = await context.services.competitions.get(competition_id)
    if c is None or c.status.value != "published":
        await update.effective_chat.send_message(context.t("competition.gone"))
        return
    buttons = [
        [
            InlineKeyboardButton(
                context.t(f"competition.edit.{field.value}"), callback_data=ChangeCompetition(c.id, field).data()
            )
        ]
        for field in CompetitionField
    ]
    buttons.append(
        [InlineKeyboardButton(context.t("competition.cancel_button"), callback_data=CancelCompetition(c.id).data())]
    )
    await update.effective_chat.send_message(
        context.t("competition.manage", card=Raw(competition_text(context, c))),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def _cancel(update: Update, context: BotContext, competition_id: int) -> None:
    cancelling = context.services.competitions.cancel(context.profile.id, context.role, competition_id)
    c = await staff_outcome(update, context, cancelling, "competition.gone")
    if c is not None:
        await update.effective_chat.send_message(context.t("competition.cancelled", name=c.name))


def handlers() -> list:
    return [
        CommandHandler("competitions", competitions_command),
        CallbackQueryHandler(show_page, pattern=CompetitionsPage.pattern()),
        CallbackQueryHandler(follow, pattern=any_of(FollowCompetition, UnfollowCompetition)),
        CallbackQueryHandler(manage, pattern=ManageCompetition.pattern()),
        CallbackQueryHandler(ask_cancel, pattern=CancelCompetition.pattern()),
        CallbackQueryHandler(cancel, pattern=ConfirmCancelCompetition.pattern()),
    ]
