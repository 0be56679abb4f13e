"""A form's draft for the length of one update: read from the database before a step's handler runs, written back
once after it (services/forms.py), so handlers work on a plain dict and nothing lives in ``user_data``.

    handler = drafted("join", name)          # a step handler (or a re-ask, conversations/resume.py)
    answers("join")["name"] = text           # inside it: the draft's answers, as they stand
    restart("join", {"honours": []})         # /join again: new answers
    drop("join")                             # submitted or cancelled: the draft goes

The draft is written only when the handler returns (an exception writes nothing), only when it changed, and only
when it exists (stored, or begun by :func:`restart`): answers given after the draft was lost are not kept (the
flow's last step says so). A handler that is not wrapped and asks for a draft gets a LookupError: every way into
a drafted flow is wrapped.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from telegram import Update

from conversations.context import BotContext

Handler = Callable[[Update, BotContext], Awaitable[Any]]


@dataclass
class _Open:
    form: str
    answers: dict[str, Any] = field(default_factory=dict)
    exists: bool = False  # stored, or started by restart(): only then is it written
    dropped: bool = False


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


def restart(form: str, fresh: dict[str, Any]) -> dict[str, Any]:
    current = _open(form)
    current.answers, current.dropped, current.exists = fresh, False, True
    return fresh


def drop(form: str) -> None:
    current = _open(form)
    current.answers, current.dropped = {}, True


def drafted(form: str, handler: Handler) -> Handler:
    """``handler`` with the person's ``form`` draft open while it runs."""

    async def run(update: Update, context: BotContext) -> Any:
        forms, user_id = context.services.forms, update.effective_user.id
        stored = await forms.get(user_id, form)
        before = stored.answers if stored is not None else None
        current = _Open(form, copy.deepcopy(before) if before is not None else {}, before is not None)
        token = _OPEN.set(current)
        try:
            result = await handler(update, context)
        finally:
            _OPEN.reset(token)
        if current.dropped:
            if before is not None:
                await forms.drop(user_id, form)
        elif current.exists and current.answers != before:
            await forms.put(user_id, form, current.answers)
        return result

    return run


def drafted_all(form: str, handlers: dict[str, Handler]) -> dict[str, Handler]:
    return {state: drafted(form, handler) for state, handler in handlers.items()}
