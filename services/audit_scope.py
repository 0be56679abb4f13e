"""What of the audit log a staffer reads (/audit): a staffer with a region the entries about people and cases of her
region and below (services/staff_scope.py) — done by someone of it, or about a user, demand, match, craftsman,
enterprise, members' question, course or competition of it; admins and staff without a region every entry. Asking
for the entries of someone outside her region is Refused(OUT_OF_REGION), audited."""

from __future__ import annotations

from sqlalchemy import ColumnElement, String, cast, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from db.models import (
    AuditEntry,
    Competition,
    Consultation,
    Course,
    Craftsman,
    Demand,
    Enterprise,
    Match,
    User,
)
from services.regions import RegionDirectory
from services.results import Refused
from services.staff_scope import OUT_OF_REGION, covered, within

# the targets that name a place's row: "<prefix>:<id>" and where the row's region is read
_OWNED = (
    ("user", User.id, User.region_code),
    ("demand", Demand.id, Demand.region_code),
    ("craftsman", Craftsman.id, Craftsman.region_code),
    ("enterprise", Enterprise.id, Enterprise.region_code),
    ("consultation", Consultation.id, Consultation.region_code),
    ("course", Course.id, Course.region_code),
    ("competition", Competition.id, Competition.region_code),
)


def _target(prefix: str, column: ColumnElement[int] | InstrumentedAttribute[int]) -> ColumnElement[str]:
    return literal(f"{prefix}:") + cast(column, String)


def about_scope(scope: frozenset[str]) -> ColumnElement[bool]:
    """The entries done by, or about, people and cases of ``scope``."""
    codes = sorted(scope)
    return or_(
        AuditEntry.actor_user_id.in_(select(User.id).where(User.region_code.in_(codes))),
        *(
            AuditEntry.target.in_(select(_target(prefix, key)).where(region.in_(codes)))
            for prefix, key, region in _OWNED
        ),
        AuditEntry.target.in_(
            select(_target("match", Match.id))
            .join(Demand, Demand.id == Match.demand_id)
            .where(Demand.region_code.in_(codes))
        ),
    )


async def readable(
    session: AsyncSession,
    regions: RegionDirectory,
    actor: int,
    of_user: int | None,
    limit: int,
) -> list[AuditEntry] | Refused:
    """The latest ``limit`` entries ``actor`` may read (of ``of_user``'s doing when given); a Refused to raise, once
    audited, for someone of another region."""
    scope = await covered(session, regions, actor)
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if of_user is not None:
        query = query.where(AuditEntry.actor_user_id == of_user)
        person = await session.scalar(select(User.region_code).where(User.id == of_user))
        if scope is not None and person is not None and not within(scope, person):
            return Refused(OUT_OF_REGION, target=f"user:{of_user}")
    if scope is not None:
        query = query.where(about_scope(scope))
    return list((await session.scalars(query)).all())
