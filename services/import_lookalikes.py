"""Import rows that look like a record already in the pools, reported to the staffer instead of added.

An import upserts on the natural key (services/importing.py). A row that misses the key but matches a record
closely is far more often the same person or enterprise typed differently than a new one, and a second,
look-alike record splits its cases and its figures (two 周建华 buttons in /queue, two enterprises of one name in
the export). Such a row is the staffer's to correct:

- an enterprise whose credit code is new but whose name (either parenthesis width, either script) is an
  enterprise's already;
- a craftsman whose phone is another craftsman's (a phone is one person's, whatever form it was stored in), or
  whose name is a craftsman's already with the same phone or the same workplace (a namesake with neither is
  another person, and added), names and workplaces compared in one script (韓建軍 is 韩建军); within one file, a phone an earlier row has under another name or workplace.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from db.database import Database
from db.models import Craftsman, Enterprise
from nlp.script import TRADITIONAL_VARIANTS, to_simplified, to_traditional
from services.enterprises import same_names
from services.validation import Invalid, phone

CHUNK = 500  # values in one IN (...)

Found = dict[int, tuple[str, dict[str, Any]]]  # the valid row's index -> (message key, its values)


def chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    values = sorted(set(values))
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


async def lookalikes(db: Database, kind: str, rows: list[dict[str, Any]]) -> Found:
    """The rows of ``kind`` (craftsmen | enterprises) that look like a record already stored."""
    if kind == "enterprises":
        return await _enterprises(db, rows)
    if kind == "craftsmen":
        return await _craftsmen(db, rows)
    return {}


def script_names(name: str) -> set[str]:
    """An enterprise's name as it may be stored: :func:`same_names` in simplified and each traditional variant's
    forms, so a row typed in one script finds a record stored in the other."""
    return {
        written
        for form in (to_simplified(name), *(to_traditional(name, v) for v in TRADITIONAL_VARIANTS))
        for written in same_names(form)
    } | same_names(name)


async def _enterprises(db: Database, rows: list[dict[str, Any]]) -> Found:
    names = {n for row in rows for n in script_names(row["name"])}
    stored: dict[str, tuple[str, str | None]] = {}  # a name as it may be typed, in one script -> (name, code)
    async with db.session() as session:
        for chunk in chunks(names):
            for name, code in (
                await session.execute(select(Enterprise.name, Enterprise.credit_code).where(Enterprise.name.in_(chunk)))
            ).all():
                for variant in same_names(name_key(name)):
                    stored.setdefault(variant, (name, code))
        codes: set[str | None] = set()
        for chunk in chunks(row["credit_code"] for row in rows):
            codes.update(
                (await session.scalars(select(Enterprise.credit_code).where(Enterprise.credit_code.in_(chunk)))).all()
            )
    found: Found = {}
    for index, row in enumerate(rows):
        match = stored.get(name_key(row["name"]))
        if row["credit_code"] not in codes and match is not None and match[1] != row["credit_code"]:
            found[index] = ("import.err.lookalike_enterprise", {"name": match[0], "code": match[1] or "—"})
    return found


def phone_key(value: str | None) -> str | None:
    """A phone as :func:`services.validation.phone` writes it, so that one number stored or typed in another form
    (+8613900020002, 139 0002 0002) compares equal; a value it cannot read, as it is."""
    if value is None:
        return None
    try:
        return phone(value)
    except Invalid:
        return value


def phone_clashes(rows: list[dict[str, Any]], numbers: list[int]) -> Found:
    """The craftsman rows (by index; ``numbers`` are their spreadsheet rows) whose phone an earlier row of the same
    file has under another name or workplace: a phone is one person's, so only the first is imported."""
    first: dict[str, int] = {}
    found: Found = {}
    for index, row in enumerate(rows):
        earlier = first.setdefault(row["phone"], index)
        if earlier != index:
            found[index] = ("import.err.phone_in_file", {"first": numbers[earlier], "name": rows[earlier]["name"]})
    return found


def name_key(text: str) -> str:
    """A name or workplace folded to one script, so that 韓建軍 and 韩建军 (恆銳 and 恒锐) compare equal."""
    return to_simplified(text.strip())


async def _craftsmen(db: Database, rows: list[dict[str, Any]]) -> Found:
    """A phone is compared as the normaliser writes it: a phone stored in another form (a shared contact's
    +86…) is still the same phone. The pool is read whole (four short columns): a stored phone's form is unknown,
    so no index finds it. Names and workplaces are compared folded to one script (:func:`name_key`): a row that
    is a stored record's natural key in the other script (韓建軍 for 韩建军, the same workplace and phone) takes
    the stored spelling here, so the upsert updates that record instead of refusing the phone as another's."""
    by_phone: dict[str | None, list[tuple[str, str]]] = {}
    by_name: dict[str, list[tuple[str, str, str | None]]] = {}
    async with db.session() as session:
        stored = await session.execute(select(Craftsman.name, Craftsman.workplace, Craftsman.phone))
        for name, workplace, number in stored.all():
            key = phone_key(number)
            by_phone.setdefault(key, []).append((name, workplace))
            by_name.setdefault(name_key(name), []).append((name, workplace, key))
    found: Found = {}
    for index, row in enumerate(rows):
        folded, workplace = name_key(row["name"]), name_key(row["workplace"])
        namesakes = by_name.get(folded, [])
        record = next((r for r in namesakes if r[2] == row["phone"] and name_key(r[1]) == workplace), None)
        if record is not None:
            row["name"], row["workplace"] = record[0], record[1]  # the natural key: an update, spelt as stored
            continue
        phone_of = next((name for name, _ in by_phone.get(row["phone"], []) if name_key(name) != folded), None)
        if phone_of is not None:
            found[index] = ("import.err.phone_taken", {"name": phone_of})
            continue
        same = next((r for r in namesakes if r[2] == row["phone"] or name_key(r[1]) == workplace), None)
        if same is not None:
            found[index] = ("import.err.lookalike_craftsman", {"name": same[0], "workplace": same[1]})
    return found


async def phone_holder(db: Database, number: str, user_id: int) -> str | None:
    """The name of someone other than user ``user_id`` who holds ``number`` already: a craftsman's phone, or an
    enterprise's contact phone (its contact's name, else the enterprise's), compared as :func:`phone_key` writes
    them, like an import row's. A /join applicant's phone that is someone else's is flagged to the reviewer."""
    key = phone_key(number)
    async with db.session() as session:
        craftsmen = await session.execute(
            select(Craftsman.name, Craftsman.user_id, Craftsman.phone).where(Craftsman.phone.is_not(None))
        )
        for name, owner, stored in craftsmen.all():
            if owner != user_id and phone_key(stored) == key:
                return str(name)
        enterprises = await session.execute(
            select(Enterprise.contact_name, Enterprise.name, Enterprise.owner_user_id, Enterprise.phone).where(
                Enterprise.phone.is_not(None)
            )
        )
        for contact, name, owner, stored in enterprises.all():
            if owner != user_id and phone_key(stored) == key:
                return str(contact or name)
    return None
