"""/join's rules, read without a chat: what an application still needs, in the order it is asked, what each answer
must be, and the :class:`Application` its answers make. The form (conversations/join.py) keeps the answers as the
``join`` draft (services/forms.py) and asks the first thing this module says is missing; any front end may.
"""

from __future__ import annotations

from typing import Any

from services.talent import CAPACITY_RANGE, HONOURS, MAX_SPECIALITIES, MAX_SPECIALITY, Application
from services.validation import Invalid, has_words

FORM = "join"
# each answer in the order it is asked; "team" may be None (no team) and "honours" empty, but both are answered
FIELDS = ("name", "honours", "workplace", "specialities", "divisions", "region", "team", "capacity", "modes", "phone")
NOT_EMPTY = frozenset({"name", "workplace", "specialities", "divisions", "region", "capacity", "modes", "phone"})
MAX_NAME, MAX_WORKPLACE, MAX_DIVISIONS = 64, 128, 8


def application_missing(answers: dict[str, Any]) -> list[str]:
    """The fields still to answer, in order (an empty required one counts as missing)."""
    return [f for f in FIELDS if f not in answers or (f in NOT_EMPTY and not answers[f])]


def application_from(answers: dict[str, Any]) -> Application:
    """The application the answers make; Invalid("join.incomplete") while something is missing."""
    missing = application_missing(answers)
    if missing:
        raise Invalid("join.incomplete", field=missing[0])
    honours = [h for h in answers["honours"] if h in HONOURS]
    if answers["capacity"] not in CAPACITY_RANGE:
        raise Invalid("join.incomplete", field="capacity")
    return Application(
        name=answers["name"],
        workplace=answers["workplace"],
        phone=answers["phone"],
        honours=honours,
        specialities=list(answers["specialities"]),
        divisions=list(answers["divisions"]),
        region_code=answers["region"],
        team_id=answers.get("team"),
        capacity=answers["capacity"],
        service_modes=list(answers["modes"]),
    )


def typed(field: str, text: str) -> str:
    """A typed answer to ``field`` (name, workplace) as kept; Invalid("join.no_words", field=…) without words."""
    if not has_words(text):
        raise Invalid("join.no_words", field=field)
    return text


def add_specialities(current: list[str], lines: list[str]) -> list[str]:
    """``current`` with the new lines not noted yet, up to the maximum; Invalid when a line is too long or holds
    no words."""
    if any(len(line) > MAX_SPECIALITY for line in lines):
        raise Invalid("join.speciality_too_long", length=MAX_SPECIALITY)
    if not all(has_words(line) for line in lines):
        raise Invalid("join.no_words", field="specialities")
    added = [line for line in lines if line not in current][: MAX_SPECIALITIES - len(current)]
    return [*current, *added]


def toggle(chosen: list[str], value: str, limit: int | None = None) -> list[str]:
    """``chosen`` with ``value`` ticked or unticked (a tick past ``limit`` is ignored)."""
    if value in chosen:
        return [v for v in chosen if v != value]
    return [*chosen, value] if limit is None or len(chosen) < limit else list(chosen)
