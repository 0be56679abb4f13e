"""Import rows that look like a record already in the pools, reported to the staffer instead of added.

An import upserts on the natural key (services/importing.py). A row that misses the key but matches a record
closely is far more often the same person or enterprise typed differently than a new one, and a second,
look-alike record splits its cases and its figures (two 周建华 buttons in /queue, two enterprises of one name in
the export). Such a row is the staffer's to correct:

- an enterprise whose credit code is new but whose name (either parenthesis width) is an enterprise's already;
- a craftsman whose phone is another craftsman's (a phone is one person's), or whose name is a craftsman's
  already with the same phone or the same workplace (a namesake with neither is another person, and added).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from db.database import Database
from db.models import Craftsman, Enterprise
from services.enterprises import same_names

CHUNK = 500  # values in one IN (...)

Found = dict[int, tuple[str, dict[str, Any]]]  # the valid row's index -> (message key, its values)


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
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


async def _enterprises(db: Database, rows: list[dict[str, Any]]) -> Found:
    names = {n for row in rows for n in same_names(row["name"])}
    stored: dict[str, tuple[str, str | None]] = {}  # a name as it may be typed -> (name, code) of the record
    async with db.session() as session:
        for chunk in _chunks(names):
            for name, code in (
                await session.execute(select(Enterprise.name, Enterprise.credit_code).where(Enterprise.name.in_(chunk)))
            ).all():
                for variant in same_names(name):
                    stored.setdefault(variant, (name, code))
        codes: set[str | None] = set()
        for chunk in _chunks(row["credit_code"] for row in rows):
            codes.update(
                (await session.scalars(select(Enterprise.credit_code).where(Enterprise.credit_code.in_(chunk)))).all()
            )
    found: Found = {}
    for index, row in enumerate(rows):
        match = stored.get(row["name"].strip())
        if row["credit_code"] not in codes and match is not None and match[1] != row["credit_code"]:
            found[index] = ("import.err.lookalike_enterprise", {"name": match[0], "code": match[1] or "—"})
    return found


async def _craftsmen(db: Database, rows: list[dict[str, Any]]) -> Found:
    columns = (Craftsman.id, Craftsman.name, Craftsman.workplace, Craftsman.phone)
    by_id: dict[int, tuple[str, str, str]] = {}
    async with db.session() as session:
        for column, field in ((Craftsman.name, "name"), (Craftsman.phone, "phone")):
            for chunk in _chunks(row[field] for row in rows):
                for id_, *rest in (await session.execute(select(*columns).where(column.in_(chunk)))).all():
                    by_id[id_] = (rest[0], rest[1], rest[2])
    stored = list(by_id.values())
    keys = {(name, workplace, phone) for name, workplace, phone in stored}
    found: Found = {}
    for index, row in enumerate(rows):
        if (row["name"], row["workplace"], row["phone"]) in keys:
            continue  # the natural key: an update
        phone_of = next((name for name, _, phone in stored if phone == row["phone"] and name != row["name"]), None)
        if phone_of is not None:
            found[index] = ("import.err.phone_taken", {"name": phone_of})
            continue
        same = next(
            (
                (name, workplace)
                for name, workplace, phone in stored
                if name == row["name"] and (phone == row["phone"] or workplace == row["workplace"])
            ),
            None,
        )
        if same is not None:
            found[index] = ("import.err.lookalike_craftsman", {"name": same[0], "workplace": same[1]})
    return found
