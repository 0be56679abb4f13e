"""Forms in progress: one draft per person and form, in the database (table ``form_drafts``).

The form engine (conversations/forms.py) keeps a form's answers and its progress here — which step is next, which
optional questions were asked already, whether the summary card is being edited — so nothing lives in a chat
layer's memory: a restart, a second process or another front end reads the same draft. A form's own rules (what
is missing, what a value must be) live in its service (services/demand_form.py for /report, services/competitions.py
…); this module only stores.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update

from db import unit_of_work
from db.database import Database
from db.models import FormDraft
from services.clock import Clock


@dataclass(frozen=True)
class Draft:
    """A form's stored answers and progress (a copy: change it with :meth:`Forms.put` / :meth:`Forms.change`)."""

    form: str
    user_id: int
    answers: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.answers.get(name, default)


# built once: the hot path of every form step (a statement built per call costs twice its execution)
_TABLE = cast(Table, FormDraft.__table__)
_THIS = (_TABLE.c.user_id == bindparam("who"), _TABLE.c.form == bindparam("which"))
_ANSWERS = select(_TABLE.c.answers).where(*_THIS)
_LOCKED = _ANSWERS.with_for_update()
_WRITE = update(_TABLE).where(*_THIS).values(answers=bindparam("new"), updated_at=bindparam("now"))


class Forms:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def get(self, user_id: int, form: str) -> Draft | None:
        # read once per update: a step asks for its draft several times (db/unit_of_work.py: recall, and how a
        # write anywhere in the update makes it read again)
        kept = unit_of_work.recall(self.db, _key(user_id, form))
        if kept is unit_of_work.MISSING:
            async with self.db.connection() as connection:
                row = await connection.scalar(_ANSWERS, {"who": user_id, "which": form})
            kept = _kept(row)
            self._keep(user_id, form, kept)
        return Draft(form, user_id, copy.deepcopy(dict(kept))) if kept is not None else None

    async def put(self, user_id: int, form: str, answers: dict[str, Any]) -> Draft:
        """Start (or restart) the form with these answers."""
        async with self.db.session() as session:
            row = await session.scalar(
                select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form == form).with_for_update()
            )
            if row is None:
                row = FormDraft(user_id=user_id, form=form, answers={})
                session.add(row)
            row.answers, row.updated_at = dict(answers), self.clock.now()
        self._keep(user_id, form, _kept(answers))  # after the block: its write has run
        return Draft(form, user_id, dict(answers))

    async def change(self, user_id: int, form: str, how: Callable[[dict[str, Any]], dict[str, Any]]) -> Draft | None:
        """Read the answers, locked, and store ``how(answers)`` in the same transaction; None when the form is not
        in progress."""
        async with self.db.connection() as connection:
            stored = await connection.scalar(_LOCKED, {"who": user_id, "which": form})
            if stored is None:
                return None
            answers = how(dict(stored))
            await connection.execute(_WRITE, {"who": user_id, "which": form, "new": answers, "now": self.clock.now()})
        self._keep(user_id, form, _kept(answers))
        return Draft(form, user_id, dict(answers))

    async def drop(self, user_id: int, form: str) -> None:
        async with self.db.session() as session:
            await session.execute(delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form == form))
        self._keep(user_id, form, None)

    def _keep(self, user_id: int, form: str, answers: MappingProxyType[str, Any] | None) -> None:
        unit_of_work.keep(self.db, _key(user_id, form), answers)


def _key(user_id: int, form: str) -> tuple[str, int, str]:
    return ("form_draft", user_id, form)


def _kept(answers: dict[str, Any] | None) -> MappingProxyType[str, Any] | None:
    """A read-only copy to keep (readers get a deep copy of it: whatever they do to theirs, this one stays)."""
    return MappingProxyType(copy.deepcopy(answers)) if answers is not None else None
