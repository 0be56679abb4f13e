"""The talent pool (人才资源库): craftsmen apply, staff review, everyone browses the published 技术处方.

Contact details (phone) never leave this module in a public view: :class:`CraftsmanCard` has no phone;
only :meth:`Talent.contact` hands it out, to staff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.talent import ApproveCraftsman, RejectCraftsman
from db.database import Database
from db.models import Craftsman, CraftsmanIndustry, CraftsmanStatus, Role, ServiceTeam
from nlp.normalize import normalize
from nlp.tokenize import Tokenizer
from services.audit import AuditLog, NotStaff
from services.clock import Clock
from services.import_lookalikes import phone_holder
from services.outbox import Button, Notice, Outbox
from services.results import Reason, Refused
from services.staff_scope import OUT_OF_REGION, StaffChats, covered, within
from services.teams import TeamRoster
from services.users import Users

HONOURS = (
    "national_model",
    "provincial_model",
    "great_craftsman",
    "provincial_craftsman",
    "city_craftsman",
    "may_day_medal",
    "master_studio",
    "other",
)
MAX_SPECIALITIES, MAX_SPECIALITY = 12, 60
CAPACITY_RANGE = range(1, 21)
PAGE = 5


ReviewOutcome = Reason  # the one vocabulary (services/results.py): decide refuses ALREADY, NOT_FOUND, NOT_STAFF


@dataclass(frozen=True)
class CraftsmanCard:
    """What anyone may see of a published craftsman: no phone, no Telegram id."""

    id: int
    name: str
    workplace: str
    honours: tuple[str, ...]
    specialities: tuple[str, ...]
    divisions: tuple[str, ...]
    region_code: str
    team_name: str | None
    capacity: int
    service_modes: tuple[str, ...]
    status: CraftsmanStatus
    paused_until: date | None
    user_id: int | None = None  # who owns the profile (used for ownership checks, never shown)


@dataclass(frozen=True)
class Application:
    """A /join application as the applicant typed it."""

    name: str
    workplace: str
    phone: str
    honours: list[str]
    specialities: list[str]
    divisions: list[str]
    region_code: str
    team_id: int | None
    capacity: int
    service_modes: list[str]


def search_text(specialities: list[str]) -> str:
    return normalize(" ".join(specialities))


def speciality_lines(text: str) -> list[str]:
    """The specialities in a message: one per line, bullets and separators trimmed, blanks and repeats dropped."""
    trimmed = (line.strip(" -•·、;；") for line in text.splitlines())
    return list(dict.fromkeys(line for line in trimmed if line))


def set_divisions(c: Craftsman, divisions: list[str]) -> None:
    """Make the craftsman's industries exactly ``divisions``, keeping the rows that stay."""
    wanted = set(divisions)
    c.industries = [i for i in c.industries if i.division in wanted] + [
        CraftsmanIndustry(division=d) for d in sorted(wanted - {i.division for i in c.industries})
    ]


def fill_craftsman(c: Craftsman, app: Application) -> None:
    """Write an application (from /join or an import row) onto a craftsman row."""
    c.name, c.workplace, c.phone = app.name, app.workplace, app.phone
    c.honours, c.specialities, c.service_modes = list(app.honours), list(app.specialities), list(app.service_modes)
    c.search_text = search_text(app.specialities)
    c.region_code, c.team_id, c.capacity = app.region_code, app.team_id, app.capacity
    set_divisions(c, app.divisions)


class Talent(TeamRoster):
    def __init__(
        self,
        db: Database,
        clock: Clock,
        audit: AuditLog,
        outbox: Outbox,
        users: Users,
        tokenizer: Tokenizer,
        staff: StaffChats,
    ) -> None:
        self.staff = staff  # where notices of new applications go
        self.db, self.clock, self.audit, self.outbox, self.tokenizer = db, clock, audit, outbox, tokenizer
        self.users = users
        self.changed: Callable[[], None] = lambda: None  # the talent pool changed (the matcher listens)

    async def _card(self, session: AsyncSession, c: Craftsman) -> CraftsmanCard:
        team = await session.get(ServiceTeam, c.team_id) if c.team_id else None
        return CraftsmanCard(
            c.id,
            c.name,
            c.workplace,
            tuple(c.honours),
            tuple(c.specialities),
            tuple(sorted(i.division for i in c.industries)),
            c.region_code,
            team.name if team else None,
            c.capacity,
            tuple(c.service_modes),
            c.status,
            c.paused_until,
            c.user_id,
        )

    # ------------------------------------------------------------------ applying and reviewing
    async def of_user(self, user_id: int) -> CraftsmanCard | None:
        async with self.db.session() as session:
            c = await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id))
            return await self._card(session, c) if c else None

    async def apply(self, user_id: int, app: Application) -> CraftsmanCard:
        """File (or re-file after a rejection) an application; it waits for staff in the review queue."""
        now = self.clock.now()
        async with self.db.session() as session:
            c = await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id))
            if c is not None and c.status is CraftsmanStatus.APPROVED:
                raise ValueError("already_published")
            if c is None:
                c = Craftsman(user_id=user_id)
                session.add(c)
            fill_craftsman(c, app)
            c.status, c.review_note, c.reviewed_by, c.reviewed_at, c.updated_at = (
                CraftsmanStatus.PENDING,
                None,
                None,
                None,
                now,
            )
            await session.flush()
            card = await self._card(session, c)
        self.changed()
        holder = await phone_holder(self.db, app.phone, user_id) if app.phone else None
        await self.outbox.put(
            await self.staff.covering(card.region_code, with_admins=True),
            "notice",
            f"craftsman:{card.id}:applied:{now.isoformat()}",
            Notice(
                "notify.join_applied_phone_taken" if holder else "notify.join_applied",
                values={
                    "name": card.name,
                    "workplace": card.workplace,
                    "specialities": "；".join(card.specialities),
                    "holder": holder or "",
                },
                buttons=[
                    [
                        Button("review.approve", ApproveCraftsman(card.id)),
                        Button("review.reject", RejectCraftsman(card.id)),
                    ]
                ],
            ),
        )
        return card

    async def pending(self, actor: int) -> list[CraftsmanCard]:
        """The applications waiting for review that ``actor`` may decide (of her region and below; all for admins
        and staff without a region)."""
        async with self.db.session() as session:
            scope = await covered(session, self.staff.regions, actor)
            query = select(Craftsman).where(Craftsman.status == CraftsmanStatus.PENDING).order_by(Craftsman.id)
            if scope is not None:
                query = query.where(Craftsman.region_code.in_(sorted(scope)))
            return [await self._card(session, c) for c in (await session.scalars(query)).all()]

    async def require_reviewer(self, craftsman_id: int, actor: int, actor_role: Role | None) -> None:
        """Refused (NOT_STAFF; OUT_OF_REGION), audited, unless ``actor`` may decide application ``craftsman_id``:
        staff whose region covers the applicant's (services/staff_scope.py), staff without a region, admins."""
        target = f"craftsman:{craftsman_id}"
        await self.audit.require_staff(actor, actor_role, "craftsman.review", target)
        async with self.db.session() as session:
            region_code = await session.scalar(select(Craftsman.region_code).where(Craftsman.id == craftsman_id))
            allowed = region_code is None or within(await covered(session, self.staff.regions, actor), region_code)
        if not allowed:
            await self.audit.record(actor, "craftsman.review", target, allowed=False, reason=OUT_OF_REGION.value)
            raise Refused(OUT_OF_REGION)

    async def decide(
        self, craftsman_id: int, actor: int, actor_role: Role | None, approve: bool, note: str | None = None
    ) -> CraftsmanCard:
        """Approve (publish) or reject an application: the card as it now reads. Refused(NOT_STAFF) for anyone but
        staff, Refused(OUT_OF_REGION) for staff of another region (both audited: :meth:`require_reviewer`), Refused(NOT_FOUND), Refused(ALREADY, status=…) once it has been reviewed."""
        target = f"craftsman:{craftsman_id}"
        await self.require_reviewer(craftsman_id, actor, actor_role)
        now = self.clock.now()
        async with self.db.session() as session:
            c = await session.get(Craftsman, craftsman_id, with_for_update=True)
            if c is None:
                raise Refused(Reason.NOT_FOUND)
            if c.status is not CraftsmanStatus.PENDING:
                raise Refused(Reason.ALREADY, status=c.status.value)
            c.status = CraftsmanStatus.APPROVED if approve else CraftsmanStatus.REJECTED
            c.review_note, c.reviewed_by, c.reviewed_at, c.updated_at = note, actor, now, now
            await session.flush()
            card = await self._card(session, c)
        self.changed()
        await self.audit.record(actor, "craftsman.approve" if approve else "craftsman.reject", target, note=note)
        if approve and card.user_id is not None:
            await self.users.set_role(card.user_id, Role.CRAFTSMAN)  # staff keep their own role
        if card.user_id is not None:
            key = "join.approved" if approve else "join.rejected"
            await self.outbox.put(
                [card.user_id],
                "notice",
                f"{target}:review:{now.isoformat()}",
                Notice(key, values={"reason": note or ""}),
            )
        return card

    # ------------------------------------------------------------------ the craftsman's own profile
    async def update_own(self, user_id: int, **values: object) -> CraftsmanCard:
        allowed = {"specialities", "service_modes", "capacity", "workplace", "paused_until", "divisions"}
        if set(values) - allowed:
            raise ValueError(f"cannot change {sorted(set(values) - allowed)}")
        async with self.db.session() as session:
            c = await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id))
            if c is None:
                raise LookupError("no craftsman profile")
            for name, value in values.items():
                if name == "divisions":
                    set_divisions(c, value)  # type: ignore[arg-type]
                else:
                    setattr(c, name, value)
            if "specialities" in values:
                c.search_text = search_text(c.specialities)
            c.updated_at = self.clock.now()
            await session.flush()
            card = await self._card(session, c)
        self.changed()
        await self.audit.record(user_id, "craftsman.profile", f"craftsman:{card.id}", fields=sorted(values))
        return card

    # ------------------------------------------------------------------ browsing (public: no contact details)
    def _published(self) -> tuple[ColumnElement[bool], ...]:
        return Craftsman.status == CraftsmanStatus.APPROVED, Craftsman.active.is_(True)

    async def division_counts(self) -> dict[str, int]:
        """Published craftsmen per division."""
        async with self.db.session() as session:
            rows = await session.execute(
                select(CraftsmanIndustry.division, func.count())
                .join(Craftsman)
                .where(*self._published())
                .group_by(CraftsmanIndustry.division)
            )
            return dict(rows.tuples().all())

    async def region_counts(self, division: str) -> dict[str, int]:
        """Published craftsmen of ``division`` per province code."""
        async with self.db.session() as session:
            rows = await session.scalars(
                select(Craftsman.region_code)
                .join(CraftsmanIndustry)
                .where(*self._published(), CraftsmanIndustry.division == division)
            )
            counts: dict[str, int] = {}
            for code in rows:
                province = code[:2] + "0000"
                counts[province] = counts.get(province, 0) + 1
            return counts

    async def browse(
        self, division: str, province: str | None, page: int, per_page: int = PAGE
    ) -> tuple[list[CraftsmanCard], int]:
        where = [*self._published(), CraftsmanIndustry.division == division]
        if province:
            where.append(Craftsman.region_code.like(province[:2] + "%"))
        async with self.db.session() as session:
            total = (
                await session.scalar(select(func.count()).select_from(Craftsman).join(CraftsmanIndustry).where(*where))
                or 0
            )
            rows = (
                await session.scalars(
                    select(Craftsman)
                    .join(CraftsmanIndustry)
                    .where(*where)
                    .order_by(Craftsman.id)
                    .offset(page * per_page)
                    .limit(per_page)
                )
            ).all()
            return [await self._card(session, c) for c in rows], total

    async def search(self, query: str, limit: int = 50) -> list[CraftsmanCard]:
        """Published craftsmen found by name, by service team, or by the query's words (jieba) in their
        specialities: name matches first, then team matches, then the most words matched."""
        typed, normalized = query.strip(), normalize(query)
        words = [w for w in dict.fromkeys(self.tokenizer.content_words(normalized)) if len(w) > 1]
        phrases = list(dict.fromkeys(p for p in (typed, normalized) if p))
        if not phrases:
            return []
        words = words or phrases
        async with self.db.session() as session:
            teams = set(
                (
                    await session.scalars(
                        select(ServiceTeam.id).where(
                            or_(*[ServiceTeam.name.contains(p, autoescape=True) for p in phrases])
                        )
                    )
                ).all()
            )
            named = or_(*[Craftsman.name.contains(p, autoescape=True) for p in phrases])
            rows = (
                await session.scalars(
                    select(Craftsman)
                    .where(
                        *self._published(),
                        or_(
                            named,
                            Craftsman.team_id.in_(list(teams)),
                            *[Craftsman.search_text.contains(w, autoescape=True) for w in words],
                        ),
                    )
                    .order_by(Craftsman.id)
                    .limit(limit * 4)
                )
            ).all()

            def rank(c: Craftsman) -> tuple[bool, bool, int, int]:
                by_name = any(p in c.name for p in phrases)
                return (not by_name, c.team_id not in teams, -sum(w in c.search_text for w in words), c.id)

            return [await self._card(session, c) for c in sorted(rows, key=rank)[:limit]]

    async def card(self, craftsman_id: int) -> CraftsmanCard | None:
        async with self.db.session() as session:
            c = await session.get(Craftsman, craftsman_id)
            return await self._card(session, c) if c else None

    async def contact(self, craftsman_id: int, actor: int, actor_role: Role | None) -> str | None:
        """The craftsman's phone, for staff only; anyone else is refused and audited (returns None)."""
        try:
            return await self.staff_contact(craftsman_id, actor, actor_role)
        except NotStaff:
            return None

    async def staff_contact(self, craftsman_id: int, actor: int, actor_role: Role | None) -> str | None:
        """The craftsman's phone (None when they have none), for staff only; anyone else is Refused(NOT_STAFF),
        audited."""
        await self.audit.require_staff(actor, actor_role, "craftsman.contact", f"craftsman:{craftsman_id}")
        async with self.db.session() as session:
            c = await session.get(Craftsman, craftsman_id)
            return c.phone if c else None
