"""A step-by-step form for staff: the engine behind /new_competition and /new_course.

A form is a list of :class:`Step` s. Each asks one question and reads the answer: typed text (checked by the
step's parser), one button of a choice, several toggled buttons, or a region from the picker. Optional steps
have a "skip" button. Answers live in ``user_data[<form name>]`` as JSON (persisted, so a restart resumes at the
same step); at the end a summary offers "publish" or "discard". The role is checked at the start and again when
publishing; the service checks it once more.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations import resume
from conversations.common import (
    answer_stale,
    cancel_flow_of,
    expect_button,
    expect_text,
    refuse_non_staff,
    reject_too_long,
)
from conversations.context import BotContext
from conversations.keyboards import rows
from conversations.region_picker import ask_region, region_button, region_step_handlers
from services.local_time import parse_moment
from services.validation import Invalid

MAX_ANSWER = 1000
Parser = Callable[[str, BotContext], Any]
Choices = Callable[[BotContext, dict[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class Step:
    name: str
    ask: str                     # catalogue key of the question
    kind: str = "text"           # text | choice | toggle | region
    parse: Parser | None = None  # typed text → stored value (JSON); raises Invalid
    choices: Choices | None = None
    optional: bool = False
    when: Callable[[dict[str, Any]], bool] = field(default=lambda values: True)  # ask only when this holds


@dataclass(frozen=True)
class Form:
    name: str      # user_data key, conversation name and callback prefix
    command: str
    action: str    # audit action of a refusal
    steps: tuple[Step, ...]
    summary: Callable[[BotContext, dict[str, Any]], Awaitable[str]]
    publish: Callable[[Update, BotContext, dict[str, Any]], Awaitable[None]]  # raises Invalid to fix a step
    fixes: dict[str, str] = field(default_factory=dict)  # error key → the step to ask again when publishing fails

    @property
    def states(self) -> tuple[str, str, str]:
        return f"{self.name}.answer", f"{self.name}.region", f"{self.name}.confirm"


def _state(context: BotContext, form: Form) -> dict[str, Any] | None:
    return context.user_data.get(form.name)


def _current(form: Form, state: dict[str, Any]) -> Step | None:
    index = state.get("step", 0)
    return form.steps[index] if 0 <= index < len(form.steps) else None


async def _ask(update: Update, context: BotContext, form: Form) -> str:
    """Ask the current step's question (skipping steps that do not apply), or show the summary."""
    state = _state(context, form)
    answer, region, confirm = form.states
    while (step := _current(form, state)) is not None and not step.when(state["values"]):
        state["step"] += 1
    chat = update.effective_chat
    if step is None:
        keyboard = InlineKeyboardMarkup([[
            InlineKeyboardButton(context.t("form.publish"), callback_data=f"{form.name}:publish"),
            InlineKeyboardButton(context.t("form.discard"), callback_data=f"{form.name}:discard")]])
        await chat.send_message(await form.summary(context, state["values"]), reply_markup=keyboard)
        return confirm
    if step.kind == "region":
        await chat.send_message(context.t(step.ask), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(context.t("event.any_region_button"), callback_data=f"{form.name}:pick:")]]))
        await ask_region(update, context)
        return region
    await chat.send_message(context.t(step.ask), reply_markup=_keyboard(context, form, step, state["values"]))
    return answer


def _keyboard(context: BotContext, form: Form, step: Step, values: dict[str, Any]) -> InlineKeyboardMarkup | None:
    extra = [InlineKeyboardButton(context.t("form.skip"), callback_data=f"{form.name}:skip")] if step.optional else []
    buttons: list[InlineKeyboardButton] = []
    if step.kind in ("choice", "toggle"):
        chosen = values.get(step.name) or []
        for value, text in step.choices(context, values):
            mark = ("✅ " if value in chosen else "▫️ ") if step.kind == "toggle" else ""
            buttons.append(InlineKeyboardButton(mark + text, callback_data=f"{form.name}:pick:{value}"))
        if step.kind == "toggle":
            extra.append(InlineKeyboardButton(context.t("form.done"), callback_data=f"{form.name}:done"))
    keyboard = rows(buttons, 2) + ([extra] if extra else [])
    return InlineKeyboardMarkup(keyboard) if keyboard else None


async def _advance(update: Update, context: BotContext, form: Form, value: Any) -> str:
    state = _state(context, form)
    state["values"][_current(form, state).name] = value
    state["step"] += 1
    return await _ask(update, context, form)


def build(form: Form) -> ConversationHandler:
    answer, region, confirm = form.states
    prefix = form.name

    async def ask_again(update: Update, context: BotContext) -> None:
        """After a restart: the step's question as it was asked (nothing, when the form's answers are gone)."""
        if _state(context, form) is not None:
            await _ask(update, context, form)

    resume.register({answer: ask_again, region: ask_again, confirm: ask_again})  # conversations/resume.py

    async def start(update: Update, context: BotContext) -> str | int:
        if not context.is_staff:
            await refuse_non_staff(update, context, form.action)
            return ConversationHandler.END
        context.user_data[form.name] = {"step": 0, "values": {}}
        return await _ask(update, context, form)

    async def typed(update: Update, context: BotContext) -> str | None:
        state = _state(context, form)
        step = _current(form, state) if state else None
        if step is None:
            return await _ask(update, context, form) if state else ConversationHandler.END
        text = (update.effective_message.text or "").strip()
        if await reject_too_long(update, context, text, MAX_ANSWER):
            return None
        if step.parse is None:  # a button step
            await update.effective_message.reply_text(context.t("expect.button"))
            return None
        try:
            value = step.parse(text, context)
        except Invalid as exc:
            await update.effective_message.reply_text(context.t(exc.key, **exc.values))
            return None
        return await _advance(update, context, form, value)

    async def pressed(update: Update, context: BotContext) -> str | None:
        query = update.callback_query
        state = _state(context, form)
        step = _current(form, state) if state else None
        parts = (query.data or "").split(":", 2)
        if step is None or len(parts) < 2:
            await answer_stale(update, context)
            return None
        action, value = parts[1], parts[2] if len(parts) > 2 else ""
        if action == "skip" and step.optional:
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _advance(update, context, form, None)
        if step.kind == "region" and action == "pick" and value == "":
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _advance(update, context, form, None)
        allowed = {v for v, _ in step.choices(context, state["values"])} if step.choices else set()
        if action == "pick" and step.kind == "choice" and value in allowed:
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _advance(update, context, form, value)
        if action == "pick" and step.kind == "toggle" and value in allowed:
            chosen = state["values"].setdefault(step.name, [])
            chosen.remove(value) if value in chosen else chosen.append(value)
            await query.answer()
            await query.edit_message_reply_markup(_keyboard(context, form, step, state["values"]))
            return None
        if action == "done" and step.kind == "toggle" and state["values"].get(step.name):
            await query.answer()
            await query.edit_message_reply_markup(None)
            state["step"] += 1
            return await _ask(update, context, form)
        await answer_stale(update, context)
        return None

    async def region_picked(update: Update, context: BotContext) -> str | None:
        code = await region_button(update, context)
        if code is None or not _state(context, form):
            return None
        return await _advance(update, context, form, code)

    async def finish(update: Update, context: BotContext) -> str | int | None:
        query = update.callback_query
        state = context.user_data.get(form.name)
        if state is None or _current(form, state) is not None:
            await answer_stale(update, context)
            return None
        await query.answer()
        await query.edit_message_reply_markup(None)
        if query.data.endswith(":discard"):
            context.user_data.pop(form.name, None)
            await update.effective_chat.send_message(context.t("form.discarded"))
            return ConversationHandler.END
        if not context.is_staff:
            context.user_data.pop(form.name, None)
            await refuse_non_staff(update, context, form.action)
            return ConversationHandler.END
        try:
            await form.publish(update, context, state["values"])
        except Invalid as exc:  # e.g. the start time passed while the form was open: ask that step again
            await update.effective_chat.send_message(context.t(exc.key, **exc.values))
            names = [s.name for s in form.steps]
            state["step"] = names.index(form.fixes[exc.key]) if form.fixes.get(exc.key) in names else 0
            return await _ask(update, context, form)
        context.user_data.pop(form.name, None)
        return ConversationHandler.END

    not_command = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(form.command, start)],
        states={
            answer: [CallbackQueryHandler(pressed, pattern=rf"^{prefix}:(skip|pick|done)"),
                     MessageHandler(filters.TEXT & not_command, typed), MessageHandler(not_command, expect_text)],
            region: [CallbackQueryHandler(pressed, pattern=rf"^{prefix}:pick:$"), *region_step_handlers(region_picked)],
            confirm: [CallbackQueryHandler(finish, pattern=rf"^{prefix}:(publish|discard)$"),
                      MessageHandler(not_command, expect_button)],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of(form.name))],
        name=form.name,
        persistent=True,
    )


def text_step(limit: int) -> Parser:
    """A parser for free text of at most ``limit`` characters."""

    def parse(text: str, context: BotContext) -> str:
        if len(text) > limit:
            raise Invalid("input.too_long", max=limit, length=len(text))
        if not text:
            raise Invalid("expect.text")
        return text

    return parse


def datetime_step(default_time: time | None = None) -> Parser:
    """A parser for a local date and time still to come ("2026-12-01 19:00"), stored as a UTC ISO string."""

    def parse(text: str, context: BotContext) -> str:
        services = context.services
        now = services.clock.now()
        return parse_moment(text, services.settings.tz, now, default_time, future=True).at.isoformat()

    return parse


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
