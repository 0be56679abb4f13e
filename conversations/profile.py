"""/profile — a craftsman keeps their own published card current: specialities (技术处方), capacity, service modes,
and 休假 (paused until a date, so no cases are offered meanwhile).

The card is the stored record and its ✏️ buttons are the form engine's edits (conversations/form_draft.py Flow):
each opens one step — declared once below, asked again after a restart — whose answer is checked by the service
(services/profile_form.py), saved (services/talent.py) and the card shown again. The step in progress and the
ticked service modes are the ``profile`` form draft in the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from conversations.common import edit_message, expect_text, press_of, reject_too_long
from conversations.context import BotContext
from conversations.form_draft import Flow, Handler, Step, answers, button_step, drafted, drop, restart, typed_step
from conversations.keyboards import rows, toggle_buttons
from conversations.talent_views import card_of
from services.demands import SERVICE_MODES
from services.profile_form import (
    CAPACITIES,
    FORM,
    PAUSE_DAYS,
    capacity_allowed,
    pause_after,
    profile_missing,
    read_capacity,
    read_pause_day,
    read_specialities,
)
from services.talent import MAX_SPECIALITIES, MAX_SPECIALITY, CraftsmanCard
from services.validation import Invalid

SPECIALITIES, CAPACITY, MODES, PAUSE = "profile.specialities", "profile.capacity", "profile.modes", "profile.pause"


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


async def _has_card(update: Update, context: BotContext) -> bool:
    return await _mine(update, context) is not None


async def profile_command(update: Update, context: BotContext) -> int:
    card = await _mine(update, context)
    if card is not None:
        text, markup = _menu(card, context)
        await update.effective_message.reply_text(text, reply_markup=markup)
    return ConversationHandler.END


async def _save(update: Update, context: BotContext, **values: object) -> int:
    """The answer saved, the step's draft dropped and the card shown again."""
    card = await context.services.talent.update_own(update.effective_user.id, **values)
    drop(FORM)
    text, markup = _menu(card, context)
    await update.effective_chat.send_message(context.t("profile.saved") + "\n\n" + text, reply_markup=markup)
    if card.paused_until is not None and "paused_until" in values:
        await _visits_in_leave(update, context, card)
    return ConversationHandler.END


async def _visits_in_leave(update: Update, context: BotContext, card: CraftsmanCard) -> None:
    """His booked visits on the days of his leave, each with 🔁 改期 / ❌ 取消 (staff are told by the service), the
    slots he offered in it withdrawn, and the offers still waiting for his answer."""
    assert card.paused_until is not None
    time_off = context.services.time_off
    visits = await time_off.taken(update.effective_user.id, card.name, card.paused_until)
    withdrawn = await time_off.withdraw_offers(update.effective_user.id, card.name, card.paused_until)
    if withdrawn:  # slots offered on those days, not picked: nobody can book him in his leave
        await update.effective_chat.send_message(context.t("leave.slots_withdrawn", visits=time_off.lines(withdrawn)))
    if visits:
        keyboard = [
            [InlineKeyboardButton(context.label(b.key, **(b.values or {})), callback_data=b.data) for b in row]
            for row in time_off.buttons(visits)
        ]
        await update.effective_chat.send_message(
            context.t("leave.visits_in_leave", visits=time_off.lines(visits)),
            reply_markup=InlineKeyboardMarkup(keyboard),
        )
    if waiting := await time_off.waiting_offers(update.effective_user.id):  # made before: still his to answer
        tickets = "\n".join(f"• {ticket}" for ticket in waiting)
        await update.effective_chat.send_message(
            context.t("leave.offers_waiting", tickets=tickets, until=card.paused_until.isoformat())
        )


def _modes_keyboard(chosen: list[str], context: BotContext) -> InlineKeyboardMarkup:
    """✅/▫️ per mode, then 下一步: each button's data is a ProfileMode action's (``pf:m:<mode>``, ``pf:m:done``)."""
    return toggle_buttons(
        ProfileMode.prefix,
        [(m, context.label(f"demand.mode.{m}")) for m in SERVICE_MODES],
        chosen,
        context.label("join.next"),
    )


# ---------------------------------------------------------------------- each step's question (also after a restart)
async def ask_specialities(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        context.t("profile.ask_specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY)
    )
    return SPECIALITIES


async def ask_capacity(update: Update, context: BotContext) -> str:
    keyboard = rows([InlineKeyboardButton(str(n), callback_data=ProfileCapacity(n).data()) for n in CAPACITIES], 5)
    await update.effective_chat.send_message(
        context.t("join.ask_capacity"), reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return CAPACITY


async def _ticked(update: Update, context: BotContext) -> list[str]:
    """The ticked modes of the draft; begun from the card as it is when there are none (an old keyboard)."""
    draft = answers(FORM)
    if "modes" not in draft:
        card = await context.services.talent.of_user(update.effective_user.id)
        draft = restart(FORM, {"modes": list(card.service_modes) if card else []})
    return draft["modes"]


async def ask_modes(update: Update, context: BotContext) -> str:
    chosen = await _ticked(update, context)
    await update.effective_chat.send_message(context.t("join.ask_modes"), reply_markup=_modes_keyboard(chosen, context))
    return MODES


async def ask_pause(update: Update, context: BotContext) -> str:
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


# ---------------------------------------------------------------------- the answers
Press = Callable[[Update, BotContext, CraftsmanCard, Any], Awaitable["str | int"]]


async def _chosen(update: Update, context: BotContext, allowed: bool, **values: object) -> str | int:
    """A press that chooses a value: saved when it is one of the offered ones, else the button is stale."""
    if not allowed:
        await update.callback_query.answer(context.t("button.stale"), show_alert=True)
        return ConversationHandler.END
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await _save(update, context, **values)


async def _capacity(update: Update, context: BotContext, card: CraftsmanCard, press: ProfileCapacity) -> str | int:
    return await _chosen(update, context, capacity_allowed(press.capacity), capacity=press.capacity)


async def _mode(update: Update, context: BotContext, card: CraftsmanCard, press: ProfileMode) -> str | int:
    query, arg = update.callback_query, press.value
    if arg not in SERVICE_MODES and arg != "done":
        await query.answer(context.t("button.stale"), show_alert=True)
        return ConversationHandler.END
    chosen = await _ticked(update, context)
    if arg == "done":
        if not chosen:
            await query.answer(context.t("join.modes_empty"), show_alert=True)
            return MODES
        await query.answer()
        await query.edit_message_reply_markup(None)
        return await _save(update, context, service_modes=chosen)
    chosen.remove(arg) if arg in chosen else chosen.append(arg)
    await query.answer()
    await edit_message(update, context.t("join.ask_modes"), _modes_keyboard(chosen, context))
    return MODES


async def _pause(update: Update, context: BotContext, card: CraftsmanCard, press: ProfilePause) -> str | int:
    services = context.services
    until = pause_after(press.days, services.clock.now(), services.settings.tz)
    return await _chosen(update, context, until is not None, paused_until=until)


async def _resume(update: Update, context: BotContext, card: CraftsmanCard, press: Any) -> str | int:
    await update.callback_query.answer()
    return await _save(update, context, paused_until=None)


PRESSES: dict[type[Action], Press] = {
    ProfileCapacity: _capacity,
    ProfileMode: _mode,
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

    return handler


async def specialities(update: Update, context: BotContext) -> str | int:
    text = update.effective_message.text or ""
    if await reject_too_long(update, context, text, MAX_SPECIALITIES * (MAX_SPECIALITY + 1)):
        return SPECIALITIES
    try:
        lines = read_specialities(text)
    except Invalid as exc:
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return SPECIALITIES
    return await _save(update, context, specialities=lines)


async def pause_date(update: Update, context: BotContext) -> str | int:
    services = context.services
    try:
        until = read_pause_day(
            (update.effective_message.text or "").strip(), services.clock.now(), services.settings.tz
        )
    except Invalid as exc:
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return PAUSE
    return await _save(update, context, paused_until=until)


async def capacity_typed(update: Update, context: BotContext) -> str | int:
    """A number typed at the capacity question instead of pressed: taken when it is in the range, else the range."""
    try:
        capacity = read_capacity(update.effective_message.text or "")
    except Invalid as exc:
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return CAPACITY
    if await _mine(update, context) is None:
        return ConversationHandler.END
    return await _save(update, context, capacity=capacity)


async def cancel(update: Update, context: BotContext) -> int:
    drop(FORM)
    await update.effective_message.reply_text(context.t("cancel.done"))
    return ConversationHandler.END


def _button(
    state: str, ask: Handler, kind: type[Action], field: str, edit: type[Action], typed: Handler | None = None
) -> Step:
    """A step answered by one of ``kind``'s buttons (or ``typed``, when given), opened by ``edit`` on the card."""
    return Step(state, ask, button_step(FORM, on_press(kind), kind, typed=typed), field, edit=edit)


# /profile, declared once: each ✏️ of the card opens one step; the answer is saved and the card shown again
PROFILE = Flow(
    form=FORM,
    steps=(
        Step(SPECIALITIES, ask_specialities, typed_step(FORM, specialities), "specialities", edit=ProfileSpecialities),
        _button(CAPACITY, ask_capacity, ProfileCapacity, "capacity", ProfileCapacityMenu, capacity_typed),
        _button(MODES, ask_modes, ProfileMode, "service_modes", ProfileModesMenu),
        Step(
            PAUSE,
            ask_pause,
            (
                CallbackQueryHandler(drafted(FORM, on_press(ProfilePause)), pattern=ProfilePause.pattern()),
                MessageHandler(filters.TEXT & ~filters.COMMAND, drafted(FORM, pause_date)),
                MessageHandler(~filters.COMMAND, expect_text),
            ),
            "paused_until",
            edit=ProfilePauseMenu,
        ),
    ),
    missing=profile_missing,
    guard=_has_card,
    starts=True,
)


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[
            CommandHandler("profile", profile_command),
            *PROFILE.edit_handlers(),
            # the answers' buttons of a keyboard shown before (the step ended or never stored): still taken
            *(CallbackQueryHandler(drafted(FORM, on_press(kind)), pattern=kind.pattern()) for kind in PRESSES),
        ],
        states=PROFILE.states(),
        fallbacks=[CommandHandler("cancel", drafted(FORM, cancel))],
        name="profile",
        persistent=True,
    )
