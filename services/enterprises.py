"""Enterprise profiles: asked once, reused for every demand the user files.

A user files for one enterprise (``users.enterprise_id``). Typing a 统一社会信用代码 that is already in the
demand pool (another engineer of the same company, or a staff import) links the user to that enterprise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import Enterprise, EnterpriseKind, User
from services.clock import Clock
from services.database import Database

PROFILE_FIELDS = ("name", "credit_code", "kind", "region_code", "contact_name", "phone")
MAX_NAME = 128
MAX_CONTACT = 64


@dataclass(frozen=True)
class EnterpriseInfo:
    id: int
    name: str
    credit_code: str | None
    kind: EnterpriseKind
    region_code: str | None
    contact_name: str | None
    phone: str | None

    @property
    def complete(self) -> bool:
        return bool(self.name and self.region_code and self.contact_name and self.phone)

    def missing(self) -> list[str]:
        """The profile fields still to ask, in asking order (the credit code is optional)."""
        return [f for f in ("name", "kind", "region_code", "contact_name", "phone") if getattr(self, f) in (None, "")]


def _info(e: Enterprise) -> EnterpriseInfo:
    return EnterpriseInfo(e.id, e.name, e.credit_code, e.kind, e.region_code, e.contact_name, e.phone)


class Enterprises:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def of_user(self, user_id: int) -> EnterpriseInfo | None:
        async with self.db.session() as session:
            enterprise_id = await session.scalar(select(User.enterprise_id).where(User.id == user_id))
            enterprise = await session.get(Enterprise, enterprise_id) if enterprise_id else None
            return _info(enterprise) if enterprise else None

    async def get(self, enterprise_id: int) -> EnterpriseInfo | None:
        async with self.db.session() as session:
            enterprise = await session.get(Enterprise, enterprise_id)
            return _info(enterprise) if enterprise else None

    async def set_field(self, user_id: int, field: str, value: object) -> tuple[EnterpriseInfo, bool]:
        """Set one profile field of the user's enterprise (created on the first field).

        Returns (profile, linked): ``linked`` is True when a credit code joined the user to an enterprise
        already in the pool; that enterprise keeps its own name and details."""
        if field not in PROFILE_FIELDS:
            raise ValueError(f"{field} is not an enterprise profile field")
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            if user is None:
                raise LookupError(f"user {user_id} is not registered")
            enterprise = await session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
            if field == "credit_code" and value:
                existing = await session.scalar(select(Enterprise).where(Enterprise.credit_code == value))
                if existing is not None and (enterprise is None or existing.id != enterprise.id):
                    user.enterprise_id = existing.id
                    if existing.owner_user_id is None:
                        existing.owner_user_id = user_id
                    for name in ("contact_name", "phone", "region_code"):  # fill what the pool lacks
                        if getattr(existing, name) is None and enterprise is not None:
                            setattr(existing, name, getattr(enterprise, name))
                    await session.flush()
                    return _info(existing), True
            if enterprise is None:
                enterprise = Enterprise(name="", owner_user_id=user_id, region_code=user.region_code)
                session.add(enterprise)
                await session.flush()
                user.enterprise_id = enterprise.id
            setattr(enterprise, field, value)
            await session.flush()
            return _info(enterprise), False

    async def upsert_by_credit_code(self, rows: list[dict]) -> tuple[int, int]:
        """Staff import: insert or update enterprises keyed by credit code; (inserted, updated)."""
        inserted = updated = 0
        async with self.db.session() as session:
            for row in rows:
                existing = await session.scalar(select(Enterprise).where(Enterprise.credit_code == row["credit_code"]))
                if existing is None:
                    session.add(Enterprise(**row))
                    inserted += 1
                else:
                    for name, value in row.items():
                        setattr(existing, name, value)
                    updated += 1
        return inserted, updated
