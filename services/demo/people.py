"""The demo's people and places: service teams at the four levels, the talent pool, the enterprises, and the users —
the cast of services/demo_people.py with the records of their roles (consent given, a region; staff with a team;
craftsmen linked to their pool record and phone; enterprise people owning their enterprise), and a few more members."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Craftsman,
    CraftsmanIndustry,
    CraftsmanStatus,
    Enterprise,
    EnterpriseKind,
    Lang,
    Role,
    ServiceTeam,
    TeamLevel,
    User,
    UserIndustry,
)
from services.demo.tables import ago, tables
from services.demo_people import DEMO_MEMBERS, DEMO_PEOPLE, DemoPerson
from services.talent import search_text
from services.validation import phone

STAFFER = next(p.telegram_id for p in DEMO_PEOPLE if p.role is Role.STAFF)
ADMIN = next(p.telegram_id for p in DEMO_PEOPLE if p.role is Role.ADMIN)


@dataclass
class Pool:
    """What the later parts of the demo refer to by name."""

    people: set[int] = field(default_factory=set)  # the demo's users this load created (others were there before)
    teams: dict[str, ServiceTeam] = field(default_factory=dict)
    craftsmen: dict[str, Craftsman] = field(default_factory=dict)
    enterprises: dict[str, Enterprise] = field(default_factory=dict)


def _user(person: DemoPerson, now: datetime, joined_days: float) -> User:
    at = ago(now, days=joined_days)
    return User(
        id=person.telegram_id,
        first_name=person.name,
        language_code="zh-hans",
        lang=Lang.SIMPLIFIED,
        role=person.role,
        region_code=person.region_code,
        consent_at=at,
        created_at=at,
        updated_at=at,
    )


async def load_people(session: AsyncSession, now: datetime) -> Pool:
    """Teams, pool, enterprises and users. Someone of the demo already registered (a console user who onboarded
    before the data was loaded) keeps their own record: the demo's records are then not linked to them."""
    data, pool = tables(), Pool()
    everyone = (*DEMO_PEOPLE, *DEMO_MEMBERS)
    there = set((await session.scalars(select(User.id).where(User.id.in_([p.telegram_id for p in everyone])))).all())
    pool.people = {p.telegram_id for p in everyone} - there
    for row in data["teams"]:
        pool.teams[row["name"]] = ServiceTeam(
            name=row["name"],
            level=TeamLevel(row["level"]),
            region_code=row["region"],
            industry_section=row.get("section"),
            created_at=ago(now, days=300),
        )
    session.add_all(pool.teams.values())
    cast = {p.telegram_id: p for p in DEMO_PEOPLE}
    users = {}
    for joined, person in enumerate(DEMO_PEOPLE):
        user = users[person.telegram_id] = _user(person, now, 240 - joined * 7)
        if person.role is Role.STAFF:
            user.staff_granted_by = ADMIN
    users.update((p.telegram_id, _user(p, now, 100 - joined * 5)) for joined, p in enumerate(DEMO_MEMBERS))
    session.add_all(user for user_id, user in users.items() if user_id in pool.people)
    await session.flush()
    for person in DEMO_PEOPLE:
        if person.telegram_id not in pool.people:
            continue
        record = data["cast"][str(person.telegram_id)]
        if "team" in record:
            users[person.telegram_id].team_id = pool.teams[record["team"]].id
        session.add_all(UserIndustry(user_id=person.telegram_id, section=s) for s in record.get("sections", []))
    for row in data["craftsmen"]:
        played_by = cast.get(row.get("user"))
        specialities = row["specialities"]
        pool.craftsmen[row["name"]] = Craftsman(
            name=row["name"],
            user_id=played_by.telegram_id if played_by and played_by.telegram_id in pool.people else None,
            workplace=row["workplace"],
            phone=_stored(played_by.phone if played_by else row["phone"]),
            honours=row["honours"],
            specialities=specialities,
            search_text=search_text(specialities),
            industries=[CraftsmanIndustry(division=d) for d in row["divisions"]],
            region_code=row["region"],
            team_id=pool.teams[row["team"]].id,
            capacity=row["capacity"],
            service_modes=row["modes"],
            status=CraftsmanStatus.APPROVED,
            reviewed_by=STAFFER,
            reviewed_at=ago(now, days=200),
            created_at=ago(now, days=210),
        )
    session.add_all(pool.craftsmen.values())
    for key, row in data["enterprises"].items():
        played_by = cast.get(row.get("user"))
        pool.enterprises[key] = Enterprise(
            name=row["name"],
            region_code=row["region"],
            industry=row["industry"],
            kind=EnterpriseKind(row["kind"]),
            contact_name=played_by.name if played_by else row["contact"],
            phone=_stored(played_by.phone if played_by else row["phone"]),
            owner_user_id=played_by.telegram_id if played_by and played_by.telegram_id in pool.people else None,
            created_at=ago(now, days=230),
        )
    session.add_all(pool.enterprises.values())
    await session.flush()
    for enterprise in pool.enterprises.values():
        if enterprise.owner_user_id:
            users[enterprise.owner_user_id].enterprise_id = enterprise.id
    return pool


def _stored(number: str | None) -> str | None:
    """A phone of the demo as a typed one is stored (services/validation.phone: "13900010001", not "+8613900010001"),
    so the demo's records and those people make have one form."""
    return phone(number) if number else None
