"""What the services of 技能竞赛 (services/competitions.py) and 职工夜校 (services/courses.py) share: the same
collaborators, the checks of a name and texts, the stamps of a row staff publish, cancelling a published row under
its lock, and telling subscribers a notice once (the outbox key). Each service declares only what differs: its
table, its rules, and what else a cancellation changes and tells."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import Competition, Course, EventStatus, Role
from services.audience import Audience, Recipient, batches
from services.audit import AuditLog
from services.clock import Clock
from services.outbox import Notice, Outbox
from services.regions import RegionDirectory
from services.reminders import Reminders
from services.staff_scope import covered, require_event_region, within
from services.validation import Invalid

E = TypeVar("E", Competition, Course)


def published_stamps(actor: int, at: datetime) -> dict[str, Any]:
    """The columns of a competition or course published by ``actor`` at ``at`` (the demo writes the same)."""
    return {
        "status": EventStatus.PUBLISHED,
        "created_by": actor,
        "published_at": at,
        "created_at": at,
        "updated_at": at,
    }


def check_texts(kind: str, values: dict[str, Any], limits: dict[str, int]) -> None:
    """A name, and no text past its limit; raises Invalid naming the first broken (``<kind>.need_name``)."""
    if not values.get("name"):
        raise Invalid(f"{kind}.need_name")
    for name, limit in limits.items():
        if values.get(name) and len(values[name]) > limit:
            raise Invalid("input.too_long", max=limit, length=len(values[name]))


@dataclass(eq=False)
class EventService(Generic[E]):
    """The base of Competitions and Courses: their collaborators (a subclass adds only its own settings)."""

    model: ClassVar[type[Any]]  # the table: Competition or Course (E; a ClassVar cannot name a type variable)
    kind: ClassVar[str]  # "competition" or "course": its audit actions and targets
    db: Database
    clock: Clock
    audit: AuditLog
    outbox: Outbox
    audience: Audience
    reminders: Reminders
    regions: RegionDirectory
    tz: ZoneInfo

    async def get(self, event_id: int) -> E | None:
        async with self.db.session() as session:
            row: E | None = await session.get(self.model, event_id)
            return row

    async def require_region(self, actor: int, action: str, target: str | None, region_code: str | None) -> None:
        """Refused(OUT_OF_REGION), audited, unless ``actor`` works where an event of ``region_code`` is published
        (a nationwide one, None: admins and staff without a region only; services/staff_scope.py)."""
        await require_event_region(self.db, self.regions, self.audit, actor, region_code, action, target)

    async def may_change(self, actor: int, role: Role | None, event_id: int, action: str) -> None:
        """Refused, audited as ``action``, unless ``actor`` may change or cancel event ``event_id``: not staff, or
        (OUT_OF_REGION) a staffer of another region. Asked at the press of 管理/取消/改期, before any question."""
        target = f"{self.kind}:{event_id}"
        await self.audit.require_staff(actor, role, action, target)
        found = await self.get(event_id)
        if found is not None:
            await self.require_region(actor, action, target, found.region_code)

    async def changeable(self, actor: int, rows: Sequence[E]) -> set[int]:
        """The ids of ``rows`` that ``actor`` may change or cancel (where their ⚙️ 管理 is shown)."""
        async with self.db.session() as session:
            scope = await covered(session, self.regions, actor)
        return {row.id for row in rows if within(scope, row.region_code)}

    async def cancel(self, actor: int, role: Role | None, event_id: int) -> E | None:
        """Cancel a published competition or course: its reminders are withdrawn and its subscribers told once.
        None when it was not published (cancelled already, over, or never existed); Refused(OUT_OF_REGION),
        audited, for a staffer of another region."""
        target = f"{self.kind}:{event_id}"
        await self.may_change(actor, role, event_id, f"{self.kind}.cancel")
        now = self.clock.now()
        async with self.db.session() as session:
            row: E | None = await session.get(self.model, event_id, with_for_update=True)
            if row is None or row.status is not EventStatus.PUBLISHED:
                return None
            row.status, row.revision, row.updated_at = EventStatus.CANCELLED, row.revision + 1, now
            reminded = await self._cancelling(session, row, now)
            await session.flush()
        await self.audit.record(actor, f"{self.kind}.cancel", target)
        await self.reminders.refresh(reminded)
        await self._tell_cancelled(row)
        return row

    async def _cancelling(self, session: AsyncSession, row: E, now: datetime) -> list[str]:
        """What else a cancellation changes in the row's transaction; returns the reminder targets to refresh."""
        raise NotImplementedError

    async def _tell_cancelled(self, row: E) -> None:
        raise NotImplementedError

    async def _notify(self, recipients: Sequence[Recipient], key: str, notice: Notice) -> None:
        """Put ``notice`` to each recipient once under ``key``, in the quiet-hours batches."""
        await self.outbox.put_batches(batches(list(recipients), self.clock.now(), self.tz), "notice", key, notice)
