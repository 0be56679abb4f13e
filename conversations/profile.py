"""/profile — a craftsman keeps their own published card current: specialities (技术处方), capacity, service modes,
and 休假 (paused until a date, so no cases are offered meanwhile)."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations import resume
from conversations.common import cancel_flow_of, edit_message, expect_text, reject_too_long
from conversations.context import BotContext
from conversations.keyboards import rows, toggle_buttons
from conversations.talent_views import card_of
from services.demands import SERVICE_MODES
from services.talent import CAPACITY_RANGE, MAX_SPECIALITIES, MAX_SPECIALITY, CraftsmanCard, speciality_lines

PREFIX = "pf"
SPECIALITIES, PAUSE = "profile.specialities", "profile.pause"
CAPACITIES = (1, 2, 3, 5, 8)
PAUSE_DAYS = (7, 14, 30)
MAX_PAUSE_DAYS = 366


def _menu(card: CraftsmanCard, context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    text = context.t("profile.title", status=context.t(f"review.status.{card.status.value}")) + "\n\n" + card_of(card, context)
    buttons = [InlineKeyboardButton(context.t("profile.edit_specialities"), callback_data=f"{PREFIX}:spec"),
               InlineKeyboardButton(context.t("profile.edit_capacity"), callback_data=f"{PREFIX}:cap"),
               InlineKeyboardButton(context.t("profile.edit_modes"), callback_data=f"{PREFIX}:modes"),
               InlineKeyboardButton(context.t("profile.pause"), callback_data=f"{PREFIX}:pause")]
    if card.paused_until is not None:
        buttons.append(InlineKeyboardButton(context.t("profile.resume"), callback_data=f"{PREFIX}:resume"))
    return text, InlineKeyboardMarkup(rows(buttons, 2))


async def _mine(update: Update, context: BotContext) -> CraftsmanCard | None:
    card = await context.services.talent.of_user(update.effective_user.id)
    if card is None:
        if update.callback_query is not None:
            await update.callback_query.answer(context.t("profile.none"), show_alert=True)
        else:
            await update.effective_message.reply_text(context.t("profile.none"))
    return card


async def profile_command(update: Update, context: BotContext) -> int:
    card = await _mine(update, context)
    if card is not None:
        text, markup = _menu(card, context)
        await update.effective_message.reply_text(text, reply_markup=markup)
    return ConversationHandler.END


async def _save(update: Update, context: BotContext, **values: object) -> int:
    card = await context.services.talent.update_own(update.effective_user.id, **values)
    text, markup = _menu(card, context)
    await update.effective_chat.send_message(context.t("profile.saved") + "\n\n" + text, reply_markup=markup)
    return ConversationHandler.END


def _modes_keyboard(chosen: list[str], context: BotContext) -> InlineKeyboardMarkup:
    return toggle_buttons(f"{PREFIX}:m", [(m, context.label(f"demand.mode.{m}")) for m in SERVICE_MODES], chosen,
                          context.label("join.next"))


async def on_button(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    parts = (query.data or "").split(":")
    card = await _mine(update, context)
    if card is None:
        return ConversationHandler.END
    action, arg = parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else ""
    if action == "spec":
        await query.answer()
        return await _ask_specialities(update, context)
    if action == "cap":
        await query.answer()
        keyboard = rows([InlineKeyboardButton(str(n), callback_data=f"{PREFIX}:c:{n}") for n in CAPACITIES], 5)
        await update.effective_chat.send_message(context.t("join.ask_capacity"), reply_markup=InlineKeyboardMarkup(keyboard))
    elif action == "c" and arg.isdigit() and int(arg) in CAPACITY_RANGE:
        await query.answer()
        await query.edit_message_reply_markup(None)
        return await _save(update, context, capacity=int(arg))
    elif action == "modes":
        await query.answer()
        context.user_data["profile"] = {"modes": list(card.service_modes)}
        await update.effective_chat.send_message(context.t("join.ask_modes"), reply_markup=_modes_keyboard(list(card.service_modes), context))
    elif action == "m" and (arg in SERVICE_MODES or arg == "done"):
        chosen = context.user_data.setdefault("profile", {}).setdefault("modes", list(card.service_modes))
        if arg == "done":
            if not chosen:
                await query.answer(context.t("join.modes_empty"), show_alert=True)
                return ConversationHandler.END
            await query.answer()
            await query.edit_message_reply_markup(None)
            context.user_data.pop("profile", None)
            return await _save(update, context, service_modes=chosen)
        chosen.remove(arg) if arg in chosen else chosen.append(arg)
        await query.answer()
        await edit_message(update, context.t("join.ask_modes"), _modes_keyboard(chosen, context))
    elif action == "pause":
        await query.answer()
        return await _ask_pause(update, context)
    elif action == "p" and arg.isdigit() and int(arg) in PAUSE_DAYS:
        await query.answer()
        await query.edit_message_reply_markup(None)
        return await _save(update, context, paused_until=_today(context) + timedelta(days=int(arg)))
    elif action == "resume":
        await query.answer()
        return await _save(update, context, paused_until=None)
    else:
        await query.answer(context.t("button.stale"), show_alert=True)
    return ConversationHandler.END


async def _ask_specialities(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(context.t("profile.ask_specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY))
    return SPECIALITIES


async def _ask_pause(update: Update, context: BotContext) -> str:
    keyboard = [[InlineKeyboardButton(context.label("profile.pause_days", days=d), callback_data=f"{PREFIX}:p:{d}") for d in PAUSE_DAYS]]
    await update.effective_chat.send_message(context.t("profile.ask_pause"), reply_markup=InlineKeyboardMarkup(keyboard))
    return PAUSE


def _today(context: BotContext) -> date:
    return context.services.clock.now().astimezone(context.services.settings.tz).date()


async def specialities(update: Update, context: BotContext) -> str | int:
    text = update.effective_message.text or ""
    if await reject_too_long(update, context, text, MAX_SPECIALITIES * (MAX_SPECIALITY + 1)):
        return SPECIALITIES
    lines = speciality_lines(text)
    if not lines or len(lines) > MAX_SPECIALITIES or any(len(line) > MAX_SPECIALITY for line in lines):
        await update.effective_message.reply_text(context.t("profile.ask_specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY))
        return SPECIALITIES
    return await _save(update, context, specialities=lines)


async def pause_date(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip().replace("/", "-").replace(".", "-")
    try:
        until = date.fromisoformat(text)
    except ValueError:
        until = None
    today = _today(context)
    if until is None or not today < until <= today + timedelta(days=MAX_PAUSE_DAYS):
        await update.effective_message.reply_text(context.t("profile.pause_invalid", today=today.isoformat(), max=MAX_PAUSE_DAYS))
        return PAUSE
    return await _save(update, context, paused_until=until)


# after a restart each step asks its question again (conversations/resume.py)
resume.register({SPECIALITIES: _ask_specialities, PAUSE: _ask_pause})


def build() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("profile", profile_command), CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:")],
        states={SPECIALITIES: [MessageHandler(text, specialities), MessageHandler(~filters.COMMAND, expect_text)],
                PAUSE: [CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:p:"), MessageHandler(text, pause_date),
                        MessageHandler(~filters.COMMAND, expect_text)]},
        fallbacks=[CommandHandler("cancel", cancel_flow_of("profile"))],
        name="profile",
        persistent=True,
    )
