"""Forms declared as questions from catalogue keys, on the one form engine (conversations/form_draft.py): the way
/new_competition and /new_course are declared.

Each :class:`Question` asks one thing and reads the answer: typed text (checked by the question's reader,
services/event_fields.py), one button of a choice, several toggled buttons, or a region from the picker. Optional
questions have a "skip" button. :func:`build` turns a :class:`QuestionForm` into the engine's :class:`Flow` (one
:class:`Step` per question; the typed, choice and toggle questions share the state ``<form>.answer``, the region
``<form>.region``, the summary card ``<form>.confirm``, as these forms always had, so a conversation stored before
keeps going) and its ConversationHandler. The draft is ``{"values": …, "editing": …}``; what is still missing is
the service's rule (services/event_fields.missing), so a restart resumes at the same question. The summary card
offers ✏️ for each labelled answer that applies (its question again, any question the new answer opens, then the
card), "publish" or "discard". The role is checked at the start and again when publishing; the service checks it
once more. Buttons: buttons/forms.py (``<form>:pick:<value>`` …, the data these forms always sent).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.forms import form_buttons
from conversations.common import answer_stale, expect_button, expect_text, keep_choice, reject_too_long
from conversations.context import BotContext
from conversations.form_draft import Flow, Step, answers, drafted, drop, exists, take_up
from conversations.keyboards import rows
from conversations.refusals import PUBLISH, refusal_key, refusal_text, staff_gate
from conversations.region_picker import ask_region, region_button, region_step_handlers
from nlp.script import says_label
from services import event_fields as fields
from services.event_fields import Reader, Reading
from services.results import Refused
from services.staff_scope import own_region, require_event_region
from services.validation import Invalid

MAX_ANSWER = 1000
Choices = Callable[[BotContext, dict[str, Any]], list[tuple[str, str]]]


def _always(values: dict[str, Any]) -> bool:
    return True


@dataclass(frozen=True)
class Question:
    name: str  # the answer's name in the draft's values
    ask: str  # catalogue key of the question
    kind: str = "text"  # text | choice | toggle | region
    parse: Reader | None = None  # typed text → stored value (JSON); raises Invalid (services/event_fields.py)
    choices: Choices | None = None
    optional: bool = False
    when: Callable[[dict[str, Any]], bool] = field(default=_always)  # ask only when this holds of the values
    label: str | None = None  # catalogue key of the answer's name: the summary card has ✏️ for it
    # the question's example values, still to come by the clock ("{example_from} 至 {example_to}"): now, zone → values
    examples: Callable[[datetime, ZoneInfo], dict[str, str]] | None = None


def asking(prefix: str) -> Callable[..., Question]:
    """The question maker of one form whose catalogue keys are "<prefix>.ask.<question>" and "<prefix>.field.<name>":
    ``ask = asking("course")``, then ``ask("teacher", text=60, optional=True)`` — a question names only what differs:
    its catalogue question when not its name (``ask=``), typed text of at most ``text`` characters, or any field."""

    def question(
        name: str, kind: str = "text", *, ask: str | None = None, text: int | None = None, **rest: Any
    ) -> Question:
        if text is not None:
            rest["parse"] = fields.text(text)
        return Question(name, f"{prefix}.ask.{ask or name}", kind, label=f"{prefix}.field.{name}", **rest)

    return question


def labelled(*pairs: tuple[str, str]) -> Choices:
    """A choice of fixed buttons: (value, catalogue key of its label) pairs."""
    return lambda context, values: [(value, context.label(key)) for value, key in pairs]


@dataclass(frozen=True)
class QuestionForm:
    name: str  # the draft's form name, conversation name and callback prefix
    command: str
    action: str  # audit action of a refusal
    questions: tuple[Question, ...]
    summary: Callable[[BotContext, dict[str, Any]], Awaitable[str]]
    publish: Callable[[Update, BotContext, dict[str, Any]], Awaitable[None]]  # raises Invalid to fix a question
    fixes: dict[str, str] = field(default_factory=dict)  # error key → the question asked again at 发布
    # the service's rules between answers, run on each answer with those before it: raises Invalid to ask it again
    check: Callable[[str, dict[str, Any], Reading], None] | None = None

    def order(self) -> tuple[tuple[str, Callable[[dict[str, Any]], bool]], ...]:
        return tuple((q.name, q.when) for q in self.questions)

    def missing(self, draft: dict[str, Any]) -> list[str]:
        return fields.missing(self.order(), draft)

    def waiting(self, draft: dict[str, Any]) -> Question | None:
        """The question the draft waits for (None: the summary card)."""
        needed = self.missing(draft)
        return next((q for q in self.questions if needed and q.name == needed[0]), None)


def _keyboard(
    context: BotContext, form: QuestionForm, q: Question, values: dict[str, Any]
) -> InlineKeyboardMarkup | None:
    press = form_buttons(form.name)
    skip = press.skip(q.name).data()  # names its question: an earlier question's 跳过 skips nothing later
    extra = [InlineKeyboardButton(context.t("form.skip"), callback_data=skip)] if q.optional else []
    buttons: list[InlineKeyboardButton] = []
    if q.kind in ("choice", "toggle"):
        chosen = values.get(q.name) or []
        for value, text in q.choices(context, values):
            mark = ("✅ " if value in chosen else "▫️ ") if q.kind == "toggle" else ""
            buttons.append(InlineKeyboardButton(mark + text, callback_data=press.pick(value).data()))
        if q.kind == "toggle":
            extra.append(InlineKeyboardButton(context.t("form.done"), callback_data=press.done().data()))
    keyboard = rows(buttons, 2) + ([extra] if extra else [])
    return InlineKeyboardMarkup(keyboard) if keyboard else None


def build(form: QuestionForm) -> tuple[Flow, Callable[[], ConversationHandler]]:
    """The form as the engine's Flow, and the maker of its ConversationHandler."""
    answer, region, confirm = f"{form.name}.answer", f"{form.name}.region", f"{form.name}.confirm"
    press = form_buttons(form.name)
    flow: Flow

    def values() -> dict[str, Any]:
        return answers(form.name).setdefault("values", {})

    async def give(update: Update, context: BotContext, q: Question, value: Any) -> str:
        values()[q.name] = value
        answers(form.name).pop("editing", None)
        return await flow.go_on(update, context)

    def asker(q: Question) -> Callable[[Update, BotContext], Awaitable[str]]:
        async def ask(update: Update, context: BotContext) -> str | None:
            if not exists(form.name):  # a re-ask after the answers were lost: nothing to go on with
                return None
            chat = update.effective_chat
            if q.kind == "region":
                await ask_event_region(update, context, q.ask)
                return region
            services = context.services
            shown = q.examples(services.clock.now(), services.settings.tz) if q.examples else {}
            await chat.send_message(context.t(q.ask, **shown), reply_markup=_keyboard(context, form, q, values()))
            return answer

        return ask

    async def typed(update: Update, context: BotContext) -> str | int | None:
        if not exists(form.name):
            return ConversationHandler.END
        q = form.waiting(answers(form.name))
        if q is None:
            return await flow.go_on(update, context)
        text = (update.effective_message.text or "").strip()
        if await reject_too_long(update, context, text, MAX_ANSWER):
            return None
        if q.optional and fields.skips(text):  # 跳过 typed: the skip button's answer, never a teacher called 跳过
            return await give(update, context, q, None)
        if q.kind == "choice" and q.choices is not None:  # a button's label typed: that button's answer
            typed_choice = next((v for v, label in q.choices(context, values()) if says_label(text, label)), None)
            if typed_choice is not None:
                return await give(update, context, q, typed_choice)
        if q.parse is None:  # a button question
            await update.effective_message.reply_text(context.t("expect.button"))
            return None
        services = context.services
        reading = Reading(services.clock.now(), services.settings.tz)
        try:
            value = q.parse(text, reading)
            if form.check is not None:
                form.check(q.name, {**values(), q.name: value}, reading)
        except Invalid as exc:
            await update.effective_message.reply_text(context.t(exc.key, **exc.values))
            return None
        return await give(update, context, q, value)

    async def ask_event_region(update: Update, context: BotContext, ask: str) -> None:
        """The region question: staff without a region (and admins) may choose every region ("any region"); a
        staffer with one chooses it or a region below it, the picker opening there."""
        own = await own_region(context.services.db, update.effective_user.id)
        if own is None:
            any_region = InlineKeyboardButton(context.t("event.any_region_button"), callback_data=press.pick("").data())
            await update.effective_chat.send_message(context.t(ask), reply_markup=InlineKeyboardMarkup([[any_region]]))
        else:
            name = context.services.regions.full_name(own, context.lang)
            await update.effective_chat.send_message(context.t("event.ask_region_within", region=name))
        await ask_region(update, context, own)

    async def give_region(update: Update, context: BotContext, q: Question, code: str | None) -> str | None:
        """``code`` as the answer when the staffer may publish for it (services/staff_scope.py); else why not,
        and the region question again."""
        services = context.services
        try:
            await require_event_region(
                services.db, services.regions, services.audit, update.effective_user.id, code, form.action
            )
        except Refused as refused:
            await update.effective_chat.send_message(refusal_text(context, refused, PUBLISH))
            await ask_event_region(update, context, q.ask)
            return None
        return await give(update, context, q, code)

    async def pressed(update: Update, context: BotContext) -> str | None:
        query = update.callback_query
        q = form.waiting(answers(form.name)) if exists(form.name) else None
        picked, skip, done = (kind.parse(query.data) for kind in (press.pick, press.skip, press.done))
        value = picked.value if picked else None
        allowed = {v for v, _ in q.choices(context, values())} if q is not None and q.choices else set()
        if q is None:
            pass
        elif picked and q.kind == "region" and value == "":
            await query.answer()
            await query.edit_message_reply_markup(None)
            return await give_region(update, context, q, None)
        elif skip and q.optional and skip.question in ("", q.name):  # "": a button sent before it named one
            await query.answer()
            await keep_choice(update)
            return await give(update, context, q, None)
        elif picked and q.kind == "choice" and value in allowed:
            await query.answer()
            await keep_choice(update)
            return await give(update, context, q, value)
        elif picked and q.kind == "toggle" and value in allowed:
            chosen = values().setdefault(q.name, [])
            answers(form.name)["editing"] = q.name  # ticked but not done: still the question waiting
            chosen.remove(value) if value in chosen else chosen.append(value)
            await query.answer()
            await query.edit_message_reply_markup(_keyboard(context, form, q, values()))
            return None
        elif done and q.kind == "toggle" and values().get(q.name):
            await query.answer()
            await query.edit_message_reply_markup(None)
            answers(form.name).pop("editing", None)
            return await flow.go_on(update, context)
        await answer_stale(update, context)
        return None

    async def region_picked(update: Update, context: BotContext) -> str | None:
        code = await region_button(update, context)
        q = form.waiting(answers(form.name)) if code is not None and exists(form.name) else None
        return await give_region(update, context, q, code) if q is not None else None

    async def show_summary(update: Update, context: BotContext) -> str | None:
        if not exists(form.name):
            return None
        keyboard = [
            *rows(flow.edit_buttons(context), 3),
            [
                InlineKeyboardButton(context.t("form.publish"), callback_data=press.publish().data()),
                InlineKeyboardButton(context.t("form.discard"), callback_data=press.discard().data()),
            ],
        ]
        text = await form.summary(context, values())
        await update.effective_chat.send_message(text, reply_markup=InlineKeyboardMarkup(keyboard))
        return confirm

    async def finish(update: Update, context: BotContext) -> int | str | None:
        query = update.callback_query
        if not exists(form.name) or form.missing(answers(form.name)):
            await answer_stale(update, context)
            return None
        await query.answer()
        await query.edit_message_reply_markup(None)
        if press.discard.parse(query.data):
            drop(form.name)
            await update.effective_chat.send_message(context.t("form.discarded"))
            return ConversationHandler.END
        if not await staff_gate(update, context, form.action):
            drop(form.name)
            return ConversationHandler.END
        try:
            await form.publish(update, context, values())
        except (Invalid, Refused) as exc:  # e.g. the start passed while the form was open: that question again,
            # and those after (a refusal, e.g. a region outside the staffer's, by its catalogue key)
            invalid = isinstance(exc, Invalid)
            text = context.t(exc.key, **exc.values) if invalid else refusal_text(context, exc, PUBLISH)
            await update.effective_chat.send_message(text)
            fix = form.fixes.get(exc.key if invalid else refusal_key(exc.reason, PUBLISH))
            values().pop(fix if fix else form.questions[0].name, None)  # that answer again; the others stand
            return await flow.go_on(update, context)
        drop(form.name)
        return ConversationHandler.END

    async def start(update: Update, context: BotContext) -> str | int:
        if not await staff_gate(update, context, form.action):
            return ConversationHandler.END
        await take_up(update, context, form.name, {"values": {}}, f"/{form.command}")
        return await flow.go_on(update, context)

    async def cancel(update: Update, context: BotContext) -> int:
        drop(form.name)
        await update.effective_message.reply_text(context.t("cancel.done"))
        return ConversationHandler.END

    not_command = ~filters.COMMAND
    on_press = drafted(form.name, pressed)
    answering: tuple[BaseHandler, ...] = (
        *(CallbackQueryHandler(on_press, pattern=kind.pattern()) for kind in (press.skip, press.pick, press.done)),
        MessageHandler(filters.TEXT & not_command, drafted(form.name, typed)),
        MessageHandler(not_command, expect_text),
    )
    choosing_region: tuple[BaseHandler, ...] = (
        CallbackQueryHandler(on_press, pattern=rf"^{press.pick('').data()}$"),
        *region_step_handlers(drafted(form.name, region_picked)),
    )
    on_finish = drafted(form.name, finish)
    flow = Flow(
        form.name,
        tuple(
            Step(
                region if q.kind == "region" else answer,
                asker(q),
                choosing_region if q.kind == "region" else answering,
                q.name,
                q.label,
                when=lambda draft, q=q: q.when(draft.get("values") or {}),
            )
            for q in form.questions
        ),
        form.missing,
        summary=Step(
            confirm,
            show_summary,
            (
                *(CallbackQueryHandler(on_finish, pattern=k.pattern()) for k in (press.publish, press.discard)),
                MessageHandler(not_command, expect_button),
            ),
        ),
        edit=press.edit,
        editing="editing",
    )

    def conversation() -> ConversationHandler:
        return ConversationHandler(
            entry_points=[CommandHandler(form.command, drafted(form.name, start))],
            states=flow.states(),
            fallbacks=[CommandHandler("cancel", drafted(form.name, cancel))],
            name=form.name,
            persistent=True,
        )

    return flow, conversation


def moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
