"""The audit log: who did (or was refused) what."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from db.models import AuditEntry, Role
from services.clock import Clock
from services.database import Database

log = logging.getLogger(__name__)
STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF})


class NotStaff(Exception):
    """A staff-only action asked for by someone who is not staff (already audited)."""


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def record(self, actor: int | None, action: str, target: str | None = None, *, allowed: bool = True,
                     **details: Any) -> None:
        if not allowed:
            log.warning("refused", extra={"user_id": actor, "action": action, "target": target})
        async with self.db.session() as session:
            session.add(AuditEntry(actor_user_id=actor, action=action, target=target, allowed=allowed,
                                   details=details or None, at=self.clock.now()))

    async def require_staff(self, actor: int | None, role: Role | None, action: str, target: str | None = None) -> None:
        """Raise NotStaff (and log the refusal) unless ``role`` — read from the database — is staff or admin."""
        if role not in STAFF_ROLES:
            await self.record(actor, action, target, allowed=False)
            raise NotStaff(action)

    async def latest(self, limit: int = 20, actor: int | None = None) -> list[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if actor is not None:
            query = query.where(AuditEntry.actor_user_id == actor)
        async with self.db.session() as session:
            return list((await session.scalars(query)).all())
