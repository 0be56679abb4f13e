"""/settings: change role, region and script (简体 / 繁體 / English)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations.common import answer_stale, cancel_flow, expect_button
from conversations.context import BotContext
from conversations.keyboards import role_keyboard, rows
from conversations.region_picker import ask_region, region_button, region_step_handlers
from db.models import Lang, Role
from i18n import localise

# Conversation states
MENU, ROLE, REGION, LANGUAGE = "settings.menu", "settings.role", "settings.region", "settings.language"


def _menu_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(rows([
        InlineKeyboardButton(context.t("settings.role"), callback_data="st:role"),
        InlineKeyboardButton(context.t("settings.region"), callback_data="st:region"),
        InlineKeyboardButton(context.t("settings.lang"), callback_data="st:lang"),
        InlineKeyboardButton(context.t("settings.done"), callback_data="st:done"),
    ], 2))


async def _show_menu(update: Update, context: BotContext) -> str:
    profile = context.profile
    region = context.services.regions.full_name(profile.region_code)
    text = context.t("settings.menu",
                     role=context.t(f"role.{profile.role.value}") if profile.role else context.t("region.unset"),
                     region=localise(region, context.lang) if region else context.t("region.unset"),
                     lang=context.t(f"lang.{profile.lang.value}"))
    await update.effective_chat.send_message(text, reply_markup=_menu_keyboard(context))
    return MENU


async def settings(update: Update, context: BotContext) -> str | int:
    if context.profile is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return ConversationHandler.END
    return await _show_menu(update, context)


async def menu_choice(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    choice = query.data.removeprefix("st:")
    if choice == "role":
        if context.profile.is_staff:
            await update.effective_chat.send_message(context.t("settings.staff_role_kept"))
            return await _show_menu(update, context)
        await update.effective_chat.send_message(context.t("role.ask"), reply_markup=role_keyboard("st:setrole", context.lang))
        return ROLE
    if choice == "region":
        await ask_region(update, context)
        return REGION
    if choice == "lang":
        await update.effective_chat.send_message(context.t("settings.lang_ask"), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(context.t(f"lang.{lang.value}"), callback_data=f"st:setlang:{lang.value}")] for lang in Lang]))
        return LANGUAGE
    await update.effective_chat.send_message(context.t("settings.closed"))
    return ConversationHandler.END


async def role_chosen(update: Update, context: BotContext) -> str:
    value = update.callback_query.data.removeprefix("st:setrole:")
    if value not in {r.value for r in (Role.ENTERPRISE, Role.WORKER, Role.CRAFTSMAN)}:
        await answer_stale(update, context)
        return ROLE
    await update.callback_query.answer(context.t("settings.saved"))
    await update.callback_query.edit_message_reply_markup(None)
    context.profile = await context.services.users.set_role(update.effective_user.id, Role(value))
    return await _show_menu(update, context)


async def region_chosen(update: Update, context: BotContext) -> str:
    code = await region_button(update, context)
    if code is None:
        return REGION
    context.profile = await context.services.users.set_region(update.effective_user.id, code)
    return await _show_menu(update, context)


async def lang_chosen(update: Update, context: BotContext) -> str:
    value = update.callback_query.data.removeprefix("st:setlang:")
    if value not in {lang.value for lang in Lang}:
        await answer_stale(update, context)
        return LANGUAGE
    context.lang = value
    await update.callback_query.answer(context.t("settings.saved"))
    await update.callback_query.edit_message_reply_markup(None)
    context.profile = await context.services.users.set_lang(update.effective_user.id, Lang(value))
    return await _show_menu(update, context)


def build() -> ConversationHandler:
    not_command = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("settings", settings)],
        states={
            MENU: [CallbackQueryHandler(menu_choice, pattern=r"^st:(role|region|lang|done)$"),
                   MessageHandler(not_command, expect_button)],
            ROLE: [CallbackQueryHandler(role_chosen, pattern=r"^st:setrole:"), MessageHandler(not_command, expect_button)],
            REGION: region_step_handlers(region_chosen),
            LANGUAGE: [CallbackQueryHandler(lang_chosen, pattern=r"^st:setlang:"),
                       MessageHandler(not_command, expect_button)],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow)],
        allow_reentry=True,
        name="settings",
        persistent=True,
    )
