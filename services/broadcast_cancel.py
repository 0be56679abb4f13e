"""Who may stop a broadcast (群发) before it has all gone out, and the stopping itself: its author, an admin, or a
staffer whose region covers the broadcast's audience region (services/staff_scope.py; an audience of every region
is covered by staff without a region only). Anyone else is Refused(OUT_OF_REGION), audited. When someone other
than the author stops it, the author is told who did and how many messages were withdrawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Broadcast, BroadcastStatus, Notification, OutboxStatus, Role, User
from db.results import rowcount
from services.audience import Filters
from services.outbox import Notice
from services.results import Refused
from services.staff_scope import OUT_OF_REGION, covered, within

if TYPE_CHECKING:
    from services.broadcasts import Broadcasts

OPEN = (BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING)


async def may_cancel(session: AsyncSession, broadcasts: Broadcasts, actor: int, broadcast: Broadcast) -> bool:
    """The rule (staff only; the caller has checked the role): the author, or one whose region covers the audience's."""
    if broadcast.created_by == actor:
        return True
    scope = await covered(session, broadcasts.audience.regions, actor)
    return within(scope, Filters.from_json(broadcast.audience).region)


async def cancellable(broadcasts: Broadcasts, actor: int, role: Role | None) -> list[Broadcast]:
    """The open broadcasts (running or scheduled) ``actor`` may stop, newest first."""
    await broadcasts.audit.require_staff(actor, role, "broadcast.cancel")
    async with broadcasts.db.session() as session:
        rows = await session.scalars(
            select(Broadcast).where(Broadcast.status.in_(OPEN)).order_by(Broadcast.id.desc()).limit(50)
        )
        return [b for b in rows.all() if await may_cancel(session, broadcasts, actor, b)]


async def cancel(
    broadcasts: Broadcasts, actor: int, role: Role | None, broadcast_id: int
) -> tuple[Broadcast | None, int]:
    """Stop broadcast ``broadcast_id`` if it is open: withdraw every row not sent yet; (None, 0) when there is no
    open one of that number. Refused(OUT_OF_REGION), audited, for a staffer it is not for (:func:`may_cancel`)."""
    target = f"broadcast:{broadcast_id}"
    await broadcasts.audit.require_staff(actor, role, "broadcast.cancel", target)
    async with broadcasts.db.session() as session:
        broadcast = await session.scalar(
            select(Broadcast).where(Broadcast.status.in_(OPEN), Broadcast.id == broadcast_id).with_for_update()
        )
        if broadcast is None:
            return None, 0
        allowed = await may_cancel(session, broadcasts, actor, broadcast)
        if allowed:
            broadcast.status = BroadcastStatus.CANCELLED
            broadcast.finished_at = broadcasts.clock.now()
            withdrawn = (
                rowcount(
                    await session.execute(
                        update(Notification)
                        .where(Notification.broadcast_id == broadcast.id, Notification.status == OutboxStatus.PENDING)
                        .values(status=OutboxStatus.WITHDRAWN)
                    )
                )
                or 0
            )
            name = await session.scalar(select(User.first_name).where(User.id == actor))
    if not allowed:
        await broadcasts.audit.record(actor, "broadcast.cancel", target, allowed=False, reason=OUT_OF_REGION.value)
        raise Refused(OUT_OF_REGION, id=broadcast_id)
    await broadcasts.audit.record(actor, "broadcast.cancel", target, withdrawn=withdrawn)
    if broadcast.created_by != actor:
        await broadcasts.outbox.put(
            [broadcast.created_by],
            "notice",
            f"{target}:cancelled_by:{actor}",
            Notice(
                "broadcast.cancelled_by_other", {"id": broadcast.id, "name": name or str(actor), "withdrawn": withdrawn}
            ),
            urgent=True,
        )
    return broadcast, withdrawn
