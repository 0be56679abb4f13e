"""/settings: change role, region, script (简体 / 繁體 / English), quiet hours, publication notices and the
industries whose competitions the user hears of.

The settings card is a card, not a question: showing it ends the conversation, and its buttons start it again
(entry points), so a card left on screen still works (also after a restart) but is never asked again after a
restart nor catches what the user types next. Only a step that asks something (role, region, language, quiet
hours, industries) is a pending question."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.choices import DONE
from buttons.people import QuietHoursPreset, SettingsItem, SettingsLang, SettingsMenu, SettingsRole, ToggleSection
from conversations import resume
from conversations.common import answer_stale, cancel_flow, press_of
from conversations.context import BotContext
from conversations.free_text import expect_button_or_answer
from conversations.join import invite_to_apply
from conversations.keyboards import role_keyboard, rows, toggle_buttons
from conversations.refusals import SETTINGS, refusal_text
from conversations.region_picker import ask_region, region_button, region_step_handlers
from db.models import Lang, Role
from i18n import Raw
from nlp.industry import catalogue
from services.audit import staff_role
from services.local_time import QuietHours, parse_quiet_hours, show_minutes
from services.results import Refused
from services.validation import Invalid

# Conversation states ("settings.menu", the card's old resting state, is no longer entered: one still stored from
# before has no handlers, so what the user types passes on, and no re-ask, so a restart says nothing)
ROLE, REGION, LANGUAGE = "settings.role", "settings.region", "settings.language"
QUIET, INDUSTRIES = "settings.quiet", "settings.industries"
QUIET_PRESETS = ((22 * 60, 7 * 60), (23 * 60, 8 * 60), (21 * 60, 7 * 60))


def _menu_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        rows(
            [
                InlineKeyboardButton(context.t(f"settings.{item.value}"), callback_data=SettingsMenu(item).data())
                for item in SettingsItem
            ],
            2,
        )
    )


def _quiet_text(context: BotContext, quiet: QuietHours) -> str:
    if quiet.off:
        return context.t("settings.quiet_off")
    return f"{show_minutes(quiet.start)}–{show_minutes(quiet.end)}"


def _quiet_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(f"{show_minutes(a)}–{show_minutes(b)}", callback_data=QuietHoursPreset(a, b).data())
        for a, b in QUIET_PRESETS
    ]
    buttons.append(InlineKeyboardButton(context.t("settings.quiet_none"), callback_data=QuietHoursPreset(0, 0).data()))
    return InlineKeyboardMarkup(rows(buttons, 2))


def _sections_keyboard(chosen: list[str], lang: str) -> InlineKeyboardMarkup:
    choices = [(code, section.label_in(lang)) for code, section in catalogue().sections.items()]
    return toggle_buttons(ToggleSection, choices, chosen, "✅")


async def _show_menu(update: Update, context: BotContext) -> int:
    profile = context.profile
    region = context.services.regions.full_name(profile.region_code, context.lang)
    sections = await context.services.audience.sections_of(profile.id)
    text = context.t(
        "settings.menu",
        role=context.t(f"role.{profile.role.value}") if profile.role else context.t("region.unset"),
        region=region or context.t("region.unset"),
        lang=context.t(f"lang.{profile.lang.value}"),
        quiet=Raw(_quiet_text(context, profile.quiet)),
        notify=Raw(context.t("settings.on" if profile.notify_publications else "settings.off")),
        industries=context.t("industry.separator").join(
            catalogue().sections[code].label_in(context.lang) for code in sections
        )
        or Raw(context.t("event.any_industry")),
    )
    await update.effective_chat.send_message(text, reply_markup=_menu_keyboard(context))
    return ConversationHandler.END  # the card waits on screen; a press of its buttons starts the conversation again


async def settings(update: Update, context: BotContext) -> str | int:
    if context.profile is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return ConversationHandler.END
    return await _show_menu(update, context)


async def menu_choice(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    press = await press_of(update, context, SettingsMenu, registered=True)
    if press is None:
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(None)
    choice = press.item
    if choice is SettingsItem.ROLE:
        if staff_role(context.role):
            await update.effective_chat.send_message(context.t("settings.staff_role_kept"))
            return await _show_menu(update, context)
        return await _ask_role(update, context)
    if choice is SettingsItem.REGION:
        try:
            await context.services.staffing.may_choose_region(update.effective_user.id)
        except Refused as refused:  # staff: where they work is set by an administrator
            await update.effective_chat.send_message(refusal_text(context, refused, SETTINGS))
            return await _show_menu(update, context)
        await ask_region(update, context)
        return REGION
    if choice is SettingsItem.LANG:
        return await _ask_lang(update, context)
    if choice is SettingsItem.QUIET:
        return await _ask_quiet(update, context)
    if choice is SettingsItem.NOTIFY:
        profile = context.profile
        context.profile = await context.services.users.set_notify_publications(
            profile.id, not profile.notify_publications
        )
        return await _show_menu(update, context)
    if choice is SettingsItem.INDUSTRIES:
        context.user_data["settings"] = {"sections": await context.services.audience.sections_of(context.profile.id)}
        return await _ask_industries(update, context)
    await update.effective_chat.send_message(context.t("settings.closed"))
    return ConversationHandler.END


async def _ask_role(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        context.t("role.ask"), reply_markup=role_keyboard(SettingsRole, context.lang)
    )
    return ROLE


async def _ask_lang(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        context.t("settings.lang_ask"),
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(context.t(f"lang.{lang.value}"), callback_data=SettingsLang(lang.value).data())]
                for lang in Lang
            ]
        ),
    )
    return LANGUAGE


async def _ask_quiet(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(context.t("settings.quiet_ask"), reply_markup=_quiet_keyboard(context))
    return QUIET


async def _ask_industries(update: Update, context: BotContext) -> str:
    """The sections to toggle, as ticked so far (after a restart: as they were left)."""
    flow = context.user_data.setdefault("settings", {})
    if "sections" not in flow:
        flow["sections"] = await context.services.audience.sections_of(context.profile.id)
    await update.effective_chat.send_message(
        context.t("settings.industries_ask"), reply_markup=_sections_keyboard(flow["sections"], context.lang)
    )
    return INDUSTRIES


async def role_chosen(update: Update, context: BotContext) -> str | int:
    press = SettingsRole.parse(update.callback_query.data)
    value = press.role if press else ""
    if value not in {r.value for r in (Role.ENTERPRISE, Role.WORKER, Role.CRAFTSMAN)}:
        await answer_stale(update, context)
        return ROLE
    context.profile, apply = await context.services.users.choose_role(update.effective_user.id, Role(value))
    await update.callback_query.edit_message_reply_markup(None)
    if apply:  # 劳模工匠 is granted by staff review: nothing saved yet; settings close, and /join is one press away
        await update.callback_query.answer()
        await invite_to_apply(update, context)
        return ConversationHandler.END
    await update.callback_query.answer(context.t("settings.saved"))
    return await _show_menu(update, context)


async def region_chosen(update: Update, context: BotContext) -> str | int:
    code = await region_button(update, context)
    if code is None:
        return REGION
    try:
        context.profile = await context.services.staffing.choose_region(update.effective_user.id, code)
    except Refused as refused:  # a staffer's picker left open from before: their region stays as set for them
        await update.effective_chat.send_message(refusal_text(context, refused, SETTINGS))
    return await _show_menu(update, context)


async def lang_chosen(update: Update, context: BotContext) -> str | int:
    press = SettingsLang.parse(update.callback_query.data)
    value = press.lang if press else ""
    if value not in {lang.value for lang in Lang}:
        await answer_stale(update, context)
        return LANGUAGE
    context.profile = await context.services.users.set_lang(update.effective_user.id, Lang(value), chosen=True)
    context.lang = context.profile.reply_lang  # wins from now on over Telegram's language_code and over typing
    await update.callback_query.answer(context.t("settings.saved"))
    await update.callback_query.edit_message_reply_markup(None)
    return await _show_menu(update, context)


async def quiet_chosen(update: Update, context: BotContext) -> str | int:
    press = QuietHoursPreset.parse(update.callback_query.data)
    if press is None or not all(0 <= minutes < 24 * 60 for minutes in (press.start, press.end)):
        await answer_stale(update, context)
        return QUIET
    await update.callback_query.answer(context.t("settings.saved"))
    await update.callback_query.edit_message_reply_markup(None)
    return await _save_quiet(update, context, QuietHours(press.start, press.end))


async def quiet_typed(update: Update, context: BotContext) -> str | int:
    """Quiet hours typed as "22:30-06:30"."""
    text = (update.effective_message.text or "").strip()
    try:
        quiet = parse_quiet_hours(text, context.services.clock.now(), context.services.settings.tz)
    except Invalid as exc:
        await update.effective_message.reply_text(
            context.t(exc.key, **exc.values), reply_markup=_quiet_keyboard(context)
        )
        return QUIET
    return await _save_quiet(update, context, quiet)


async def _save_quiet(update: Update, context: BotContext, quiet: QuietHours) -> str | int:
    context.profile = await context.services.users.set_quiet_hours(context.profile.id, quiet)
    return await _show_menu(update, context)


async def section_toggled(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    press = ToggleSection.parse(query.data)
    value = press.section if press else ""
    chosen = context.user_data.setdefault("settings", {}).setdefault("sections", [])
    if value == DONE:
        await query.answer(context.t("settings.saved"))
        await query.edit_message_reply_markup(None)
        await context.services.audience.set_sections(context.profile.id, chosen)
        context.user_data.pop("settings", None)
        return await _show_menu(update, context)
    if value not in catalogue().sections:
        await answer_stale(update, context)
        return INDUSTRIES
    chosen.remove(value) if value in chosen else chosen.append(value)
    await query.answer()
    await query.edit_message_reply_markup(_sections_keyboard(chosen, context.lang))
    return INDUSTRIES


# after a restart each step asks its question again (conversations/resume.py)
resume.register(
    {
        ROLE: _ask_role,
        REGION: ask_region,
        LANGUAGE: _ask_lang,
        QUIET: _ask_quiet,
        INDUSTRIES: _ask_industries,
    }
)


def build() -> ConversationHandler:
    not_command = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("settings", settings),
            CallbackQueryHandler(menu_choice, pattern=SettingsMenu.pattern()),
        ],
        states={
            ROLE: [
                CallbackQueryHandler(role_chosen, pattern=SettingsRole.pattern()),
                MessageHandler(not_command, expect_button_or_answer),
            ],
            REGION: region_step_handlers(region_chosen),
            LANGUAGE: [
                CallbackQueryHandler(lang_chosen, pattern=SettingsLang.pattern()),
                MessageHandler(not_command, expect_button_or_answer),
            ],
            QUIET: [
                CallbackQueryHandler(quiet_chosen, pattern=QuietHoursPreset.pattern()),
                MessageHandler(filters.TEXT & not_command, quiet_typed),
                MessageHandler(not_command, expect_button_or_answer),
            ],
            INDUSTRIES: [
                CallbackQueryHandler(section_toggled, pattern=ToggleSection.pattern()),
                MessageHandler(not_command, expect_button_or_answer),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow)],
        allow_reentry=True,
        name="settings",
        persistent=True,
    )
