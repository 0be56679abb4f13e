"""Forms in progress: one draft per person and form, in the database (table ``form_drafts``).

The form engine (conversations/forms.py) keeps a form's answers and its progress here — which step is next, which
optional questions were asked already, whether the summary card is being edited — so nothing lives in a chat
layer's memory: a restart, a second process or another front end reads the same draft. A form's own rules (what
is missing, what a value must be) live in its service (services/demand_form.py for /report, services/competitions.py
…); this module only stores.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

from sqlalchemy import Table, Text, bindparam, delete, select, update
from sqlalchemy import cast as sql_cast

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
_STORED = sql_cast(_TABLE.c.answers, Text)  # the answers exactly as stored: what a compare-and-set compares
_ANSWERS = select(_STORED).where(*_THIS)
_LOCKED = select(_TABLE.c.answers).where(*_THIS).with_for_update()
_WRITE = update(_TABLE).where(*_THIS).values(answers=bindparam("new"), updated_at=bindparam("now"))
_SWAP = _WRITE.where(bindparam("seen") == _STORED).returning(_TABLE.c.id)
SEEN_MAX = 10_000  # drafts whose stored text this process remembers (forgotten all at once past it)


class Forms:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        # the stored text of each draft as this process last read it: change() writes over it only if it is still
        # that text (compared in the UPDATE itself), so whoever changed it meanwhile — the expiry job, a second
        # process — is never overwritten; a draft changed elsewhere is read again, locked
        self._seen: dict[tuple[int, str], str] = {}

    async def get(self, user_id: int, form: str) -> Draft | None:
        # read once per update: a step asks for its draft several times (db/unit_of_work.py: recall, and how a
        # write anywhere in the update makes it read again)
        kept = unit_of_work.recall(self.db, _key(user_id, form))
        if kept is unit_of_work.MISSING:
            async with self.db.connection() as connection:
                stored = await connection.scalar(_ANSWERS, {"who": user_id, "which": form})
            self._saw(user_id, form, stored)
            kept = _kept(json.loads(stored) if stored is not None else None)
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
        self._seen.pop((user_id, form), None)
        self._keep(user_id, form, _kept(answers))  # after the block: its write has run
        return Draft(form, user_id, dict(answers))

    async def change(self, user_id: int, form: str, how: Callable[[dict[str, Any]], dict[str, Any]]) -> Draft | None:
        """Read the answers, locked, and store ``how(answers)`` in the same transaction; None when the form is not
        in progress. ``how`` may be called twice (when the draft changed since this process read it): keep it pure."""
        seen = self._seen.pop((user_id, form), None)
        if seen is not None:  # read before: written only if it is still what was read (no locked re-read)
            answers = how(json.loads(seen))
            new = {"who": user_id, "which": form, "new": answers, "now": self.clock.now(), "seen": seen}
            async with self.db.connection() as connection:
                swapped = (await connection.execute(_SWAP, new)).first()
            if swapped is not None:
                self._keep(user_id, form, _kept(answers))
                return Draft(form, user_id, dict(answers))
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
        self._seen.pop((user_id, form), None)
        self._keep(user_id, form, None)

    def _saw(self, user_id: int, form: str, stored: str | None) -> None:
        if len(self._seen) >= SEEN_MAX:
            self._seen.clear()
        if stored is None:
            self._seen.pop((user_id, form), None)
        else:
            self._seen[(user_id, form)] = stored

    def _keep(self, user_id: int, form: str, answers: MappingProxyType[str, Any] | None) -> None:
        unit_of_work.keep(self.db, _key(user_id, form), answers)


def _key(user_id: int, form: str) -> tuple[str, int, str]:
    return ("form_draft", user_id, form)


def _kept(answers: dict[str, Any] | None) -> MappingProxyType[str, Any] | None:
    """A read-only copy to keep (readers get a deep copy of it: whatever they do to theirs, this one stays)."""
    return MappingProxyType(copy.deepcopy(answers)) if answers is not None else None
