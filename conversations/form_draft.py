"""A form's draft for the length of one update: read from the database before a step's handler runs, written back
once after it (services/forms.py), so handlers work on a plain dict and nothing lives in ``user_data``.

    handler = drafted("join", name)          # a step handler (or a re-ask, conversations/resume.py)
    answers("join")["name"] = text           # inside it: the draft's answers, as they stand
    restart("join", {"honours": []})         # /join again: new answers
    drop("join")                             # submitted or cancelled: the draft goes

The draft is written when the handler returns and before the bot speaks (so what the person is told is stored with
it, db/unit_of_work.py; an exception before that writes nothing), only when it changed, and only
when it exists (stored, or begun by :func:`restart`): answers given after the draft was lost are not kept (the
flow's last step says so). A handler that is not wrapped and asks for a draft gets a LookupError: every way into
a drafted flow is wrapped.

A flow is declared once as a :class:`Flow` of :class:`Step` s — each step's state, how it asks (the same callback
asks again after a restart, conversations/resume.py), what it takes, the answer it gives and the label of its ✏️ on
the summary card. The flow's service says what is still missing (e.g. services/join_form.py); :meth:`Flow.go_on`
asks the first missing answer's step, or shows the summary card when nothing is missing — so an answer edited from
the card goes straight back to it, and a step whose edit clears other answers has those asked again first.
Steps may share a state (the questions of conversations/form_questions.py: typed, choice, toggle, region, declared
from catalogue keys): their handlers and their re-ask after a restart read the waiting step off the draft.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from buttons import Action
from conversations import resume
from conversations.common import answer_stale, expect_button, expect_text
from conversations.context import BotContext
from db import unit_of_work

Handler = Callable[[Update, BotContext], Awaitable[Any]]


@dataclass
class _Open:
    form: str
    answers: dict[str, Any] = field(default_factory=dict)
    exists: bool = False  # stored, or started by restart(): only then is it written
    dropped: bool = False
    known: Any = None  # what the flow's reads() found, while go_on() asks the step it chose (see known())


_OPEN: ContextVar[_Open | None] = ContextVar("form_draft", default=None)


def _open(form: str) -> _Open:
    current = _OPEN.get()
    if current is None or current.form != form:
        raise LookupError(f"no {form!r} draft open: wrap the handler with drafted({form!r}, …)")
    return current


def answers(form: str) -> dict[str, Any]:
    """The open draft's answers (a dict the handler may change; it is written back after the handler)."""
    return _open(form).answers


def exists(form: str) -> bool:
    """Whether the person has this form's draft (stored, or begun in this update)."""
    return _open(form).exists


def known(form: str) -> Any:
    """What the flow's ``reads`` rule read while :meth:`Flow.go_on` asks the step it chose (None otherwise: the step
    reads what it needs itself, e.g. asked again after a restart or from ✏️)."""
    return _open(form).known


def restart(form: str, fresh: dict[str, Any]) -> dict[str, Any]:
    current = _open(form)
    current.answers, current.dropped, current.exists = fresh, False, True
    return fresh


async def take_up(update: Update, context: BotContext, form: str, fresh: dict[str, Any], command: str) -> None:
    """A form begun by its command: on from the answers kept when it has some (set aside by another step,
    conversations/one_step.py, or left before a restart), saying so and how to start over; else ``fresh``."""
    if any(_open(form).answers.values()):
        await update.effective_message.reply_text(context.t("aside.form_kept", command=command))
    else:
        restart(form, fresh)


def drop(form: str) -> None:
    current = _open(form)
    current.answers, current.dropped = {}, True


def drafted(form: str, handler: Handler, begins: bool = False) -> Handler:
    """``handler`` with the person's ``form`` draft open while it runs (``begins``: it only begins the form afresh,
    with restart() or drop(), so the stored draft is not read: what it begins replaces it)."""

    async def run(update: Update, context: BotContext) -> Any:
        if (open_now := _OPEN.get()) is not None and open_now.form == form:  # already open (a handler calling one)
            return await handler(update, context)
        forms, user_id = context.services.forms, update.effective_user.id
        stored = None if begins else await forms.get(user_id, form)
        saved = stored.answers if stored is not None else None  # as the database has it (begins: not known)
        current = _Open(form, copy.deepcopy(saved) if saved is not None else {}, saved is not None)

        unknown = begins  # what is stored was not read

        async def write() -> None:  # after the handler, and before the bot speaks (what it says is then stored)
            nonlocal saved, unknown
            if current.dropped:
                if saved is not None or unknown:
                    await forms.drop(user_id, form)
                saved, unknown = None, False
            elif current.exists and current.answers != saved:
                # one statement for a stored draft (compared with what was read); a new one, or one gone: put
                written = saved is not None and await forms.change(user_id, form, lambda _: current.answers)
                if not written:
                    await forms.put(user_id, form, current.answers)
                saved, unknown = copy.deepcopy(current.answers), False

        token, stop = _OPEN.set(current), unit_of_work.when_speaking(write)
        try:
            result = await handler(update, context)
        finally:
            stop()
            _OPEN.reset(token)
        await write()
        return result

    return run


def drafted_all(form: str, handlers: dict[str, Handler]) -> dict[str, Handler]:
    return {state: drafted(form, handler) for state, handler in handlers.items()}


def typed_step(form: str, callback: Handler) -> tuple[BaseHandler, ...]:
    """A step answered by typing: the text to ``callback`` (its draft open), anything else asks for text."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND, drafted(form, callback)), MessageHandler(
        ~filters.COMMAND, expect_text
    )


def button_step(
    form: str, callback: Handler, *kinds: type[Action], typed: Handler | None = None
) -> tuple[BaseHandler, ...]:
    """A step answered by a button of ``kinds``: the press to ``callback``; text to ``typed`` when the step also
    takes its answer typed (a number at a question of number buttons); anything else typed asks for the button."""
    pressed = drafted(form, callback)
    text = (MessageHandler(filters.TEXT & ~filters.COMMAND, drafted(form, typed)),) if typed is not None else ()
    return (
        *(CallbackQueryHandler(pressed, pattern=k.pattern()) for k in kinds),
        *text,
        MessageHandler(~filters.COMMAND, expect_button),
    )


@dataclass(frozen=True)
class Step:
    state: str  # the conversation state while the step waits
    ask: Handler  # sends its question (with its buttons, as things stand) and returns ``state``
    takes: tuple[BaseHandler, ...]  # the handlers of the state (each wrapped with drafted())
    field: str | None = None  # the answer it gives (the service's name): asked by go_on() while missing
    label: str | None = None  # catalogue key of the answer's name: the summary card has ✏️ for it
    clears: tuple[str, ...] = ()  # answers an edit of this step drops (asked again after it)
    edit: type[Action] | None = None  # its own button on the card (data already in chats) instead of the flow's ✏️
    when: Callable[[dict[str, Any]], bool] | None = None  # given the draft: whether the step applies (and has ✏️)
    reedit: Handler | None = None  # how its ✏️ asks it, when not as ``ask`` does (e.g. its own prompt)
    back: bool = True  # after an edit, back to the card (False: go_on() asks the steps after it first)

    def applies(self, draft: dict[str, Any]) -> bool:
        return self.when is None or self.when(draft)

    def edited_by(self, flow_edit: type[Action] | None, data: object) -> bool:
        if self.edit is not None:
            return self.edit.parse(data) is not None
        press = flow_edit.parse(data) if flow_edit is not None and self.label else None
        return press is not None and press.field == self.field


@dataclass(frozen=True)
class Flow:
    form: str  # the draft's form name
    steps: tuple[Step, ...]
    # the service's rule: the answers still missing, in order, given the draft (None: ``reads`` says it)
    missing: Callable[[dict[str, Any]], list[str]] | None
    summary: Step | None = None  # the summary card (no field): shown when nothing is missing
    edit: type[Action] | None = None  # ✏️ on the card: the action carries the step's field
    guard: Handler | None = None  # checked before an edit (e.g. the role); False: it answered the press itself
    # the card is the stored record, not a draft (/profile): an edit begins the draft, and the card keeps its buttons
    starts: bool = False
    editing: str | None = None  # the draft key an edit sets to the step's field (the service then asks it first)
    # when what is missing depends on more than the draft (/report: the demand row, the enterprise profile): read it
    # once per step — given what the caller just wrote, if anything — as an object whose ``missing`` is the rule's
    # answer; the chosen step's question finds it in known(). None: the form is gone, and ``gone`` says so
    reads: Callable[[Update, BotContext, Any], Awaitable[Any]] | None = None
    gone: Handler | None = None

    async def go_on(self, update: Update, context: BotContext, fresh: Any = None) -> str | int:
        """The step of the first missing answer, or the summary card (``fresh``: handed to ``reads``)."""
        read = None
        if self.reads is not None:
            read = await self.reads(update, context, fresh)
            if read is None:
                if self.gone is None:
                    raise LookupError(f"{self.form}: gone, and nothing says so")
                return await self.gone(update, context)
            missing = list(read.missing)
        elif self.missing is not None:
            missing = self.missing(answers(self.form))
        else:
            raise LookupError(f"{self.form}: no rule says what is missing")
        step = next((s for s in self.steps if missing and s.field == missing[0]), self.summary)
        if step is None:
            raise LookupError(f"{self.form}: nothing is missing and there is no summary card")
        current = _open(self.form)
        current.known = read
        try:
            return await step.ask(update, context)
        finally:
            current.known = None

    def edit_buttons(self, context: BotContext) -> list[InlineKeyboardButton]:
        draft = answers(self.form)
        return [
            InlineKeyboardButton("✏️ " + context.t(s.label), callback_data=self.edit(s.field).data())
            for s in self.steps
            if s.label and s.edit is None and self.edit is not None and s.applies(draft)
        ]

    async def _edit(self, update: Update, context: BotContext) -> str | None:
        """✏️ on the summary card: that step's question again (after it, go_on() comes back to the card)."""
        query = update.callback_query
        if self.guard is not None and not await self.guard(update, context):
            return None
        step = next((s for s in self.steps if s.edited_by(self.edit, query.data)), None)
        if step is None or not (self.starts or exists(self.form)) or not step.applies(answers(self.form)):
            await answer_stale(update, context)
            return None
        await query.answer()
        if self.starts:
            restart(self.form, {})
        else:
            await query.edit_message_reply_markup(None)
        draft = answers(self.form)
        for name in step.clears:
            draft.pop(name, None)
        if self.editing is not None and step.back:
            draft[self.editing] = step.field
        elif self.editing is not None:
            draft.pop(self.editing, None)
        return await (step.reedit or step.ask)(update, context)

    def states(self) -> dict[str, list[BaseHandler]]:
        """The ConversationHandler's states; the re-ask of each is registered with conversations/resume.py."""
        steps = (*self.steps, *([self.summary] if self.summary else []))
        shared = {s.state for s in steps if sum(t.state == s.state for t in steps) > 1}
        resume.register(drafted_all(self.form, {s.state: self._again if s.state in shared else s.ask for s in steps}))
        anywhere = self.edit_handlers() if self.starts else []  # a record's card: its edits work in any step
        states: dict[str, list[BaseHandler]] = {s.state: [*anywhere, *s.takes] for s in self.steps}
        if self.summary is not None:
            states[self.summary.state] = [*self.edit_handlers(), *self.summary.takes]
        return states

    async def _again(self, update: Update, context: BotContext) -> str | None:
        """The re-ask of a state several steps share (the draft says which one waits); nothing without a draft."""
        return await self.go_on(update, context) if exists(self.form) else None

    def edit_handlers(self) -> list[BaseHandler]:
        """The card's edit buttons (on the summary card's state, or as entry points when the card is a record)."""
        kinds = {k for k in (self.edit, *(s.edit for s in self.steps)) if k is not None}
        edited = drafted(self.form, self._edit)
        return [CallbackQueryHandler(edited, pattern=k.pattern()) for k in sorted(kinds, key=lambda k: k.prefix)]
