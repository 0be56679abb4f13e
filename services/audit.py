"""The audit log: who did (or was refused) what."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Text, cast, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import AuditEntry, Role
from services.clock import Clock
from services.results import Reason, Refused

log = logging.getLogger(__name__)
STAFF_ROLES = frozenset({Role.ADMIN, Role.STAFF})


def staff_role(role: Role | None) -> bool:
    """The rule of who is staff: staff or admin, ``role`` read from the database (never from callback data)."""
    return role in STAFF_ROLES


class NotStaff(Refused):
    """Refused(NOT_STAFF): a staff-only action asked for by someone who is not staff (already audited)."""

    def __init__(self, action: str) -> None:
        super().__init__(Reason.NOT_STAFF, action=action)


class AuditLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def record(
        self, actor: int | None, action: str, target: str | None = None, *, allowed: bool = True, **details: Any
    ) -> None:
        if not allowed:
            log.warning("refused", extra={"user_id": actor, "action": action, "target": target})
        async with self.db.session() as session:
            session.add(
                AuditEntry(
                    actor_user_id=actor,
                    action=action,
                    target=target,
                    allowed=allowed,
                    details=details or None,
                    at=self.clock.now(),
                )
            )

    async def require_staff(self, actor: int | None, role: Role | None, action: str, target: str | None = None) -> None:
        """Raise NotStaff (and log the refusal) unless ``role`` — read from the database — is staff or admin."""
        if not staff_role(role):
            await self.record(actor, action, target, allowed=False)
            raise NotStaff(action)

    async def pseudonymise(self, session: AsyncSession, user_id: int) -> int:
        """Within the erasure's transaction: record that an erasure happened, and put a pseudonym in place of
        ``user_id`` wherever the log names them (actor, ``user:<id>`` targets, ids in details). The pseudonym is
        the negative id of that record: one per person, so what they did still counts together, and it says
        nothing of the Telegram id. Returns it."""
        entry = AuditEntry(actor_user_id=None, action="privacy.erased", allowed=True, at=self.clock.now())
        session.add(entry)
        await session.flush()
        pseudonym = -entry.id
        entry.target = f"user:{pseudonym}"
        await session.execute(
            update(AuditEntry).where(AuditEntry.actor_user_id == user_id).values(actor_user_id=pseudonym)
        )
        await session.execute(
            update(AuditEntry).where(AuditEntry.target == f"user:{user_id}").values(target=f"user:{pseudonym}")
        )
        named = (
            await session.execute(
                select(AuditEntry.id, AuditEntry.details).where(cast(AuditEntry.details, Text).contains(str(user_id)))
            )
        ).all()
        for entry_id, details in named:
            await session.execute(
                update(AuditEntry)
                .where(AuditEntry.id == entry_id)
                .values(details=_replace_id(details, user_id, pseudonym))
            )
        return pseudonym

    async def latest(self, limit: int = 20, actor: int | None = None) -> list[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if actor is not None:
            query = query.where(AuditEntry.actor_user_id == actor)
        async with self.db.session() as session:
            return list((await session.scalars(query)).all())


def _replace_id(value: Any, user_id: int, pseudonym: int) -> Any:
    if isinstance(value, dict):
        return {k: _replace_id(v, user_id, pseudonym) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_id(v, user_id, pseudonym) for v in value]
    if value == user_id and isinstance(value, int) and not isinstance(value, bool):
        return pseudonym
    if isinstance(value, str) and value in (str(user_id), f"user:{user_id}"):
        return value.replace(str(user_id), str(pseudonym))
    return value
