"""Where a staffer's work lies: a staffer with a region (``users.region_code``, a GB/T 2260 code) works on the
demands of enterprises in that region or below it — a city staffer on the city's, a province staffer on the whole
province's; a staffer without a region (provincial or federation level) on every region's. A demand keeps its
enterprise's region (``demands.region_code``, copied at submission); one without a region is for staff without a
region only. Admins (ADMIN_IDS) run the whole programme: they work on every region's, whatever their own. The same
rule serves /queue, a queue item, a demand opened by id, 清单匹配, an offer, an escalation, confirming a 揭榜
volunteer, members' questions, /export, the region a course or competition is published for, and the staff notices
about a demand or a member (:class:`StaffChats`)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import Consultation, Demand, Role, User
from services.audit import AuditLog
from services.regions import RegionDirectory
from services.results import Reason, Refused
from services.service_record import Stop
from services.users import Users

OUT_OF_REGION = Reason.OUT_OF_REGION


async def work_region(session: AsyncSession, actor: int) -> str | None:
    """The region ``actor`` works on (and below it), or None for every region: staff without a region, admins."""
    row = (await session.execute(select(User.role, User.region_code).where(User.id == actor))).first()
    return None if row is None or row.role is Role.ADMIN else row.region_code


async def own_region(db: Database, actor: int) -> str | None:
    """:func:`work_region` in a session of its own."""
    async with db.session() as session:
        return await work_region(session, actor)


async def covered(session: AsyncSession, regions: RegionDirectory, actor: int) -> frozenset[str] | None:
    """The region codes ``actor`` works on (their region and every region under it), or None for all of them."""
    region = await work_region(session, actor)
    return None if region is None else frozenset(regions.descendants(region))


async def require_event_region(
    db: Database,
    regions: RegionDirectory,
    audit: AuditLog,
    actor: int,
    region_code: str | None,
    action: str,
    target: str | None = None,
) -> None:
    """Refused(OUT_OF_REGION), audited as ``action`` on ``target``, unless ``actor`` may publish, change or cancel
    a course or competition for ``region_code`` (None: every region): a staffer with a region for it or a region
    under it; staff without one and admins for any."""
    own = await own_region(db, actor)
    if own is not None and region_code not in regions.descendants(own):
        await audit.record(actor, action, target, allowed=False, reason=OUT_OF_REGION.value)
        raise Refused(OUT_OF_REGION)


async def in_scope(db: Database, regions: RegionDirectory, actor: int, region_code: str | None) -> bool:
    """Whether a demand of ``region_code`` lies where ``actor`` works (a session of its own)."""
    async with db.session() as session:
        return within(await covered(session, regions, actor), region_code)


def within(scope: frozenset[str] | None, region_code: str | None) -> bool:
    """Whether a demand of ``region_code`` lies in ``scope`` (from :func:`covered`)."""
    return scope is None or region_code in scope


def members_within(scope: frozenset[str] | None) -> ColumnElement[bool]:
    """The members' questions (consultations) in ``scope``: of a member in its regions, or of a member who gave no
    region. Unlike a demand without a region (for region-less staff only), a member's question without one is seen
    by every staffer: a union owes each member an answer, it is about rules that hold everywhere (dues, welfare,
    wages), and a city union must not leave it waiting for a federation level that may not use the bot."""
    if scope is None:
        return true()
    return or_(Consultation.region_code.in_(sorted(scope)), Consultation.region_code.is_(None))


async def question_in_scope(db: Database, regions: RegionDirectory, actor: int, consultation_id: int) -> bool:
    """Whether ``actor`` works on consultation ``consultation_id`` (True for one that does not exist: the caller
    answers that as it always has)."""
    async with db.session() as session:
        scope = await covered(session, regions, actor)
        if scope is None:
            return True
        region_code = await session.scalar(select(Consultation.region_code).where(Consultation.id == consultation_id))
    return region_code is None or region_code in scope


async def refuse_out_of_region(audit: AuditLog, actor: int, action: str, demand_id: int) -> None:
    """Write the audited refusal of someone else's region's demand."""
    await audit.record(actor, action, f"demand:{demand_id}", allowed=False, reason=OUT_OF_REGION.value)


async def require_in_scope(session: AsyncSession, regions: RegionDirectory, actor: int, demand: Demand) -> None:
    """Inside a session: Stop(OUT_OF_REGION) on ``demand:<id>`` when ``demand`` lies outside where ``actor``
    works; the caller audits it once the session is closed (``Stop.audit``) and raises it on."""
    if not within(await covered(session, regions, actor), demand.region_code):
        raise Stop(OUT_OF_REGION, f"demand:{demand.id}")


class StaffChats:
    """Where staff notices go: the staff group when configured (one shared chat: every notice), else staffers'
    private chats. ``await staff()`` is every staffer (a notice about no place: a quarantined update); :meth:`covering` and :meth:`for_demand` are the staff whose work a region's matter is."""

    def __init__(self, users: Users, staff_chat_id: int | None, regions: RegionDirectory | None = None) -> None:
        self.users, self.staff_chat_id, self.regions = users, staff_chat_id, regions or RegionDirectory([])

    async def __call__(self) -> list[int]:
        if self.staff_chat_id:
            return [self.staff_chat_id]
        return [user_id for user_id, _ in await self.users.staff_roles()]

    async def covering(self, region_code: str | None, with_admins: bool = False) -> list[int]:
        """The staff a matter of ``region_code`` (a demand's, a member's) is told to: those whose region covers it,
        and those without a region (they work on every region's). When nobody covers it, the admins, who work on
        every region's and can give it a staffer (another city's staff are not told of it: its enterprise and
        summary are not theirs); with no admin either, all staff: a notice is never lost for want of a staffer.
        ``with_admins``: the admins as well in any case (a craftsman's application, which admins may decide)."""
        if self.staff_chat_id:
            return [self.staff_chat_id]
        staff = await self.users.staff_regions()
        chosen = [
            user_id
            for user_id, role, region in staff
            if region is None or (region_code is not None and region_code in self.regions.descendants(region))
        ]
        admins = [user_id for user_id, role, _ in staff if role is Role.ADMIN]
        if with_admins:
            chosen = list(dict.fromkeys(chosen + admins))
        return chosen or admins or [user_id for user_id, _, _ in staff]

    async def for_demand(self, demand_id: int) -> list[int]:
        """:meth:`covering` the region of demand ``demand_id`` (its enterprise's, copied at submission)."""
        async with self.users.db.session() as session:
            region_code = await session.scalar(select(Demand.region_code).where(Demand.id == demand_id))
        return await self.covering(region_code)
