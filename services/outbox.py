"""The outbox: services never talk to Telegram; they write what the bot owes a chat here, and the sender
(runtime/sender.py) delivers it. A message is stored as a catalogue key plus values, rendered in the
recipient's language when it is sent. ``dedupe_key`` makes writing the same notice twice a no-op."""

from __future__ import annotations

import enum
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, false, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from buttons import Action
from db.database import Database
from db.models import MessageCopy, Notification, OutboxStatus
from db.results import rowcount
from i18n import fill
from nlp.industry import catalogue
from services.clock import Clock

if TYPE_CHECKING:
    from services.regions import RegionDirectory

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
CHUNK = 5000  # rows per executemany call (SQLAlchemy splits them into statements within the bind limits)


class Outcome(str, enum.Enum):
    SENT = "sent"
    BLOCKED = "blocked"  # 403: the user blocked the bot
    FAILED = "failed"  # Telegram will never take it (400: chat not found, message too long …)
    RETRY = "retry"  # timeout, 5xx: try again later, a bounded number of times
    DEFER = "defer"  # 429: Telegram asked to wait; not a failed try


@dataclass(frozen=True, slots=True)
class Attempt:
    row_id: int
    outcome: Outcome
    error: str | None = None
    retry_at: datetime | None = None
    copy: tuple[int, int] | None = None  # a delivered notice's (chat, message): kept so that an erasure can edit it


@dataclass(frozen=True)
class Button:
    """An inline button: its label is a catalogue key (with values), its action what a press asks for (buttons/);
    stored as the action's callback data, the format the sender and every row already written use."""

    key: str
    action: Action
    values: dict[str, Any] | None = None

    @property
    def data(self) -> str:
        return self.action.data()

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "data": self.data, "values": self.values or {}}


@dataclass(frozen=True)
class Notice:
    """One message to write: ``key`` and ``values`` for the text (shown as they are: what people typed is never
    converted); ``keys`` are values that are catalogue keys themselves (a status, a kind); ``labels`` are official
    data texts (region, industry, team names) shown in the recipient's script; ``amounts`` are sums of money;
    ``places`` and ``industries`` name official data by code, so that each recipient reads its name in their own
    language (English with the Chinese beside it: :func:`official_names`)."""

    key: str
    values: dict[str, Any] | None = None
    keys: dict[str, str] | None = None
    buttons: list[list[Button]] | None = None
    files: list[dict[str, str]] | None = None  # {"kind": photo|document, "file_id": …, "caption": …}
    labels: dict[str, str] | None = None
    amounts: dict[str, str] | None = None  # yuan as decimal strings, written in the recipient's way (i18n.money)
    places: dict[str, str] | None = None  # GB/T 2260 region codes, named in the recipient's language
    industries: dict[str, str] | None = None  # GB/T 4754 division codes or section letters, likewise
    timing: dict[str, str] | None = None  # a reminder's: worded afresh when late (services/reminders_wording.py)

    def payload(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "values": self.values or {},
            "keys": self.keys or {},
            "labels": self.labels or {},
            "amounts": self.amounts or {},
            "places": self.places or {},
            "industries": self.industries or {},
            "buttons": [[b.as_json() for b in row] for row in self.buttons or []],
            "files": self.files or [],
            **({"timing": self.timing} if self.timing else {}),
        }


def notice_text(payload: dict[str, Any], lang: str, regions: RegionDirectory | None = None) -> str:
    """A notice's text (see :class:`Notice`) for a reader of ``lang``."""
    values = {**payload.get("values", {}), **official_names(payload, lang, regions)}  # names already in ``lang``
    return fill(payload["key"], lang, values, payload.get("keys"), payload.get("labels"), payload.get("amounts"))


def official_names(payload: dict[str, Any], lang: str, regions: RegionDirectory | None) -> dict[str, str]:
    """The region and industry names a notice refers to by code, for a reader of ``lang``."""
    table = catalogue()
    names = {k: table.label_in(code, lang) for k, code in payload.get("industries", {}).items()}
    if regions is not None:
        names.update({k: regions.full_name(code, lang) or "" for k, code in payload.get("places", {}).items()})
    return names


class TaskFlag:
    """Set by what a task did, taken by the same task: the update's runtime asks, after its unit of work committed,
    whether this update wrote something to send (another update's uncommitted rows are not its business)."""

    def __init__(self, name: str) -> None:
        self._var: ContextVar[bool] = ContextVar(name, default=False)

    def set(self) -> None:
        self._var.set(True)

    def take(self) -> bool:
        value = self._var.get()
        if value:
            self._var.set(False)
        return value


class Outbox:
    def __init__(self, db: Database, clock: Clock, owner: int = 0) -> None:
        self.db, self.clock = db, clock
        self.owner = owner  # this process's id (runtime/presence.py), written on the rows it claims
        self.dirty = TaskFlag("outbox_written")  # this task wrote a notice since it last asked

    async def put(
        self,
        chat_ids: list[int],
        kind: str,
        dedupe_key: str,
        notice: Notice,
        not_before: datetime | None = None,
        urgent: bool = False,
    ) -> int:
        """Owe ``notice`` to each chat once; return how many rows were new."""
        return await self.put_batches([(chat_ids, not_before)], kind, dedupe_key, notice, urgent=urgent)

    async def put_batches(
        self,
        batches: Sequence[tuple[list[int], datetime | None]],
        kind: str,
        dedupe_key: str,
        notice: Notice,
        *,
        urgent: bool = False,
        late: bool = False,
        expires_at: datetime | None = None,
        status: OutboxStatus = OutboxStatus.PENDING,
        broadcast_id: int | None = None,
    ) -> int:
        """Owe ``notice`` once to each chat of each (chats, not before) batch, all in one transaction (so a crash
        writes it to everyone or no one); return how many rows were new."""
        now, payload = self.clock.now(), notice.payload()
        rows, seen = [], set()
        for chat_ids, not_before in batches:
            for chat_id in chat_ids:
                if chat_id not in seen:
                    seen.add(chat_id)
                    rows.append(
                        {
                            "chat_id": chat_id,
                            "kind": kind,
                            "dedupe_key": dedupe_key,
                            "payload": payload,
                            "not_before": not_before or now,
                            "urgent": urgent,
                            "late": late,
                            "expires_at": expires_at,
                            "status": status.value,
                            "attempts": 0,
                            "broadcast_id": broadcast_id,
                            "created_at": now,
                        }
                    )
        if not rows:
            return 0
        new = 0
        insert = pg_insert if self.db.dialect == "postgresql" else sqlite_insert
        statement = (
            insert(Notification)
            .on_conflict_do_nothing(index_elements=["dedupe_key", "chat_id"])
            .returning(Notification.id)
        )
        async with self.db.session() as session:
            for start in range(0, len(rows), CHUNK):  # executemany, batched by SQLAlchemy's insertmanyvalues
                new += len((await session.execute(statement, rows[start : start + CHUNK])).all())
        self.dirty.set()
        return new

    async def written(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` have been written for anyone."""
        found: set[str] = set()
        async with self.db.session() as session:
            for start in range(0, len(keys), CHUNK):
                rows = await session.scalars(
                    select(Notification.dedupe_key)
                    .distinct()
                    .where(Notification.dedupe_key.in_(keys[start : start + CHUNK]))
                )
                found.update(rows.all())
        return found

    async def withdraw(self, prefix: str, keep: list[str] | None = None, kind: str = "reminder") -> int:
        """Withdraw the pending ``kind`` rows whose key starts with ``prefix`` (one event's reminders), except
        those whose key is in ``keep``; return how many."""
        query = (
            update(Notification)
            .where(
                Notification.status == OutboxStatus.PENDING,
                Notification.kind == kind,
                Notification.dedupe_key.startswith(prefix, autoescape=True),
            )
            .values(status=OutboxStatus.WITHDRAWN)
        )
        if keep:
            query = query.where(Notification.dedupe_key.not_in(keep))
        async with self.db.session() as session:
            return rowcount(await session.execute(query)) or 0

    async def delivered(self, prefix: str, chat_id: int) -> bool:
        """Whether a notice to ``chat_id`` whose key starts with ``prefix`` reached Telegram (SENT), or is being
        sent now (SENDING: too late to withdraw, it goes out)."""
        async with self.db.session() as session:
            found = await session.scalar(
                select(Notification.id)
                .where(
                    Notification.chat_id == chat_id,
                    Notification.dedupe_key.startswith(prefix, autoescape=True),
                    Notification.status.in_((OutboxStatus.SENT, OutboxStatus.SENDING)),
                )
                .limit(1)
            )
        return found is not None

    async def due(self, limit: int = 100, *, broadcast_id: int | None = None) -> list[Notification]:
        """Pending rows whose time has come, oldest first, claimed as SENDING: the notices (every kind but
        broadcasts), or one broadcast's rows."""
        async with self.db.session() as session:
            query = (
                select(Notification)
                .where(Notification.status == OutboxStatus.PENDING, Notification.not_before <= self.clock.now())
                .order_by(Notification.id)
                .limit(limit)
            )
            query = query.where(
                Notification.broadcast_id.is_(None)
                if broadcast_id is None
                else Notification.broadcast_id == broadcast_id
            )
            if self.db.dialect == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows, now = list((await session.scalars(query)).all()), self.clock.now()
            for row in rows:
                row.status, row.claimed_by = OutboxStatus.SENDING, self.owner
                if row.expires_at is not None and row.expires_at <= now:  # e.g. the session has begun
                    row.status = OutboxStatus.EXPIRED
                    log.info("outbox row expired unsent", extra={"chat_id": row.chat_id, "key": row.dedupe_key})
            return [row for row in rows if row.status is OutboxStatus.SENDING]

    async def record(self, results: list[Attempt]) -> None:
        """Write what became of each claimed row, in a few statements: SENT and BLOCKED end it; FAILED too (a
        request Telegram will never take); RETRY puts it back until ``retry_at`` (FAILED after MAX_ATTEMPTS
        tries); DEFER puts it back without counting a try (Telegram asked to wait: 429)."""
        if not results:
            return
        now = self.clock.now()
        groups: dict[tuple[Outcome, str | None, datetime | None], list[int]] = {}
        for attempt in results:
            groups.setdefault((attempt.outcome, attempt.error, attempt.retry_at), []).append(attempt.row_id)
        async with self.db.session() as session:
            for (outcome, error, retry_at), ids in groups.items():
                values: dict[str, Any] = {"last_error": error} if error else {}  # a success keeps the last error
                if outcome is Outcome.DEFER:
                    values.update(status=OutboxStatus.PENDING, not_before=retry_at or now)
                else:
                    values["attempts"] = Notification.attempts + 1
                    if outcome is Outcome.SENT:
                        values.update(status=OutboxStatus.SENT, sent_at=now)
                    elif outcome is Outcome.RETRY:
                        values.update(
                            status=case(
                                (Notification.attempts + 1 >= MAX_ATTEMPTS, OutboxStatus.FAILED.value),
                                else_=OutboxStatus.PENDING.value,
                            ),
                            not_before=retry_at or now,
                        )
                    else:
                        values["status"] = OutboxStatus(outcome.value)
                for start in range(0, len(ids), CHUNK):
                    await session.execute(
                        update(Notification)
                        .where(Notification.id.in_(ids[start : start + CHUNK]))
                        .values(**values)
                        .execution_options(synchronize_session=False)
                    )
            session.add_all(  # services/copies.py: erasing someone edits the notices that carried their data
                MessageCopy(chat_id=a.copy[0], message_id=a.copy[1], outbox_id=a.row_id)
                for a in results
                if a.outcome is Outcome.SENT and a.copy is not None
            )

    async def release_stuck(self, alive: Callable[[int], Awaitable[bool]]) -> int:
        """Rows left SENDING by a process that died (``alive(claimed_by)`` is False) go back to PENDING. Telegram
        may have taken them before the crash, so they are marked ``interrupted`` (the in-flight window: they may
        arrive twice); a broadcast's report names them."""
        async with self.db.session() as session:
            owners = set(
                (
                    await session.scalars(
                        select(Notification.claimed_by).distinct().where(Notification.status == OutboxStatus.SENDING)
                    )
                ).all()
            )
        dead = [owner for owner in owners if owner is None or not await alive(owner)]
        if not dead:
            return 0
        claimed = or_(
            Notification.claimed_by.in_([o for o in dead if o is not None]),
            Notification.claimed_by.is_(None) if None in dead else false(),
        )
        async with self.db.session() as session:
            stuck = and_(Notification.status == OutboxStatus.SENDING, claimed)
            result = await session.execute(
                update(Notification).where(stuck).values(status=OutboxStatus.PENDING, claimed_by=None, interrupted=True)
            )
            return rowcount(result) or 0

    async def sent_to(self, chat_id: int) -> list[Notification]:
        async with self.db.session() as session:
            return list(
                (
                    await session.scalars(
                        select(Notification).where(Notification.chat_id == chat_id).order_by(Notification.id)
                    )
                ).all()
            )
