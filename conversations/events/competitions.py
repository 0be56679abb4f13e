"""/competitions — the skills competitions for the user's region and industries, with follow buttons; staff
also get a manage button per competition (change a time or the place, cancel).

Callback data: ``cp:f:<id>[:<page>|s]`` follow, ``cp:u:<id>[:<page>|s]`` unfollow, ``cp:p:<page>`` a page,
``cp:m:<id>`` manage, ``cp:x:<id>`` / ``cp:xx:<id>`` cancel and confirm. Ids only choose; who may do what is
read from the database on every press.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations.common import answer_stale, edit_message, refuse_non_staff, tell_staff_only
from conversations.context import BotContext
from conversations.events.views import competition_text, competitions_page
from conversations.subscriptions import show_subscriptions
from services.audit import NotStaff
from services.competitions import FollowResult

EDITABLE = ("registration_deadline", "starts_at", "ends_at", "where")


async def _page(update: Update, context: BotContext, page: int = 0, edit: bool = False) -> None:
    profile = context.profile
    listing = await context.services.competitions.listing(profile.id, profile.region_code, context.is_staff)
    text, markup = competitions_page(context, listing.competitions, listing.following, page)
    if edit:
        await edit_message(update, text, markup)
    else:
        await update.effective_chat.send_message(text, reply_markup=markup)


async def competitions_command(update: Update, context: BotContext) -> None:
    if context.profile is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return
    if not context.is_staff and not await context.services.audience.sections_of(context.profile.id):
        await update.effective_chat.send_message(context.t("competition.hint_sections"))
    await _page(update, context)  # last, so its buttons are the newest


def _parse(data: str) -> tuple[str, int, str] | None:
    parts = data.split(":")
    if len(parts) < 3 or not parts[2].isdigit():
        return None
    return parts[1], int(parts[2]), parts[3] if len(parts) > 3 else ""


async def pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parsed = _parse(query.data or "")
    if parsed is None or context.profile is None:
        await answer_stale(update, context)
        return
    action, competition_id, where = parsed
    if action == "p":
        await query.answer()
        await _page(update, context, competition_id, edit=True)
        return
    if action in ("f", "u"):
        await _follow(update, context, action == "f", competition_id, where)
        return
    if not context.is_staff:
        await refuse_non_staff(update, context, "competition.manage", f"competition:{competition_id}")
        return
    if action == "m":
        await _manage(update, context, competition_id)
    elif action == "x":
        await query.answer()
        await update.effective_chat.send_message(context.t("competition.cancel_confirm"), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(context.t("competition.cancel_yes"), callback_data=f"cp:xx:{competition_id}")]]))
    elif action == "xx":
        await _cancel(update, context, competition_id)
    else:
        await answer_stale(update, context)


async def _follow(update: Update, context: BotContext, follow: bool, competition_id: int, where: str) -> None:
    query, services = update.callback_query, context.services
    if follow:
        result = await services.competitions.follow(context.profile.id, competition_id)
        if result is FollowResult.GONE:
            await query.answer(context.t("competition.gone"), show_alert=True)
            return
        await query.answer(context.t("competition.followed" if result is FollowResult.FOLLOWED else "competition.already"))
    else:
        await services.competitions.unfollow(context.profile.id, competition_id)
        await query.answer(context.t("competition.unfollowed"))
    if where == "s":
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
    buttons = [[InlineKeyboardButton(context.t(f"competition.edit.{name}"), callback_data=f"cp:e:{c.id}:{name}")]
               for name in EDITABLE]
    buttons.append([InlineKeyboardButton(context.t("competition.cancel_button"), callback_data=f"cp:x:{c.id}")])
    await update.effective_chat.send_message(context.t("competition.manage", card=competition_text(context, c)),
                                             reply_markup=InlineKeyboardMarkup(buttons))


async def _cancel(update: Update, context: BotContext, competition_id: int) -> None:
    query = update.callback_query
    try:
        c = await context.services.competitions.cancel(context.profile.id, context.role, competition_id)
    except NotStaff:
        await tell_staff_only(update, context)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if c is None:
        await update.effective_chat.send_message(context.t("competition.gone"))
        return
    await update.effective_chat.send_message(context.t("competition.cancelled", name=c.name))


def handlers() -> list:
    return [CommandHandler("competitions", competitions_command),
            CallbackQueryHandler(pressed, pattern=r"^cp:(f|u|p|m|x|xx):")]
