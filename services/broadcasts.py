"""Broadcasts (群发): a staffer's message to a filtered audience, delivered through the outbox.

Sending writes one outbox row per recipient, all in one transaction, each waiting for the end of that
recipient's quiet hours; the delivery engine (runtime/broadcasting.py) sends them at the configured rate. What
became of each recipient is the status of their row, so the progress, the report and the failures CSV are all
read from the outbox, and a restart resumes where the crash left off.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select, update

from db.database import Database
from db.models import Broadcast, BroadcastStatus, Notification, OutboxStatus, Role, User
from db.results import rowcount
from services import broadcast_cancel
from services.audience import Audience, Filters, batches
from services.audit import AuditLog
from services.clock import Clock
from services.local_time import show
from services.outbox import Notice, Outbox, TaskFlag
from services.spreadsheets import csv_bytes
from services.staff_scope import OUT_OF_REGION, own_region, require_event_region

# What Telegram delivers in one message: a text of 4,096 characters, a photo's or document's caption of 1,024.
MAX_TEXT, MAX_CAPTION = 4096, 1024

KIND = "broadcast"
_BODY = Notice("broadcast.body")  # rows carry no text: the sender reads the broadcast's content once


def broadcast_missing(draft: dict[str, Any]) -> list[str]:
    """What a half-made broadcast (the ``broadcast`` form draft) still needs, in the order it is asked: its audience
    chosen, then its message. The time is optional: asked only when 定时发送 is pressed."""
    return [name for name in ("audience", "content") if not draft.get(name)]


@dataclass(frozen=True)
class Content:
    text: str  # HTML
    file_kind: str | None = None  # photo, document
    file_id: str | None = None


@dataclass(frozen=True)
class Counts:
    total: int
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    waiting: int = 0  # pending or being sent
    withdrawn: int = 0  # cancelled before they went out
    interrupted: int = 0  # in flight at a crash: may have arrived twice

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.blocked

    @property
    def finished(self) -> bool:
        return self.waiting == 0


class Broadcasts:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        outbox: Outbox,
        audience: Audience,
        tz: ZoneInfo,
        paid: bool = False,
    ) -> None:
        self.db, self.clock, self.audit, self.outbox, self.audience, self.tz = db, clock, audit, outbox, audience, tz
        self.paid = paid
        self.written = TaskFlag("broadcast_written")  # this task wrote a broadcast since it last asked
        self._content: dict[int, Content] = {}

    async def scoped(self, actor: int, filters: Filters, action: str = "broadcast.region") -> Filters:
        """The audience ``actor`` reaches with ``filters``: a staffer with a region broadcasts to her region and
        below (no region chosen: her whole region); a region outside hers is Refused(OUT_OF_REGION), audited as
        ``action``; admins and staff without a region reach every region (services/staff_scope.py)."""
        own = await own_region(self.db, actor)
        if own is None:
            return filters
        if filters.region is None:
            return replace(filters, region=own)
        await require_event_region(
            self.db, self.audience.regions, self.audit, actor, filters.region, action, f"region:{filters.region}"
        )
        return filters

    async def choose_region(self, actor: int, role: Role | None, region_code: str) -> None:
        """The region step: Refused (not staff; OUT_OF_REGION, audited) for a region ``actor`` may not broadcast to."""
        await self.audit.require_staff(actor, role, "broadcast.region")
        await self.scoped(actor, Filters(region=region_code))

    async def count(self, actor: int, role: Role | None, filters: Filters) -> int:
        """The exact number of recipients ``filters`` cover now (the preview), within :meth:`scoped`."""
        await self.audit.require_staff(actor, role, "broadcast.preview")
        return await self.audience.count(await self.scoped(actor, filters, "broadcast.preview"))

    async def held(self, actor: int, role: Role | None, filters: Filters, at: datetime) -> int:
        """How many of the recipients ``filters`` cover are in their quiet hours at ``at``: their message waits until
        those end (:meth:`create`), which the preview says."""
        await self.audit.require_staff(actor, role, "broadcast.preview")
        recipients = await self.audience.filtered(await self.scoped(actor, filters, "broadcast.preview"))
        return sum(1 for r in recipients if r.quiet.release(at, self.tz) > at)

    async def create(
        self, actor: int, role: Role | None, filters: Filters, content: Content, send_at: datetime | None = None
    ) -> Broadcast:
        """Write the broadcast and owe it to every recipient now covered; return it."""
        await self.audit.require_staff(actor, role, "broadcast.send")
        filters = await self.scoped(actor, filters, "broadcast.send")
        now = self.clock.now()
        send_at = max(send_at or now, now)
        recipients = await self.audience.filtered(filters)
        async with self.db.session() as session:
            broadcast = Broadcast(
                created_by=actor,
                audience=filters.as_json(),
                text=content.text,
                file_kind=content.file_kind,
                file_id=content.file_id,
                paid=self.paid,
                status=BroadcastStatus.SCHEDULED if send_at > now else BroadcastStatus.SENDING,
                total=0,
                send_at=send_at,
                created_at=now,
            )
            session.add(broadcast)
        total = await self.outbox.put_batches(
            batches(recipients, send_at, self.tz), KIND, f"{KIND}:{broadcast.id}", _BODY, broadcast_id=broadcast.id
        )
        async with self.db.session() as session:
            await session.execute(update(Broadcast).where(Broadcast.id == broadcast.id).values(total=total))
        broadcast.total = total
        self.written.set()
        await self.audit.record(
            actor,
            "broadcast.send",
            f"broadcast:{broadcast.id}",
            recipients=total,
            audience=filters.as_json(),
            send_at=send_at.isoformat(),
        )
        return broadcast

    async def confine(self, broadcast: Broadcast) -> int:
        """At send time, the same rule as :meth:`scoped`: withdraw the rows still owed to recipients outside its
        author's region (a broadcast written before that rule, or before her region was set); return how many."""
        own = await own_region(self.db, broadcast.created_by)
        if own is None:
            return 0
        inside = select(User.id).where(User.region_code.in_(self.audience.regions.descendants(own)))
        async with self.db.session() as session:
            withdrawn = rowcount(
                await session.execute(
                    update(Notification)
                    .where(
                        Notification.broadcast_id == broadcast.id,
                        Notification.status == OutboxStatus.PENDING,
                        Notification.chat_id.not_in(inside),
                    )
                    .values(status=OutboxStatus.WITHDRAWN)
                )
            )
        if withdrawn:
            await self.audit.record(
                broadcast.created_by,
                "broadcast.confine",
                f"broadcast:{broadcast.id}",
                allowed=False,
                reason=OUT_OF_REGION.value,
                withdrawn=withdrawn,
            )
        return withdrawn or 0

    async def get(self, broadcast_id: int) -> Broadcast | None:
        async with self.db.session() as session:
            return await session.get(Broadcast, broadcast_id)

    async def content(self, broadcast_id: int) -> Content:
        """What every recipient of ``broadcast_id`` gets (read once, then kept)."""
        if broadcast_id not in self._content:
            broadcast = await self.get(broadcast_id)
            assert broadcast is not None  # asked for by the sender, which holds rows of it
            self._content[broadcast_id] = Content(broadcast.text, broadcast.file_kind, broadcast.file_id)
        return self._content[broadcast_id]

    async def watch(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        """The message whose text shows the live progress."""
        async with self.db.session() as session:
            await session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id)
                .values(progress_chat_id=chat_id, progress_message_id=message_id)
            )

    async def due(self) -> list[Broadcast]:
        """Open broadcasts whose send time has come (scheduled ones become sending), oldest first."""
        now = self.clock.now()
        async with self.db.session() as session:
            await session.execute(
                update(Broadcast)
                .where(Broadcast.status == BroadcastStatus.SCHEDULED, Broadcast.send_at <= now)
                .values(status=BroadcastStatus.SENDING)
            )
            rows = await session.scalars(
                select(Broadcast).where(Broadcast.status == BroadcastStatus.SENDING).order_by(Broadcast.id)
            )
            return list(rows.all())

    async def counts(self, broadcast_id: int) -> Counts:
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(
                        Notification.status,
                        func.count(),
                        func.sum(case((Notification.interrupted.is_(True), 1), else_=0)),
                    )
                    .where(Notification.broadcast_id == broadcast_id)
                    .group_by(Notification.status)
                )
            ).all()
        by = {status: (n, interrupted or 0) for status, n, interrupted in rows}

        def get(*statuses: OutboxStatus) -> int:
            return sum(by.get(s, (0, 0))[0] for s in statuses)

        return Counts(
            total=sum(n for n, _ in by.values()),
            sent=get(OutboxStatus.SENT),
            failed=get(OutboxStatus.FAILED, OutboxStatus.EXPIRED),
            blocked=get(OutboxStatus.BLOCKED),
            waiting=get(OutboxStatus.PENDING, OutboxStatus.SENDING),
            withdrawn=get(OutboxStatus.WITHDRAWN),
            interrupted=sum(i for _, i in by.values()),
        )

    async def finish(self, broadcast_id: int) -> bool:
        """Mark a sending broadcast done once no row waits; True the one time it happens (the report is due)."""
        if not (await self.counts(broadcast_id)).finished:
            return False
        async with self.db.session() as session:
            result = await session.execute(
                update(Broadcast)
                .where(Broadcast.id == broadcast_id, Broadcast.status == BroadcastStatus.SENDING)
                .values(status=BroadcastStatus.DONE, finished_at=self.clock.now())
            )
            return bool(rowcount(result))

    async def cancel(self, actor: int, role: Role | None, broadcast_id: int) -> tuple[Broadcast | None, int]:
        """Stop broadcast ``broadcast_id`` (services/broadcast_cancel.py: who may, and telling its author)."""
        return await broadcast_cancel.cancel(self, actor, role, broadcast_id)

    async def cancellable(self, actor: int, role: Role | None) -> list[Broadcast]:
        """The open broadcasts ``actor`` may stop, newest first."""
        return await broadcast_cancel.cancellable(self, actor, role)

    async def interrupted(self, broadcast_id: int, limit: int = 100) -> list[int]:
        """Recipients whose message was in flight at a crash (it may have arrived twice)."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(Notification.chat_id)
                .where(Notification.broadcast_id == broadcast_id, Notification.interrupted.is_(True))
                .order_by(Notification.chat_id)
                .limit(limit)
            )
            return list(rows.all())

    async def failures_csv(self, actor: int, role: Role | None, broadcast_id: int, headers: list[str]) -> bytes:
        """The recipients it did not reach (failed, blocked, expired) and those in flight at a crash, as CSV
        (UTF-8 with a BOM, so Excel reads the Chinese; names that look like formulas are written as text)."""
        await self.audit.require_staff(actor, role, "broadcast.failures", f"broadcast:{broadcast_id}")
        await self.audit.record(actor, "broadcast.failures", f"broadcast:{broadcast_id}")
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(
                        Notification.chat_id,
                        User.first_name,
                        User.username,
                        Notification.status,
                        Notification.interrupted,
                        Notification.attempts,
                        Notification.last_error,
                        Notification.sent_at,
                    )
                    .outerjoin(User, User.id == Notification.chat_id)
                    .where(
                        Notification.broadcast_id == broadcast_id,
                        (
                            Notification.status.in_((OutboxStatus.FAILED, OutboxStatus.BLOCKED, OutboxStatus.EXPIRED))
                            | Notification.interrupted.is_(True)
                        ),
                    )
                    .order_by(Notification.chat_id)
                )
            ).all()
        return csv_bytes(
            headers,
            (
                [
                    chat_id,
                    name or "",
                    f"@{username}" if username else "",
                    status.value,
                    "1" if interrupted else "0",
                    attempts,
                    error or "",
                    show(sent_at, self.tz) if sent_at else "",
                ]
                for chat_id, name, username, status, interrupted, attempts, error, sent_at in rows
            ),
        )
