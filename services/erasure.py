"""What /delete_me must also reach besides the person's own rows (services/privacy.py erases those): copies of
their words and contact details in rows that belong to others, and their Telegram id where it is not a key.

- **Notices** (outbox rows) about the person: rows keyed to their demands, those demands' matches and
  appointments, or their craftsman record (``demand:7:…``, ``match:12:…``, ``appointment:3:…``, ``craftsman:5:…``),
  and any other notice whose payload holds one of their distinctive strings (phone, @handle, name, the start of a
  demand's text). A notice already sent, failed or withdrawn keeps only its message key; one still to be sent keeps
  its message with each value that carries the person's data replaced by "—".
- **Status notes** naming them ("揭榜 吴师傅"), **conversation state** of others quoting them, and **updates not
  yet handled** (the inbox row of the /delete_me press itself holds their name and handle as Telegram sent it).
- **Ids**: actors and targets in the audit log, who proposed a match, who reviewed an application, who created a
  broadcast or an event, who granted staff — replaced by a pseudonym, the negative id of the audit entry that
  records the erasure: stable (one person, one number, so counts per actor stay right) and not derived from the
  Telegram id (a hash of a Telegram id can be reversed by trying every id).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import ColumnElement

from db.models import (
    Appointment,
    BotState,
    Broadcast,
    Competition,
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Course,
    Craftsman,
    DemandStatusHistory,
    Match,
    MessageCopy,
    Notification,
    OutboxStatus,
    UpdateInbox,
    User,
)

SCRUBBED = "—"
DISTINCTIVE = 3  # a string this long is searched for in rows about others (shorter: only in rows about them)
TEXT_PREFIX = 20  # notices quote the start of a demand's text (a summary of 120 characters, a board line …)
UNSENT = (OutboxStatus.PENDING, OutboxStatus.SENDING)  # SENDING: back to PENDING if the sender dies
CHUNK = 200


@dataclass
class Traces:
    """What identifies the person: their strings, and the keys of notices that are about them."""

    strings: set[str] = field(default_factory=set)
    key_prefixes: set[str] = field(default_factory=set)

    def add(self, *values: str | None) -> None:
        for value in values:
            value = (value or "").strip()
            if len(value) >= 2:
                self.strings.add(value)
                if len(value) > TEXT_PREFIX:
                    self.strings.add(value[:TEXT_PREFIX])

    def keyed(self, kind: str, ids: Iterable[int]) -> None:
        self.key_prefixes.update(f"{kind}:{i}:" for i in ids)

    @property
    def distinctive(self) -> list[str]:
        return sorted(s for s in self.strings if len(s) >= DISTINCTIVE)

    def holds(self, value: str) -> bool:
        """Whether ``value`` carries the person's data: it contains one of their strings, or is an excerpt of one
        (a notice's "摘要" cut at 120 characters, with or without an ellipsis)."""
        excerpt = value.strip().rstrip("…. ")
        return any(s in value for s in self.strings) or (
            len(excerpt) >= TEXT_PREFIX and any(excerpt in s for s in self.strings)
        )


def scrub(value: Any, traces: Traces) -> Any:
    """``value`` (JSON) with every string that carries the person's data replaced, and every attachment that is
    theirs dropped; message keys and button data (catalogue keys, ids) are kept as they are."""
    if isinstance(value, dict):
        return {k: v if k in ("key", "data") else scrub(v, traces) for k, v in value.items()}
    if isinstance(value, list):
        return [
            scrub(v, traces)
            for v in value
            if not (isinstance(v, dict) and "file_id" in v and traces.holds(str(v["file_id"])))
        ]
    if isinstance(value, str) and traces.holds(value):
        return SCRUBBED
    return value


def _json_forms(strings: Iterable[str]) -> set[str]:
    """The strings as they appear inside stored JSON: as written, and with \\u escapes (json.dumps' default)."""
    return {form for s in strings for form in (s, json.dumps(s)[1:-1])}


def _mentions(column: QueryableAttribute[Any], strings: Iterable[str]) -> list[ColumnElement[bool]]:
    return [cast(column, Text).contains(form, autoescape=True) for form in sorted(_json_forms(strings))]


async def scrub_notices(session: AsyncSession, traces: Traces) -> list[int]:
    """Notices about the person, sent or not (see the module's docstring); return the ids of those that carried
    their data (a delivered one is then edited in its chat: :func:`edit_copies`)."""
    conditions = [Notification.dedupe_key.startswith(p, autoescape=True) for p in sorted(traces.key_prefixes)]
    conditions += _mentions(Notification.payload, traces.distinctive)
    held: list[int] = []
    seen = set()
    for start in range(0, len(conditions), CHUNK):
        rows = (
            await session.execute(
                select(Notification.id, Notification.status, Notification.payload).where(
                    Notification.broadcast_id.is_(None), or_(*conditions[start : start + CHUNK])
                )
            )
        ).all()
        for row_id, status, payload in rows:
            if row_id in seen:
                continue
            seen.add(row_id)
            payload = payload or {}
            if scrub(payload, traces) != payload:
                held.append(row_id)
            cleaned = (
                scrub(payload, traces)
                if status in UNSENT
                else {"key": payload.get("key"), "values": {}, "keys": {}, "buttons": [], "files": []}
            )
            if cleaned != payload:
                await session.execute(update(Notification).where(Notification.id == row_id).values(payload=cleaned))
    return held


async def edit_copies(session: AsyncSession, now: datetime, demand_ids: list[int], notice_ids: list[int]) -> int:
    """Messages already in others' chats that showed the person's data (services/copies.py): the notices that
    carried it (``notice_ids``) and the replies about their demands. Each is rewritten by an outbox row (kind
    ``edit``: the sender edits the message in place) to say its personal data was erased; a message deleted since
    just fails to edit. Returns how many."""
    conditions = [MessageCopy.demand_id.in_(demand_ids[i : i + CHUNK]) for i in range(0, len(demand_ids), CHUNK)]
    conditions += [MessageCopy.outbox_id.in_(notice_ids[i : i + CHUNK]) for i in range(0, len(notice_ids), CHUNK)]
    if not conditions:
        return 0
    copies = (
        await session.execute(
            select(MessageCopy.id, MessageCopy.chat_id, MessageCopy.message_id).where(or_(*conditions))
        )
    ).all()
    messages = {(chat_id, message_id) for _id, chat_id, message_id in copies}
    for chat_id, message_id in sorted(messages):
        session.add(
            Notification(
                chat_id=chat_id,
                kind="edit",
                dedupe_key=f"erased:{message_id}:{now:%Y%m%dT%H%M%S.%f}",  # once per erasure
                payload={
                    "key": "privacy.copy_erased",
                    "values": {},
                    "keys": {},
                    "buttons": [],
                    "files": [],
                    "edit": message_id,
                },
                not_before=now,
                urgent=True,
            )
        )
    doomed = [row[0] for row in copies]
    for start in range(0, len(doomed), CHUNK):
        await session.execute(delete(MessageCopy).where(MessageCopy.id.in_(doomed[start : start + CHUNK])))
    return len(messages)


async def scrub_notes(session: AsyncSession, traces: Traces, demand_ids: list[int]) -> None:
    """Status notes that name the person or quote them: on their own demands any note carrying their data, on
    others' a note carrying a distinctive string of theirs (a craftsman's name in "揭榜 吴师傅")."""
    history = DemandStatusHistory
    conditions = _mentions(history.note, traces.distinctive)
    conditions += [history.demand_id.in_(demand_ids[i : i + CHUNK]) for i in range(0, len(demand_ids), CHUNK)]
    if not conditions:
        return
    rows = (
        await session.execute(select(history.id, history.note).where(history.note.is_not(None), or_(*conditions)))
    ).all()
    doomed = [row_id for row_id, note in rows if traces.holds(note)]
    for start in range(0, len(doomed), CHUNK):
        await session.execute(update(history).where(history.id.in_(doomed[start : start + CHUNK])).values(note=None))


async def scrub_json_rows(session: AsyncSession, traces: Traces) -> None:
    """Others' conversation state quoting the person, and updates not handled yet that carry their data (the
    /delete_me press itself: Telegram sends the sender's name and handle with it). An unhandled update keeps its
    shape, so a restart can still handle it."""
    strings = traces.distinctive
    if strings:
        states = (
            await session.execute(
                select(BotState.namespace, BotState.key, BotState.value).where(or_(*_mentions(BotState.value, strings)))
            )
        ).all()
        for namespace, key, value in states:
            await session.execute(
                update(BotState)
                .where(BotState.namespace == namespace, BotState.key == key)
                .values(value=scrub(value, traces))
            )
    unfinished = (
        await session.execute(
            select(UpdateInbox.update_id, UpdateInbox.payload).where(
                UpdateInbox.done_at.is_(None), UpdateInbox.payload.is_not(None)
            )
        )
    ).all()
    for update_id, payload in unfinished:
        cleaned = scrub(payload, traces)
        if cleaned != payload:
            await session.execute(update(UpdateInbox).where(UpdateInbox.update_id == update_id).values(payload=cleaned))


async def replace_ids(session: AsyncSession, user_id: int, pseudonym: int) -> None:
    """The person's Telegram id where it names who did something (not a key of theirs): the pseudonym instead."""
    for column in (
        Match.proposed_by,
        Craftsman.reviewed_by,
        User.staff_granted_by,
        Broadcast.created_by,
        Competition.created_by,
        Course.created_by,
        Consultation.answered_by,
    ):
        await session.execute(update(column.class_).where(column == user_id).values({column.key: pseudonym}))
    await session.execute(
        update(Broadcast)
        .where(Broadcast.progress_chat_id == user_id)
        .values(progress_chat_id=None, progress_message_id=None)
    )


async def erase_consultations(session: AsyncSession, user_id: int, traces: Traces) -> int:
    """The person's questions to union staff, their answers to staff and staff's replies: their texts go (the copies elsewhere are found by
    ``traces``); topic and status stay for the figures, an open one is closed. Returns how many."""
    rows = (
        await session.execute(select(Consultation.id, Consultation.question).where(Consultation.user_id == user_id))
    ).all()
    traces.add(*[question for _id, question in rows])
    traces.keyed("consultation", [row[0] for row in rows])
    if rows:  # the thread too: the member's answers to staff, and staff's replies (which may repeat them)
        thread = ConsultationMessage.consultation_id.in_([row[0] for row in rows])
        said = await session.scalars(
            select(ConsultationMessage.text).where(thread, ConsultationMessage.from_staff.is_(False))
        )
        traces.add(*said.all())
        await session.execute(update(ConsultationMessage).where(thread).values(text=SCRUBBED))
        await session.execute(
            update(Consultation)
            .where(Consultation.user_id == user_id)
            .values(question=SCRUBBED, answer=None, region_code=None, user_id=None)
        )
        await session.execute(
            update(Consultation)
            .where(Consultation.id.in_([row[0] for row in rows]), Consultation.status == ConsultationStatus.OPEN)
            .values(status=ConsultationStatus.CLOSED)
        )
    return len(rows)


async def traces_of(
    session: AsyncSession,
    user: User | None,
    craftsman: Craftsman | None,
    demand_rows: Sequence[Any],
    enterprise_rows: Sequence[Any],
    comments: list[str | None],
    attachments: Sequence[Any],
) -> Traces:
    """The person's strings (names, handle, phones, texts, attachments) and the keys of the notices about them,
    read before anything is erased."""
    traces = Traces()
    if user is not None:
        traces.keyed("link", [user.id])  # members asked to confirm his link to their enterprise (link:<user>:<ent>)
        full = " ".join(filter(None, [user.first_name, user.last_name]))
        traces.add(user.first_name, user.last_name, full, user.username, f"@{user.username}" if user.username else None)
    for _id, text, contact_name, contact_phone, topic in demand_rows:
        traces.add(text, contact_name, contact_phone, topic)
    for contact_name, phone in enterprise_rows:
        traces.add(contact_name, phone)
    traces.add(*comments)
    for file_id, caption in attachments:
        traces.add(file_id, caption)
    demand_ids = [row[0] for row in demand_rows]
    traces.keyed("demand", demand_ids)
    traces.keyed("draft", demand_ids)
    match_filter: list[ColumnElement[bool]] = [Match.demand_id.in_(demand_ids)] if demand_ids else []
    if craftsman is not None:
        traces.add(craftsman.name, craftsman.phone, craftsman.workplace, *craftsman.specialities)
        traces.keyed("craftsman", [craftsman.id])
        match_filter.append(Match.craftsman_id == craftsman.id)
    if match_filter:
        match_ids = list((await session.scalars(select(Match.id).where(or_(*match_filter)))).all())
        traces.keyed("match", match_ids)
        if match_ids:
            traces.keyed(
                "appointment",
                (await session.scalars(select(Appointment.id).where(Appointment.match_id.in_(match_ids)))).all(),
            )
    return traces
