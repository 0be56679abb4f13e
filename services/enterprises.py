"""Enterprise profiles: asked once, reused for every demand the user files.

A user files for one enterprise (``users.enterprise_id``): he is a verified member of it, sees its record and may
change it. Typing a 统一社会信用代码 that is already in the demand pool — a public code, printed on every business
licence — joins him to that enterprise only when nobody holds it yet (no verified member, no imported contact).
When it already has people, he gets a *pending* link (``users.pending_enterprise_id``): he may file under it
(marked unverified, with his own contact on the demand) but sees nothing of its record and changes nothing of it,
until a verified member or staff confirm (services/enterprise_links.py). Typing the exact name of an enterprise in
the pool (without its code) is treated the same way: names are not unique proof either, and a silent look-alike
record would split the enterprise's demands in two.

A user who is already a verified member of an enterprise she has used (it has a code, a colleague or a filed
demand) loses nothing by naming another one in a draft: nothing is written (``Link.CLAIM``); the draft's form keeps
the claim and applies it as a link request when she submits (services/demand_form.py), next to her own link.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import unit_of_work
from db.database import Database
from db.models import Demand, DemandStatus, Enterprise, EnterpriseKind, User
from services.clock import Clock

PROFILE_FIELDS = ("name", "credit_code", "kind", "region_code", "contact_name", "phone")
MAX_NAME = 128
MAX_CONTACT = 64


class Link(str, enum.Enum):
    """What naming a credit code did to the user's link."""

    OWN = "own"  # his own record (a code new to the pool, or his enterprise's own)
    LINKED = "linked"  # joined an enterprise in the pool that nobody held yet
    PENDING = "pending"  # asked to join an enterprise that has people: waits for one of them or staff
    CLAIM = "claim"  # a verified member of another enterprise named this one in a draft: nothing written yet


class PendingLink(Exception):
    """A user whose link waits for confirmation tried to change the enterprise's record."""


@dataclass(frozen=True)
class EnterpriseInfo:
    id: int
    name: str
    credit_code: str | None
    kind: EnterpriseKind
    region_code: str | None
    contact_name: str | None
    phone: str | None
    pending: bool = False  # the user's link waits for confirmation: the record's contact details are never here

    @property
    def complete(self) -> bool:
        return bool(self.name and self.region_code and self.contact_name and self.phone)

    def missing(self) -> list[str]:
        """The profile fields still to ask, in asking order (the credit code is optional)."""
        return [f for f in ("name", "kind", "region_code", "contact_name", "phone") if getattr(self, f) in (None, "")]


def same_names(name: str) -> set[str]:
    """An enterprise's name as it may be typed: stripped, with full-width or ASCII parentheses."""
    name = name.strip()
    return {name, name.replace("(", "（").replace(")", "）"), name.replace("（", "(").replace("）", ")")}


def _info(e: Enterprise) -> EnterpriseInfo:
    return EnterpriseInfo(e.id, e.name, e.credit_code, e.kind, e.region_code, e.contact_name, e.phone)


def _pending_info(e: Enterprise) -> EnterpriseInfo:
    """An enterprise as a user with a pending link sees it: what its licence shows, never its contact details."""
    return EnterpriseInfo(e.id, e.name, e.credit_code, e.kind, e.region_code, None, None, pending=True)


async def is_member(session: AsyncSession, user_id: int, enterprise: Enterprise) -> bool:
    """Whether ``user_id`` is a verified member of ``enterprise``: its owner, or linked to it."""
    if enterprise.owner_user_id == user_id:
        return True
    return await session.scalar(select(User.enterprise_id).where(User.id == user_id)) == enterprise.id


async def members(session: AsyncSession, enterprise: Enterprise) -> list[int]:
    """The enterprise's verified members: its owner and every user linked to it."""
    ids = set((await session.scalars(select(User.id).where(User.enterprise_id == enterprise.id))).all())
    if enterprise.owner_user_id is not None:
        ids.add(enterprise.owner_user_id)
    return sorted(ids)


async def claimed(session: AsyncSession, enterprise: Enterprise, user_id: int) -> bool:
    """Whether ``enterprise`` already belongs to people other than ``user_id``: a verified member, or a contact
    person or phone on record (an import from staff). A stranger's code then gives only a pending link."""
    if enterprise.contact_name or enterprise.phone:
        return True
    if enterprise.owner_user_id not in (None, user_id):
        return True
    return bool(await session.scalar(select(exists().where(User.enterprise_id == enterprise.id, User.id != user_id))))


async def _disposable(session: AsyncSession, enterprise: Enterprise, user_id: int) -> bool:
    """An enterprise the user began in this flow and nothing else holds: his, no code, no one else, nothing filed."""
    if enterprise.owner_user_id != user_id or enterprise.credit_code:
        return False
    others = exists().where(User.enterprise_id == enterprise.id, User.id != user_id)
    filed = exists().where(Demand.enterprise_id == enterprise.id, Demand.status != DemandStatus.DRAFT)
    return not await session.scalar(select(others | filed))


_E = cast(Table, Enterprise.__table__)
_U = cast(Table, User.__table__)
# the enterprise the user files for in one statement, built once: his own record (all of it), else the one his
# link waits on (its contact details never shown to him)
_OF_USER = (
    select(
        _U.c.enterprise_id.is_not(None),
        _E.c.id,
        _E.c.name,
        _E.c.credit_code,
        _E.c.kind,
        _E.c.region_code,
        case((_U.c.enterprise_id.is_not(None), _E.c.contact_name)),
        case((_U.c.enterprise_id.is_not(None), _E.c.phone)),
    )
    .select_from(_U)
    .join(_E, _E.c.id == func.coalesce(_U.c.enterprise_id, _U.c.pending_enterprise_id))
    .where(_U.c.id == bindparam("who"))
)
# a profile field of the user's own enterprise, in one statement (the user's row locked, as the ORM path locks it);
# no values(): the SET clause is the parameters' keys, besides "who"
_SET_OWN = (
    update(_E)
    .where(_E.c.id == select(_U.c.enterprise_id).where(_U.c.id == bindparam("who")).with_for_update().scalar_subquery())
    .returning(_E.c.id, _E.c.name, _E.c.credit_code, _E.c.kind, _E.c.region_code, _E.c.contact_name, _E.c.phone)
)


def _of_user(user_id: int) -> tuple[str, int]:
    return ("enterprise_of_user", user_id)


async def _no_requests(user_id: int, enterprise_id: int) -> None:
    return None


class Enterprises:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        # a user asked to join an enterprise that has people (the container sets EnterpriseLinks.requested)
        self.link_requested: Callable[[int, int], Awaitable[None]] = _no_requests

    async def of_user(self, user_id: int) -> EnterpriseInfo | None:
        """The enterprise the user files for: his own record, or (``pending``) the one he asked to join. Read once
        per update until something is written (db/unit_of_work.py: recall)."""
        kept = unit_of_work.recall(self.db, _of_user(user_id))
        if kept is not unit_of_work.MISSING:
            return cast(EnterpriseInfo | None, kept)
        info = await self._of_user(user_id)
        unit_of_work.keep(self.db, _of_user(user_id), info)
        return info

    async def _of_user(self, user_id: int) -> EnterpriseInfo | None:
        async with self.db.connection() as connection:
            row = (await connection.execute(_OF_USER, {"who": user_id})).first()
        if row is None:
            return None
        own, id_, name, code, kind, region, contact, phone = row
        return EnterpriseInfo(id_, name, code, kind, region, contact, phone, pending=not own)  # pending: no contact

    async def get(self, enterprise_id: int) -> EnterpriseInfo | None:
        async with self.db.session() as session:
            enterprise = await session.get(Enterprise, enterprise_id)
            return _info(enterprise) if enterprise else None

    async def set_field(self, user_id: int, field: str, value: object) -> tuple[EnterpriseInfo, Link]:
        """Set one profile field of the user's enterprise (created on the first field); a credit code may link
        him to an enterprise in the pool (see the module's docstring). Raises PendingLink when his link waits for
        confirmation and the field is the enterprise's record (anything but the credit code)."""
        if field not in PROFILE_FIELDS:
            raise ValueError(f"{field} is not an enterprise profile field")
        if field == "name" and value:
            named = await self._named(user_id, str(value), unclaimed_too=False)
            if named is not None:
                return named
        if field != "credit_code":  # the hot path: he has his enterprise (else the ORM path creates it or refuses)
            async with self.db.connection() as connection:
                row = (await connection.execute(_SET_OWN, {field: value, "who": user_id})).first()
            if row is not None:
                info = EnterpriseInfo(*row)
                unit_of_work.keep(self.db, _of_user(user_id), info)
                return info, Link.OWN
        async with self.db.session() as session:
            user = await session.get(User, user_id, with_for_update=True)
            if user is None:
                raise LookupError(f"user {user_id} is not registered")
            requested = False
            if field == "credit_code" and value:
                info, link, requested = await self._name_code(session, user, str(value))
            else:
                if user.pending_enterprise_id and not user.enterprise_id:
                    raise PendingLink(field)
                enterprise = await self._own(session, user)
                setattr(enterprise, field, value)
                await session.flush()
                info, link = _info(enterprise), Link.OWN
        return await self._named_done(user_id, info, link, requested)

    async def without_code(self, user_id: int) -> tuple[EnterpriseInfo, Link] | None:
        """The user skipped the credit code: a record she just began under the exact name of an enterprise in the
        pool nobody holds yet is that enterprise, as if she had typed its code (None when there is none)."""
        own = await self.of_user(user_id)
        if own is None or own.pending or own.credit_code or not own.name:
            return None
        return await self._named(user_id, own.name, unclaimed_too=True)

    async def _named(self, user_id: int, name: str, unclaimed_too: bool) -> tuple[EnterpriseInfo, Link] | None:
        """Naming the user's enterprise by the exact name of another one in the pool: treated as naming its code
        (None when no other enterprise has that name). One nobody holds yet is taken only ``unclaimed_too``: at
        the name step its code is asked next, and the user takes it by the code or, skipping it, by the name."""
        async with self.db.session() as session:
            user = await session.get(User, user_id, with_for_update=True)
            if user is None:
                raise LookupError(f"user {user_id} is not registered")
            existing = await session.scalar(
                select(Enterprise)
                .where(Enterprise.name.in_(same_names(name)), Enterprise.id != (user.enterprise_id or 0))
                .order_by(Enterprise.credit_code.is_(None), Enterprise.id)
                .limit(1)
                .with_for_update()
            )
            if existing is None:
                return None
            own = await session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
            mine = own is None or await _disposable(session, own, user.id)  # nothing of hers to keep
            if mine and not unclaimed_too and not await claimed(session, existing, user.id):
                return None
            info, link, requested = await self._name_existing(session, user, own, existing)
        return await self._named_done(user_id, info, link, requested)

    async def _named_done(
        self, user_id: int, info: EnterpriseInfo, link: Link, requested: bool
    ) -> tuple[EnterpriseInfo, Link]:
        if link in (Link.OWN, Link.LINKED):  # he is now the record's member: of_user's answer, kept for the update
            unit_of_work.keep(self.db, _of_user(user_id), info)
        if requested:  # after the commit: the members are asked about a link that is stored
            await self.link_requested(user_id, info.id)
        return info, link

    async def _own(self, session: AsyncSession, user: User) -> Enterprise:
        """The user's own enterprise, created (his, in his region) when he has none."""
        enterprise = await session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
        if enterprise is None:
            enterprise = Enterprise(name="", owner_user_id=user.id, region_code=user.region_code)
            session.add(enterprise)
            await session.flush()
            user.enterprise_id = enterprise.id
        return enterprise

    async def _name_code(self, session: AsyncSession, user: User, code: str) -> tuple[EnterpriseInfo, Link, bool]:
        """Name the user's enterprise by its credit code: (profile, link, whether a new link request was made)."""
        own = await session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
        existing = await session.scalar(select(Enterprise).where(Enterprise.credit_code == code).with_for_update())
        if existing is None or (own is not None and existing.id == own.id):  # a code new to the pool: his record's
            user.pending_enterprise_id = None
            own = await self._own(session, user)
            own.credit_code = code
            await session.flush()
            return _info(own), Link.OWN, False
        return await self._name_existing(session, user, own, existing)

    async def _name_existing(
        self, session: AsyncSession, user: User, own: Enterprise | None, existing: Enterprise
    ) -> tuple[EnterpriseInfo, Link, bool]:
        """The user named ``existing``, another enterprise in the pool (by its code or exact name)."""
        if own is not None and not await _disposable(session, own, user.id):  # her own stays hers: a claim only
            return _pending_info(existing), Link.CLAIM, False
        if existing.id == user.pending_enterprise_id:  # the same code again: still waiting, nobody asked twice
            return _pending_info(existing), Link.PENDING, False
        if await claimed(session, existing, user.id):
            user.enterprise_id, user.pending_enterprise_id = None, existing.id
            await self._drop_if_disposable(session, own, user.id)
            return _pending_info(existing), Link.PENDING, True
        user.enterprise_id, user.pending_enterprise_id = existing.id, None  # nobody's yet: the first user takes it
        existing.owner_user_id = existing.owner_user_id or user.id
        for name in ("contact_name", "phone", "region_code"):  # fill what the pool lacks
            if getattr(existing, name) is None and own is not None:
                setattr(existing, name, getattr(own, name))
        await self._drop_if_disposable(session, own, user.id)
        return _info(existing), Link.LINKED, False

    async def requested_view(self, enterprise_id: int) -> EnterpriseInfo | None:
        """An enterprise as someone asking to join it sees it: never its contact details."""
        async with self.db.session() as session:
            enterprise = await session.get(Enterprise, enterprise_id)
            return _pending_info(enterprise) if enterprise else None

    async def has_members(self, enterprise_id: int) -> bool:
        """Whether the enterprise has a verified member (who is asked to confirm a link), or only staff decide."""
        async with self.db.session() as session:
            enterprise = await session.get(Enterprise, enterprise_id)
            return enterprise is not None and bool(await members(session, enterprise))

    async def claim(self, user_id: int, enterprise_id: int) -> None:
        """Apply a draft's claim as it is submitted: the user asks to join ``enterprise_id``, her own verified link
        staying as it is until a member of it or staff confirm (services/enterprise_links.py)."""
        async with self.db.session() as session:
            user = await session.get(User, user_id, with_for_update=True)
            if user is None or enterprise_id in (user.enterprise_id, user.pending_enterprise_id):
                return
            user.pending_enterprise_id = enterprise_id
        await self.link_requested(user_id, enterprise_id)

    @staticmethod
    async def _drop_if_disposable(session: AsyncSession, enterprise: Enterprise | None, user_id: int) -> None:
        """The half-begun record a user leaves for an enterprise in the pool goes (his drafts keep no link to it)."""
        await session.flush()
        if enterprise is None or not await _disposable(session, enterprise, user_id):
            return
        await session.execute(update(Demand).where(Demand.enterprise_id == enterprise.id).values(enterprise_id=None))
        await session.delete(enterprise)
        await session.flush()

    async def upsert_by_credit_code(self, rows: list[dict[str, Any]]) -> tuple[int, int]:
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
