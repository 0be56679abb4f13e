"""/my — the user's own demands, newest first: a page of lines, a detail view, and withdrawal with a reason.
Staff open any demand from their notice (``dm:view``); the role is checked on the server for every press."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations.common import edit_message
from conversations.context import BotContext
from conversations.enterprise_links import flag_detail
from conversations.keyboards import page_count, page_nav
from conversations.report.views import demand_detail, demand_line
from db.models import DemandStatus
from services.demands import OPEN_STATUSES, PAGE, WITHDRAW_REASONS, DemandInfo, Refusal, Refused

PREFIX = "my"


async def _page_view(context: BotContext, user_id: int, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    demands = context.services.demands
    items, total = await demands.of_user(user_id, page)
    if not total:
        return context.t("my.empty"), None
    pages = page_count(total, PAGE)
    if not items and page:  # the list shrank (a draft expired): show the last page
        page = pages - 1
        items, total = await demands.of_user(user_id, page)
    tz = context.services.settings.tz
    lines = [context.t("my.title", total=total, page=page + 1, pages=pages)]
    lines += [f"{i}. " + demand_line(d, context.lang, tz) for i, d in enumerate(items, start=page * PAGE + 1)]
    keyboard = [[InlineKeyboardButton(f"{i}. {d.ticket or context.t('my.draft')}", callback_data=f"{PREFIX}:v:{d.id}:{page}")]
                for i, d in enumerate(items, start=page * PAGE + 1)]
    nav = page_nav(context.lang, page, pages, lambda n: f"{PREFIX}:p:{n}")
    if nav:
        keyboard.append(nav)
    return "\n\n".join(lines), InlineKeyboardMarkup(keyboard)


async def my_command(update: Update, context: BotContext) -> None:
    if context.profile is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return
    text, markup = await _page_view(context, update.effective_user.id, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _detail(context: BotContext, d: DemandInfo, with_contact: bool) -> str:
    enterprise = await context.services.enterprises.get(d.enterprise_id) if d.enterprise_id else None
    return demand_detail(d, enterprise, context.services.regions, context.lang, context.services.settings.tz, with_contact)


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    user_id = update.effective_user.id
    demands = context.services.demands
    if len(parts) < 3 or not parts[2].isdigit():
        await query.answer(context.t("button.stale"), show_alert=True)
        return
    action = parts[1]
    if action == "p":
        await query.answer()
        await edit_message(update, *await _page_view(context, user_id, int(parts[2])))
        return
    try:
        demand = await demands.view(int(parts[2]), user_id, is_staff=False)
    except Refused as exc:
        await query.answer(context.t(f"demand.refused.{exc.reason.value}"), show_alert=True)
        return
    page = int(parts[3]) if len(parts) > 3 and parts[3].isdigit() else 0
    if action == "v":
        await query.answer()
        keyboard = []
        if demand.status in OPEN_STATUSES:
            keyboard.append([InlineKeyboardButton(context.t("my.withdraw"), callback_data=f"{PREFIX}:w:{demand.id}")])
        keyboard.append([InlineKeyboardButton(context.t("my.back"), callback_data=f"{PREFIX}:p:{page}")])
        text = await _detail(context, demand, with_contact=True)
        if demand.status is DemandStatus.DRAFT:
            text += "\n\n" + context.t("my.next.draft")
        await edit_message(update, text, InlineKeyboardMarkup(keyboard))
    elif action == "w":
        await query.answer()
        keyboard = [[InlineKeyboardButton(context.t(f"my.reason.{r}"), callback_data=f"{PREFIX}:r:{demand.id}:{r}")]
                    for r in WITHDRAW_REASONS]
        keyboard.append([InlineKeyboardButton(context.t("my.back"), callback_data=f"{PREFIX}:v:{demand.id}:0")])
        await edit_message(update, context.t("my.withdraw_ask", ticket=demand.ticket or ""), InlineKeyboardMarkup(keyboard))
    elif action == "r" and len(parts) == 4 and parts[3] in WITHDRAW_REASONS:
        try:
            done = await demands.withdraw(demand.id, user_id, context.t(f"my.reason.{parts[3]}"))
        except Refused as exc:
            await query.answer(context.t(f"demand.refused.{exc.reason.value}"), show_alert=True)
            return
        await query.answer()
        await edit_message(update, context.t("my.withdrawn", ticket=done.ticket or ""))
    else:
        await query.answer(context.t("button.stale"), show_alert=True)


async def staff_view(update: Update, context: BotContext) -> None:
    """``dm:view:<id>`` from a staff notice: the whole demand, contact details and attachments included — always in
    the staffer's private chat (a press in the staff group must not post a phone to the group)."""
    query = update.callback_query
    data = (query.data or "").removeprefix("dm:view:")
    user_id = update.effective_user.id
    if not data.isdigit():
        await query.answer(context.t("button.stale"), show_alert=True)
        return
    try:
        demand = await context.services.demands.view(int(data), user_id, is_staff=context.is_staff)
    except Refused as exc:
        key = "staff.only" if exc.reason is Refusal.NOT_YOURS else f"demand.refused.{exc.reason.value}"
        await query.answer(context.t(key), show_alert=True)
        return
    text, markup = await flag_detail(context, demand.id, await _detail(context, demand, with_contact=True))
    try:
        await context.bot.send_message(user_id, text, reply_markup=markup)
        for item in demand.attachments:
            send = context.bot.send_photo if item.kind == "photo" else context.bot.send_document
            await send(user_id, item.file_id, caption=item.caption, parse_mode=None)
    except Forbidden:  # they never started the bot (or blocked it): it cannot write to them first
        await query.answer(context.t("demand.start_private_first"), show_alert=True)
        return
    private = update.effective_chat is None or update.effective_chat.id == user_id
    await query.answer(None if private else context.t("demand.sent_privately"))


def handlers() -> list:
    return [CommandHandler("my", my_command),
            CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:"),
            CallbackQueryHandler(staff_view, pattern=r"^dm:view:")]
