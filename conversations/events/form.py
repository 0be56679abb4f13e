"""The form engine: a form declared once as steps, the engine behind /new_competition and /new_course.

A form is a list of :class:`Step` s. Each asks one question and reads the answer: typed text (checked by the
step's parser), one button of a choice, several toggled buttons, or a region from the picker. Optional steps
have a "skip" button. The answers and the step reached are the form's draft in the database (services/forms.py):
a restart — or user data lost — resumes at the same step, and each step asks its question again
(conversations/resume.py). At the end a summary offers ✏️ for each labelled answer (its question again, and
any step the new answer opens, then the summary), "publish" or "discard". The role is checked at the start and
again when publishing; the service checks it once more. Buttons: buttons/forms.py (``<form>:pick:<value>`` …).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.forms import form_buttons
from conversations import resume
from conversations.common import answer_stale, expect_button, expect_text, reject_too_long
from conversations.context import BotContext
from conversations.keyboards import rows
from conversations.refusals import staff_gate
from conversations.region_picker import ask_region, region_button, region_step_handlers
from services import event_fields as fields
from services.event_fields import Reader, Reading
from services.validation import Invalid

MAX_ANSWER = 1000
Choices = Callable[[BotContext, dict[str, Any]], list[tuple[str, str]]]


@dataclass(frozen=True)
class Step:
    name: str
    ask: str  # catalogue key of the question
    kind: str = "text"  # text | choice | toggle | region
    parse: Reader | None = None  # typed text → stored value (JSON); raises Invalid (services/event_fields.py)
    choices: Choices | None = None
    optional: bool = False
    when: Callable[[dict[str, Any]], bool] = field(default=lambda values: True)  # ask only when this holds
    label: str | None = None  # catalogue key of the field's name: the summary card has ✏️ for it


def asking(prefix: str) -> Callable[..., Step]:
    """The step maker of one form whose catalogue keys are "<prefix>.ask.<question>" and "<prefix>.field.<name>":
    ``step = asking("course")``, then ``step("teacher", text=60, optional=True)`` — a step names only what differs:
    its question when not its name (``ask=``), typed text of at most ``text`` characters, or any Step field."""

    def step(name: str, kind: str = "text", *, ask: str | None = None, text: int | None = None, **rest: Any) -> Step:
        if text is not None:
            rest["parse"] = fields.text(text)
        return Step(name, f"{prefix}.ask.{ask or name}", kind, label=f"{prefix}.field.{name}", **rest)

    return step


def labelled(*pairs: tuple[str, str]) -> Choices:
    """A choice of fixed buttons: (value, catalogue key of its label) pairs."""
    return lambda context, values: [(value, context.label(key)) for value, key in pairs]


@dataclass(frozen=True)
class Form:
    name: str  # the draft's form name, conversation name and callback prefix
    command: str
    action: str  # audit action of a refusal
    steps: tuple[Step, ...]
    summary: Callable[[BotContext, dict[str, Any]], Awaitable[str]]
    publish: Callable[[Update, BotContext, dict[str, Any]], Awaitable[None]]  # raises Invalid to fix a step
    fixes: dict[str, str] = field(default_factory=dict)  # error key → the step to ask again when publishing fails

    @property
    def states(self) -> tuple[str, str, str]:
        return f"{self.name}.answer", f"{self.name}.region", f"{self.name}.confirm"


async def _state(update: Update, context: BotContext, form: Form) -> dict[str, Any] | None:
    """The form's draft ({"step", "values"}), or None when no such form is open."""
    draft = await context.services.forms.get(update.effective_user.id, form.name)
    return draft.answers if draft is not None else None


async def _save(update: Update, context: BotContext, form: Form, state: dict[str, Any]) -> None:
    await context.services.forms.put(update.effective_user.id, form.name, state)


async def _drop(update: Update, context: BotContext, form: Form) -> None:
    await context.services.forms.drop(update.effective_user.id, form.name)


def _current(form: Form, state: dict[str, Any]) -> Step | None:
    index = state.get("step", 0)
    return form.steps[index] if 0 <= index < len(form.steps) else None


async def _ask(update: Update, context: BotContext, form: Form, state: dict[str, Any]) -> str:
    """Ask the current step's question (skipping steps that do not apply), or show the summary; store the draft."""
    answer, region, confirm = form.states
    while (step := _current(form, state)) is not None and _passed(step, state):
        state["step"] += 1
    if step is None:
        state.pop("editing", None)
    await _save(update, context, form, state)
    chat = update.effective_chat
    press = form_buttons(form.name)
    if step is None:
        edits = [
            InlineKeyboardButton("✏️ " + context.t(s.label), callback_data=press.edit(s.name).data())
            for s in form.steps
            if s.label and s.when(state["values"])
        ]
        keyboard = InlineKeyboardMarkup(
            [
                *rows(edits, 3),
                [
                    InlineKeyboardButton(context.t("form.publish"), callback_data=press.publish().data()),
                    InlineKeyboardButton(context.t("form.discard"), callback_data=press.discard().data()),
                ],
            ]
        )
        await chat.send_message(await form.summary(context, state["values"]), reply_markup=keyboard)
        return confirm
    if step.kind == "region":
        await chat.send_message(
            context.t(step.ask),
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton(context.t("event.any_region_button"), callback_data=press.pick("").data())]]
            ),
        )
        await ask_region(update, context)
        return region
    await chat.send_message(context.t(step.ask), reply_markup=_keyboard(context, form, step, state["values"]))
    return answer


def _passed(step: Step, state: dict[str, Any]) -> bool:
    """A step not asked now: it does not apply, or one answer is being edited and this one is answered already
    (a changed answer asks the steps it opens, e.g. the dates of a course whose rule changed, and no others)."""
    values = state["values"]
    editing = state.get("editing")
    return not step.when(values) or (editing is not None and step.name != editing and step.name in values)


def _keyboard(context: BotContext, form: Form, step: Step, values: dict[str, Any]) -> InlineKeyboardMarkup | None:
    press = form_buttons(form.name)
    extra = [InlineKeyboardButton(context.t("form.skip"), callback_data=press.skip().data())] if step.optional else []
    buttons: list[InlineKeyboardButton] = []
    if step.kind in ("choice", "toggle"):
        chosen = values.get(step.name) or []
        for value, text in step.choices(context, values):
            mark = ("✅ " if value in chosen else "▫️ ") if step.kind == "toggle" else ""
            buttons.append(InlineKeyboardButton(mark + text, callback_data=press.pick(value).data()))
        if step.kind == "toggle":
            extra.append(InlineKeyboardButton(context.t("form.done"), callback_data=press.done().data()))
    keyboard = rows(buttons, 2) + ([extra] if extra else [])
    return InlineKeyboardMarkup(keyboard) if keyboard else None


async def _advance(update: Update, context: BotContext, form: Form, state: dict[str, Any], value: Any) -> str:
    state["values"][_current(form, state).name] = value
    state["step"] += 1
    return await _ask(update, context, form, state)


def build(form: Form) -> ConversationHandler:
    answer, region, confirm = form.states
    press = form_buttons(form.name)

    async def ask_again(update: Update, context: BotContext) -> None:
        """After a restart: the step's question as it was asked (nothing, when the form's answers are gone)."""
        state = await _state(update, context, form)
        if state is not None:
            await _ask(update, context, form, state)

    resume.register({answer: ask_again, region: ask_again, confirm: ask_again})  # conversations/resume.py

    async def start(update: Update, context: BotContext) -> str | int:
        if not await staff_gate(update, context, form.action):
            return ConversationHandler.END
        return await _ask(update, context, form, {"step": 0, "values": {}})

    async def typed(update: Update, context: BotContext) -> str | None:
        state = await _state(update, context, form)
        step = _current(form, state) if state else None
        if step is None:
            return await _ask(update, context, form, state) if state else ConversationHandler.END
        text = (update.effective_message.text or "").strip()
        if await reject_too_long(update, context, text, MAX_ANSWER):
            return None
        if step.parse is None:  # a button step
            await update.effective_message.reply_text(context.t("expect.button"))
            return None
        services = context.services
        try:
            value = step.parse(text, Reading(services.clock.now(), services.settings.tz))
        except Invalid as exc:
            await update.effective_message.reply_text(context.t(exc.key, **exc.values))
            return None
        return await _advance(update, context, form, state, value)

    async def pressed(update: Update, context: BotContext) -> str | None:
        query = update.callback_query
        state = await _state(update, context, form)
        step = _current(form, state) if state else None
        picked = press.pick.parse(query.data)
        action = (
            "pick"
            if picked
            else "skip"
            if press.skip.parse(query.data)
            else "done"
            if press.done.parse(query.data)
            else None
        )
        if step is None or action is None:
            await answer_stale(update, context)
            return None
        value = picked.value if picked else ""
        if action == "skip" and step.optional:
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _advance(update, context, form, state, None)
        if step.kind == "region" and action == "pick" and value == "":
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _advance(update, context, form, state, None)
        allowed = {v for v, _ in step.choices(context, state["values"])} if step.choices else set()
        if action == "pick" and step.kind == "choice" and value in allowed:
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await _advance(update, context, form, state, value)
        if action == "pick" and step.kind == "toggle" and value in allowed:
            chosen = state["values"].setdefault(step.name, [])
            chosen.remove(value) if value in chosen else chosen.append(value)
            await _save(update, context, form, state)
            await query.answer()
            await query.edit_message_reply_markup(_keyboard(context, form, step, state["values"]))
            return None
        if action == "done" and step.kind == "toggle" and state["values"].get(step.name):
            await query.answer()
            await query.edit_message_reply_markup(None)
            state["step"] += 1
            return await _ask(update, context, form, state)
        await answer_stale(update, context)
        return None

    async def region_picked(update: Update, context: BotContext) -> str | None:
        code = await region_button(update, context)
        state = await _state(update, context, form) if code is not None else None
        if not state:
            return None
        return await _advance(update, context, form, state, code)

    async def finish(update: Update, context: BotContext) -> str | int | None:
        query = update.callback_query
        state = await _state(update, context, form)
        if state is None or _current(form, state) is not None:
            await answer_stale(update, context)
            return None
        await query.answer()
        await query.edit_message_reply_markup(None)
        if press.discard.parse(query.data):
            await _drop(update, context, form)
            await update.effective_chat.send_message(context.t("form.discarded"))
            return ConversationHandler.END
        if not await staff_gate(update, context, form.action):
            await _drop(update, context, form)
            return ConversationHandler.END
        try:
            await form.publish(update, context, state["values"])
        except Invalid as exc:  # e.g. the start time passed while the form was open: ask that step again
            await update.effective_chat.send_message(context.t(exc.key, **exc.values))
            names = [s.name for s in form.steps]
            state["step"] = names.index(form.fixes[exc.key]) if form.fixes.get(exc.key) in names else 0
            return await _ask(update, context, form, state)
        await _drop(update, context, form)
        return ConversationHandler.END

    async def edit(update: Update, context: BotContext) -> str | None:
        """✏️ on the summary card: that step's question again; then the card (after any step the answer opens)."""
        query = update.callback_query
        state = await _state(update, context, form)
        chosen = press.edit.parse(query.data)
        names = {s.name: i for i, s in enumerate(form.steps) if s.label and state and s.when(state["values"])}
        if state is None or _current(form, state) is not None or chosen is None or chosen.step not in names:
            await answer_stale(update, context)
            return None
        await query.answer()
        await query.edit_message_reply_markup(None)
        state["step"], state["editing"] = names[chosen.step], chosen.step
        return await _ask(update, context, form, state)

    async def cancel(update: Update, context: BotContext) -> int:
        await _drop(update, context, form)
        await update.effective_message.reply_text(context.t("cancel.done"))
        return ConversationHandler.END

    not_command = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler(form.command, start)],
        states={
            answer: [
                *(
                    CallbackQueryHandler(pressed, pattern=kind.pattern())
                    for kind in (press.skip, press.pick, press.done)
                ),
                MessageHandler(filters.TEXT & not_command, typed),
                MessageHandler(not_command, expect_text),
            ],
            region: [
                CallbackQueryHandler(pressed, pattern=rf"^{press.pick('').data()}$"),
                *region_step_handlers(region_picked),
            ],
            confirm: [
                *(CallbackQueryHandler(finish, pattern=kind.pattern()) for kind in (press.publish, press.discard)),
                CallbackQueryHandler(edit, pattern=press.edit.pattern()),
                MessageHandler(not_command, expect_button),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name=form.name,
        persistent=True,
    )


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
