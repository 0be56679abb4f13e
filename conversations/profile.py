"""/profile — a craftsman keeps their own published card current: specialities (技术处方), capacity, service modes,
and 休假 (paused until a date, so no cases are offered meanwhile)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons import Action
from buttons.forms import (
    ProfileCapacity,
    ProfileCapacityMenu,
    ProfileMode,
    ProfileModesMenu,
    ProfilePause,
    ProfilePauseMenu,
    ProfileResume,
    ProfileSpecialities,
)
from conversations import resume
from conversations.common import edit_message, expect_text, press_of, reject_too_long
from conversations.context import BotContext
from conversations.form_draft import answers, drafted, drop, restart
from conversations.keyboards import rows, toggle_buttons
from conversations.talent_views import card_of
from services.demands import SERVICE_MODES
from services.local_time import parse_moment
from services.talent import CAPACITY_RANGE, MAX_SPECIALITIES, MAX_SPECIALITY, CraftsmanCard, speciality_lines
from services.validation import Invalid

FORM = "profile"  # the ticked service modes while they are being chosen (a form draft)
SPECIALITIES, PAUSE = "profile.specialities", "profile.pause"
CAPACITIES = (1, 2, 3, 5, 8)
PAUSE_DAYS = (7, 14, 30)
MAX_PAUSE_DAYS = 366
NOON = time(12, 0)  # a day named without an hour (下周五) is read at noon, so no time zone moves it


def _menu(card: CraftsmanCard, context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    text = (
        context.t("profile.title", status=context.t(f"review.status.{card.status.value}"))
        + "\n\n"
        + card_of(card, context)
    )
    buttons = [
        InlineKeyboardButton(context.t("profile.edit_specialities"), callback_data=ProfileSpecialities().data()),
        InlineKeyboardButton(context.t("profile.edit_capacity"), callback_data=ProfileCapacityMenu().data()),
        InlineKeyboardButton(context.t("profile.edit_modes"), callback_data=ProfileModesMenu().data()),
        InlineKeyboardButton(context.t("profile.pause"), callback_data=ProfilePauseMenu().data()),
    ]
    if card.paused_until is not None:
        buttons.append(InlineKeyboardButton(context.t("profile.resume"), callback_data=ProfileResume().data()))
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
    """✅/▫️ per mode, then 下一步: each button's data is a ProfileMode action's (``pf:m:<mode>``, ``pf:m:done``)."""
    return toggle_buttons(
        ProfileMode.prefix,
        [(m, context.label(f"demand.mode.{m}")) for m in SERVICE_MODES],
        chosen,
        context.label("join.next"),
    )


Press = Callable[[Update, BotContext, CraftsmanCard, Any], Awaitable["str | int"]]


async def _specialities_menu(update: Update, context: BotContext, card: CraftsmanCard, press: Any) -> str | int:
    await update.callback_query.answer()
    return await _ask_specialities(update, context)


async def _capacity_menu(update: Update, context: BotContext, card: CraftsmanCard, press: Any) -> str | int:
    await update.callback_query.answer()
    keyboard = rows([InlineKeyboardButton(str(n), callback_data=ProfileCapacity(n).data()) for n in CAPACITIES], 5)
    await update.effective_chat.send_message(
        context.t("join.ask_capacity"), reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return ConversationHandler.END


async def _chosen(update: Update, context: BotContext, allowed: bool, **values: object) -> str | int:
    """A press that chooses a value: saved when it is one of the offered ones, else the button is stale."""
    if not allowed:
        await update.callback_query.answer(context.t("button.stale"), show_alert=True)
        return ConversationHandler.END
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await _save(update, context, **values)


async def _capacity(update: Update, context: BotContext, card: CraftsmanCard, press: ProfileCapacity) -> str | int:
    return await _chosen(update, context, press.capacity in CAPACITY_RANGE, capacity=press.capacity)


async def _modes_menu(update: Update, context: BotContext, card: CraftsmanCard, press: Any) -> str | int:
    await update.callback_query.answer()
    restart(FORM, {"modes": list(card.service_modes)})
    await update.effective_chat.send_message(
        context.t("join.ask_modes"), reply_markup=_modes_keyboard(list(card.service_modes), context)
    )
    return ConversationHandler.END


async def _mode(update: Update, context: BotContext, card: CraftsmanCard, press: ProfileMode) -> str | int:
    query, arg = update.callback_query, press.value
    if arg not in SERVICE_MODES and arg != "done":
        await query.answer(context.t("button.stale"), show_alert=True)
        return ConversationHandler.END
    draft = answers(FORM)
    if "modes" not in draft:  # the ticks were lost (an old keyboard): from the card as it is
        draft = restart(FORM, {"modes": list(card.service_modes)})
    chosen = draft["modes"]
    if arg == "done":
        if not chosen:
            await query.answer(context.t("join.modes_empty"), show_alert=True)
            return ConversationHandler.END
        await query.answer()
        await query.edit_message_reply_markup(None)
        drop(FORM)
        return await _save(update, context, service_modes=chosen)
    chosen.remove(arg) if arg in chosen else chosen.append(arg)
    await query.answer()
    await edit_message(update, context.t("join.ask_modes"), _modes_keyboard(chosen, context))
    return ConversationHandler.END


async def _pause_menu(update: Update, context: BotContext, card: CraftsmanCard, press: Any) -> str | int:
    await update.callback_query.answer()
    return await _ask_pause(update, context)


async def _pause(update: Update, context: BotContext, card: CraftsmanCard, press: ProfilePause) -> str | int:
    allowed = press.days in PAUSE_DAYS
    return await _chosen(
        update, context, allowed, paused_until=_today(context) + timedelta(days=press.days if allowed else 0)
    )


async def _resume(update: Update, context: BotContext, card: CraftsmanCard, press: Any) -> str | int:
    await update.callback_query.answer()
    return await _save(update, context, paused_until=None)


PRESSES: dict[type[Action], Press] = {
    ProfileSpecialities: _specialities_menu,
    ProfileCapacityMenu: _capacity_menu,
    ProfileCapacity: _capacity,
    ProfileModesMenu: _modes_menu,
    ProfileMode: _mode,
    ProfilePauseMenu: _pause_menu,
    ProfilePause: _pause,
    ProfileResume: _resume,
}


def on_press(kind: type[Action]) -> Callable[[Update, BotContext], Awaitable[str | int]]:
    """The handler of one /profile button: the press is read with its action, the card checked, then ``PRESSES``."""

    async def handler(update: Update, context: BotContext) -> str | int:
        press = await press_of(update, context, kind)  # a malformed press is answered as expired, first
        if press is None:
            return ConversationHandler.END
        card = await _mine(update, context)
        if card is None:
            return ConversationHandler.END
        return await PRESSES[kind](update, context, card, press)

    return drafted(FORM, handler)


async def _ask_specialities(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        context.t("profile.ask_specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY)
    )
    return SPECIALITIES


async def _ask_pause(update: Update, context: BotContext) -> str:
    keyboard = [
        [
            InlineKeyboardButton(context.label("profile.pause_days", days=d), callback_data=ProfilePause(d).data())
            for d in PAUSE_DAYS
        ]
    ]
    await update.effective_chat.send_message(
        context.t("profile.ask_pause"), reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return PAUSE


def _today(context: BotContext) -> date:
    return context.services.clock.now().astimezone(context.services.settings.tz).date()


async def specialities(update: Update, context: BotContext) -> str | int:
    text = update.effective_message.text or ""
    if await reject_too_long(update, context, text, MAX_SPECIALITIES * (MAX_SPECIALITY + 1)):
        return SPECIALITIES
    lines = speciality_lines(text)
    if not lines or len(lines) > MAX_SPECIALITIES or any(len(line) > MAX_SPECIALITY for line in lines):
        await update.effective_message.reply_text(
            context.t("profile.ask_specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY)
        )
        return SPECIALITIES
    return await _save(update, context, specialities=lines)


def _pause_day(text: str, context: BotContext) -> date | None:
    """The day a craftsman's time off ends: "2026-12-31", "2026/12/31", or everyday Chinese read as slot times are
    ("下周五", "12月31日", "三天后")."""
    try:
        return date.fromisoformat(text.replace("/", "-").replace(".", "-"))
    except ValueError:
        pass
    services = context.services
    try:
        return (
            parse_moment(text, services.settings.tz, services.clock.now(), NOON)
            .at.astimezone(services.settings.tz)
            .date()
        )
    except Invalid:
        return None


async def pause_date(update: Update, context: BotContext) -> str | int:
    until = _pause_day((update.effective_message.text or "").strip(), context)
    today = _today(context)
    if until is None or not today < until <= today + timedelta(days=MAX_PAUSE_DAYS):
        await update.effective_message.reply_text(
            context.t("profile.pause_invalid", today=today.isoformat(), max=MAX_PAUSE_DAYS)
        )
        return PAUSE
    return await _save(update, context, paused_until=until)


# after a restart each step asks its question again (conversations/resume.py)
resume.register({SPECIALITIES: _ask_specialities, PAUSE: _ask_pause})


async def cancel(update: Update, context: BotContext) -> int:
    drop(FORM)
    await update.effective_message.reply_text(context.t("cancel.done"))
    return ConversationHandler.END


def build() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CommandHandler("profile", profile_command),
            *(CallbackQueryHandler(on_press(kind), pattern=kind.pattern()) for kind in PRESSES),
        ],
        states={
            SPECIALITIES: [MessageHandler(text, specialities), MessageHandler(~filters.COMMAND, expect_text)],
            PAUSE: [
                CallbackQueryHandler(on_press(ProfilePause), pattern=ProfilePause.pattern()),
                MessageHandler(text, pause_date),
                MessageHandler(~filters.COMMAND, expect_text),
            ],
        },
        fallbacks=[CommandHandler("cancel", drafted(FORM, cancel))],
        name="profile",
        persistent=True,
    )
