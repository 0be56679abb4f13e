"""The demand pool (企业需求库): drafts that survive anything, submission with a ticket, the user's own list,
withdrawal, and the draft expiry (7 days, reminded on day 6).

Every call that changes a demand names the acting user and is checked here: users change only their own
demands; staff see every demand, contact details included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.demands import OpenDemand
from db.database import Database
from db.models import (
    Craftsman,
    Demand,
    DemandAttachment,
    DemandKind,
    DemandStatus,
    DemandStatusHistory,
    Enterprise,
    Match,
    MatchStatus,
    Role,
)
from i18n import shown
from services import demand_rows
from services.audit import STAFF_ROLES, AuditLog
from services.clock import Clock
from services.demand_info import OWNER_ORDER, Attachment, DemandInfo, Step, step_of
from services.draft_expiry import DraftExpiry
from services.enterprises import EnterpriseInfo
from services.industry import Proposal
from services.outbox import Button, Notice, Outbox
from services.owner_actions import OwnerActions
from services.regions import RegionDirectory
from services.results import Reason, Refused
from services.service_record import ENTERPRISE, transition
from services.staff_scope import StaffChats, in_scope, refuse_out_of_region
from services.tickets import next_ticket
from services.withdrawal import VisitsCancelled, release

MIN_TEXT, MAX_TEXT = 10, 2000
MAX_ATTACHMENTS = 20
URGENCIES = ("normal", "urgent")  # 一般, 紧急
SERVICE_MODES = ("onsite", "remote", "training", "joint")  # 现场指导, 远程指导, 技能培训, 联合攻关
DRAFT_FIELDS = {
    "kind",
    "urgency",
    "service_mode",
    "training_topic",
    "trainees",
    "preferred_dates",
    "text",
    "region_code",
    "contact_name",
    "contact_phone",
}
TYPED_FIELDS = {"text", "training_topic", "contact_name"}  # stored as typed, without NUL or other invisible controls
WITHDRAW_REASONS = ("solved", "not_needed", "wrong_info", "other")
MAX_REASON = 300  # a withdrawal's own words (其他原因)
OPEN_STATUSES = (
    DemandStatus.SUBMITTED,
    DemandStatus.MATCHED,
    DemandStatus.ACCEPTED,
    DemandStatus.SCHEDULED,
    DemandStatus.IN_SERVICE,
    DemandStatus.ESCALATED,
)
PAGE = 5


Refusal = Reason  # the one vocabulary (services/results.py): NOT_FOUND, NOT_YOURS, NOT_DRAFT, CLOSED here


# read for every draft a /report step shows: built once
_ATTACHMENTS = (
    select(DemandAttachment).where(DemandAttachment.demand_id == bindparam("demand")).order_by(DemandAttachment.id)
)


class Demands(DraftExpiry, OwnerActions):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        outbox: Outbox,
        tz: ZoneInfo,
        staff: StaffChats,
        regions: RegionDirectory | None = None,
    ) -> None:
        self.db, self.clock, self.audit, self.outbox, self.tz = db, clock, audit, outbox, tz
        self.staff, self.regions = staff, regions or RegionDirectory([])
        self.visits_cancelled: VisitsCancelled | None = None  # Reminders.refresh, wired by the container

    # ------------------------------------------------------------------ reading
    async def _info(
        self, session: AsyncSession, demand: Demand, with_history: bool = False, for_enterprise: bool = False
    ) -> DemandInfo:
        """The demand as plain data; a draft skips what it cannot have yet (craftsmen, history). The history is
        the enterprise's reading of it when ``for_enterprise``."""
        attachments = (await session.scalars(_ATTACHMENTS, {"demand": demand.id})).all()
        draft = demand.status is DemandStatus.DRAFT
        enterprise = await session.get(Enterprise, demand.enterprise_id) if demand.enterprise_id and not draft else None
        names = (
            ()
            if draft
            else (
                await session.scalars(
                    select(Craftsman.name)
                    .join(Match, Match.craftsman_id == Craftsman.id)
                    .where(Match.demand_id == demand.id, Match.status == MatchStatus.ACCEPTED)
                )
            ).all()
        )
        history: tuple[Step, ...] = ()
        if with_history and not draft:
            rows = (
                await session.scalars(
                    select(DemandStatusHistory)
                    .where(DemandStatusHistory.demand_id == demand.id)
                    .order_by(DemandStatusHistory.id)
                )
            ).all()
            history = tuple(step_of(h, for_enterprise) for h in rows)
        return DemandInfo(
            demand.id,
            demand.user_id,
            demand.ticket,
            demand.kind,
            demand.status,
            demand.text,
            demand.industry,
            demand.industry_predicted,
            demand.industry_confidence,
            demand.urgency,
            demand.service_mode,
            demand.training_topic,
            demand.trainees,
            demand.preferred_dates,
            demand.region_code,
            demand.enterprise_id,
            enterprise.name if enterprise else None,
            demand.contact_name,
            demand.contact_phone,
            demand.created_at,
            demand.updated_at,
            demand.submitted_at,
            tuple(Attachment(a.kind, a.file_id, a.caption) for a in attachments),
            tuple(names),
            history,
        )

    async def get(self, demand_id: int, with_history: bool = True, for_enterprise: bool = False) -> DemandInfo | None:
        async with self.db.session() as session:
            demand = await session.get(Demand, demand_id)
            return await self._info(session, demand, with_history, for_enterprise) if demand else None

    async def draft(self, demand_id: int) -> DemandInfo | None:
        """As ``get(demand_id, with_history=False)``; a draft is read as Core rows (the /report hot path)."""
        async with self.db.connection() as connection:
            info = await demand_rows.read_draft(connection, demand_id)
        return info if info is not None else await self.get(demand_id, with_history=False)

    async def view(self, demand_id: int, user_id: int, is_staff: bool) -> DemandInfo:
        """A demand as ``user_id`` may see it: their own (its history in the enterprise's words), or any for
        staff (every note); refusals are audited."""
        info = await self.get(demand_id, for_enterprise=not is_staff)
        if info is None or (info.status is DemandStatus.DRAFT and info.user_id != user_id):
            raise Refused(Refusal.NOT_FOUND)
        if info.user_id != user_id and not is_staff:
            await self.audit.record(user_id, "demand.view", f"demand:{demand_id}", allowed=False)
            raise Refused(Refusal.NOT_YOURS)
        return info

    async def own_view(self, demand_id: int, user_id: int) -> DemandInfo:
        """The user's own demand as they read it in /my; anyone else's is Refused(NOT_YOURS), audited."""
        return await self.view(demand_id, user_id, is_staff=False)

    async def staff_view(self, demand_id: int, actor: int, role: Role | None) -> DemandInfo:
        """A demand opened from a staff notice: the whole of it for staff (``role`` read from the database); the
        presser's own demand as they see it in /my; anyone else's is Refused(NOT_STAFF), audited. A demand of a
        region outside the staffer's own is Refused(OUT_OF_REGION), audited (services/staff_scope.py)."""
        try:
            info = await self.view(demand_id, actor, is_staff=role in STAFF_ROLES)
        except Refused as exc:
            if exc.reason is Reason.NOT_YOURS:
                raise Refused(Reason.NOT_STAFF) from exc
            raise
        if info.user_id != actor and not await in_scope(self.db, self.regions, actor, info.region_code):
            await refuse_out_of_region(self.audit, actor, "demand.view", demand_id)
            raise Refused(Reason.OUT_OF_REGION)
        return info

    async def draft_of(self, user_id: int) -> DemandInfo | None:
        async with self.db.session() as session:
            demand = await session.scalar(
                select(Demand)
                .where(Demand.user_id == user_id, Demand.status == DemandStatus.DRAFT)
                .order_by(Demand.id.desc())
                .limit(1)
            )
            return await self._info(session, demand) if demand else None

    async def of_user(self, user_id: int, page: int = 0, per_page: int = PAGE) -> tuple[list[DemandInfo], int]:
        """The user's demands (drafts first, then newest submitted first: OWNER_ORDER): one page, and the total."""
        async with self.db.session() as session:
            where = (Demand.user_id == user_id,)
            total = await session.scalar(select(func.count()).select_from(Demand).where(*where)) or 0
            rows = (
                await session.scalars(
                    select(Demand).where(*where).order_by(*OWNER_ORDER).offset(page * per_page).limit(per_page)
                )
            ).all()
            return [await self._info(session, d) for d in rows], total

    # ------------------------------------------------------------------ the draft
    @asynccontextmanager
    async def _own_draft(self, demand_id: int, user_id: int) -> AsyncIterator[tuple[AsyncSession, Demand]]:
        """A session holding the user's own draft, locked; Refused otherwise (audited once the session is closed)."""
        try:
            async with self.db.session() as session:
                demand = await session.get(Demand, demand_id, with_for_update=True)
                if demand is None:
                    raise Refused(Refusal.NOT_FOUND)
                if demand.user_id != user_id:
                    raise Refused(Refusal.NOT_YOURS)
                if demand.status is not DemandStatus.DRAFT:
                    raise Refused(Refusal.NOT_DRAFT)
                yield session, demand
        except Refused as exc:
            if exc.reason is Refusal.NOT_YOURS:
                await self.audit.record(user_id, "demand.edit", f"demand:{demand_id}", allowed=False)
            raise

    async def start_draft(
        self,
        user_id: int,
        kind: DemandKind | None = None,
        text: str = "",
        enterprise_id: int | None = None,
        region_code: str | None = None,
    ) -> DemandInfo:
        now = self.clock.now()
        async with self.db.session() as session:
            demand = Demand(
                user_id=user_id,
                kind=kind or DemandKind.PROBLEM,
                text=shown(text)[:MAX_TEXT],
                enterprise_id=enterprise_id,
                region_code=region_code,
                status=DemandStatus.DRAFT,
                created_at=now,
                updated_at=now,
            )
            session.add(demand)
            await session.flush()
            return await self._info(session, demand)

    async def update(self, demand_id: int, user_id: int, **values: object) -> DemandInfo:
        unknown = set(values) - DRAFT_FIELDS - {"enterprise_id"}
        if unknown:
            raise ValueError(f"not draft fields: {sorted(unknown)}")
        changes = {name: shown(v) if name in TYPED_FIELDS and isinstance(v, str) else v for name, v in values.items()}
        changes.update(updated_at=self.clock.now(), draft_reminded_at=None)  # back: a new reminder may be due later
        async with self.db.connection() as connection:  # the hot path: one statement while it is the user's draft
            info = await demand_rows.write_draft(connection, demand_id, user_id, changes)
        if info is not None:
            return info
        async with self._own_draft(demand_id, user_id) as (session, demand):  # says why it is not (or a race)
            for name, value in changes.items():
                setattr(demand, name, value)
            await session.flush()
            return await self._info(session, demand)

    async def add_text(self, demand_id: int, user_id: int, text: str) -> DemandInfo:
        """Append a message to the description. Raises ValueError("too_long") past MAX_TEXT, keeping the text."""
        text = shown(text)
        async with self._own_draft(demand_id, user_id) as (session, demand):
            joined = f"{demand.text}\n{text}".strip() if demand.text else text.strip()
            if len(joined) > MAX_TEXT:
                raise ValueError("too_long")
            demand.text, demand.updated_at, demand.draft_reminded_at = joined, self.clock.now(), None
            await session.flush()
            return await self._info(session, demand)

    async def add_attachment(
        self, demand_id: int, user_id: int, kind: str, file_id: str, caption: str | None
    ) -> DemandInfo:
        async with self._own_draft(demand_id, user_id) as (session, demand):
            count = (
                await session.scalar(
                    select(func.count()).select_from(DemandAttachment).where(DemandAttachment.demand_id == demand_id)
                )
                or 0
            )
            if count >= MAX_ATTACHMENTS:
                raise ValueError("too_many")
            session.add(
                DemandAttachment(
                    demand_id=demand_id,
                    kind=kind,
                    file_id=file_id,
                    caption=(caption or None) and shown(caption)[:1024],
                    created_at=self.clock.now(),
                )
            )
            demand.updated_at, demand.draft_reminded_at = self.clock.now(), None
            await session.flush()
            return await self._info(session, demand)

    async def set_industry(self, demand_id: int, user_id: int, proposal: Proposal) -> DemandInfo:
        changes = {
            "industry": proposal.chosen,
            "industry_predicted": proposal.predicted,
            "industry_confidence": proposal.confidence,
            "industry_choice_id": proposal.id,
            "updated_at": self.clock.now(),
        }
        async with self.db.connection() as connection:  # the hot path, as update()
            info = await demand_rows.write_draft(connection, demand_id, user_id, changes)
        if info is not None:
            return info
        async with self._own_draft(demand_id, user_id) as (session, demand):
            for name, value in changes.items():
                setattr(demand, name, value)
            await session.flush()
            return await self._info(session, demand)

    async def discard(self, demand_id: int, user_id: int) -> None:
        async with self._own_draft(demand_id, user_id) as (session, demand):
            await session.delete(demand)

    # ------------------------------------------------------------------ submitting and after
    async def submit(self, demand_id: int, user_id: int, enterprise: EnterpriseInfo | None = None) -> DemandInfo:
        """Give the draft its ticket and status ``submitted``; notify staff. ``enterprise`` (the filer's profile)
        is copied onto the demand as it is now: enterprise, region and contact. Raises ValueError listing what is
        missing, Refused(NOT_DRAFT) when it was submitted already (a double press)."""
        now = self.clock.now()
        async with self._own_draft(demand_id, user_id) as (session, demand):
            if enterprise is not None:
                demand.enterprise_id, demand.region_code = enterprise.id, enterprise.region_code
                demand.contact_name, demand.contact_phone = enterprise.contact_name, enterprise.phone
            info = await self._info(session, demand)
            if info.missing():
                raise ValueError(",".join(info.missing()))
            if not await transition(session, demand, DemandStatus.SUBMITTED, user_id, now, from_=(DemandStatus.DRAFT,)):
                raise Refused(Refusal.NOT_DRAFT)  # submitted in the same moment (a double press, two processes)
            demand.ticket, demand.submitted_at = await next_ticket(session, now, self.tz), now
            await session.flush()
            info = await self._info(session, demand)
        await self.outbox.put(
            await self.staff.covering(info.region_code),
            "notice",
            f"demand:{info.id}:submitted",
            Notice(
                "notify.demand_submitted",
                values={
                    "ticket": info.ticket,
                    "enterprise": info.enterprise_name or "",
                    "summary": info.text[:120],
                },
                industries={"industry": info.industry or ""},
                keys={"kind": f"demand.kind.{info.kind.value}", "urgency": f"demand.urgency.{info.urgency}"},
                buttons=[[Button("demand.open", OpenDemand(info.id))]],
            ),
            urgent=info.urgency == "urgent",
        )
        return info

    async def withdraw(self, demand_id: int, user_id: int, reason: str) -> DemandInfo:
        """The enterprise withdraws its open demand with a reason (shown in its /my); whoever holds it is released
        and told, and so are staff, with the reason (services/withdrawal.py)."""
        now = self.clock.now()
        async with self.db.session() as session:
            demand = await session.get(Demand, demand_id, with_for_update=True)
            if demand is None or demand.status is DemandStatus.DRAFT:
                raise Refused(Refusal.NOT_FOUND)
            owner = demand.user_id == user_id
            if owner:
                if not await transition(
                    session, demand, DemandStatus.WITHDRAWN, user_id, now, from_=OPEN_STATUSES,
                    note=reason[:MAX_REASON], visibility=ENTERPRISE,
                ):  # fmt: skip
                    raise Refused(Refusal.CLOSED)  # finished already, or closed in the same moment
                released = await release(session, demand, now, reason[:MAX_REASON])
                await session.flush()
                info = await self._info(session, demand, with_history=True, for_enterprise=True)
        if not owner:
            await self.audit.record(user_id, "demand.withdraw", f"demand:{demand_id}", allowed=False)
            raise Refused(Refusal.NOT_YOURS)
        await released.tell(self.outbox, self.visits_cancelled, self.staff)
        return info
