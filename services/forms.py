"""Forms in progress: one draft per person and form, in the database (table ``form_drafts``).

The form engine (conversations/forms.py) keeps a form's answers and its progress here — which step is next, which
optional questions were asked already, whether the summary card is being edited — so nothing lives in a chat
layer's memory: a restart, a second process or another front end reads the same draft. A form's own rules (what
is missing, what a value must be) live in its service (services/demand_form.py for /report, services/competitions.py
…); this module only stores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

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


class Forms:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def get(self, user_id: int, form: str) -> Draft | None:
        async with self.db.session() as session:
            row = await session.scalar(select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form == form))
            return Draft(form, user_id, dict(row.answers)) if row is not None else None

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
            return Draft(form, user_id, dict(answers))

    async def change(self, user_id: int, form: str, how: Callable[[dict[str, Any]], dict[str, Any]]) -> Draft | None:
        """Read the answers, locked, and store ``how(answers)`` in the same transaction; None when the form is not
        in progress."""
        async with self.db.session() as session:
            row = await session.scalar(
                select(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form == form).with_for_update()
            )
            if row is None:
                return None
            answers = how(dict(row.answers))
            row.answers, row.updated_at = answers, self.clock.now()  # a new dict: JSON columns see only assignment
            return Draft(form, user_id, answers)

    async def drop(self, user_id: int, form: str) -> None:
        async with self.db.session() as session:
            await session.execute(delete(FormDraft).where(FormDraft.user_id == user_id, FormDraft.form == form))
