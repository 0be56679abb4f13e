"""Who is union staff: admins (from ADMIN_IDS) grant and revoke the staff role and set the region a staffer works
on; anyone staff may list staff and read the audit log. Every grant, revocation, region change and refusal is
written to the audit log."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

if TYPE_CHECKING:
    from db.database import Database
    from services.clock import Clock
    from services.regions import RegionDirectory

from db.models import AuditEntry, Role, User
from nlp.script import to_simplified
from services.audit import STAFF_ROLES, AuditLog, NotStaff
from services.audit_scope import readable
from services.ids import USER_ID_MAX, parse_id
from services.outbox import Notice, Outbox
from services.regions import RegionNamed
from services.results import Reason, Refused
from services.statistics import ALL_REGIONS
from services.users import Profile, Users

AUDIT_PAGE = 20
OUT_OF_REGION = Reason.OUT_OF_REGION.value  # the audited reason of a staffer's own region refused


EVERY_REGION = ALL_REGIONS | {"不限", "不限地区"}  # what /staff_region takes for "no region: every region's work"
_HANDLE = re.compile(r"[A-Za-z0-9_]{1,32}")  # the letters a Telegram username is made of (a name, 刘洋, is not one)


def _ascii(reference: str) -> str:
    """``reference`` with full-width forms read as their ASCII ones ("２００００１", "＠ｗａｎｇ": NFKC), stripped."""
    return "".join(unicodedata.normalize("NFKC", ch) if "\uff01" <= ch <= "\uff5e" else ch for ch in reference).strip()


class Lookup(str, enum.Enum):
    FOUND = "found"
    UNKNOWN = "unknown"  # no registered user by that id or handle
    BAD_ID = "bad_id"  # digits, but no Telegram user id (too long for one, or 0)
    AMBIGUOUS = "ambiguous"  # several stored users with that handle (data from before handles were refreshed)
    NOT_A_HANDLE = "not_a_handle"  # neither an id nor a Telegram username (刘洋: a name, which people share)


@dataclass(frozen=True)
class Found:
    outcome: Lookup
    profile: Profile | None = None


@dataclass(frozen=True)
class RolePreview:
    """What /grant or /revoke would do, shown for the admin's confirmation: the person as they are now and the role
    they would have."""

    person: Profile
    role: Role


@dataclass(frozen=True)
class RegionPreview:
    """What /staff_region would do, shown for the admin's confirmation: the staffer as she is now (her region) and
    the region she would work on (None: every region)."""

    person: Profile
    region_code: str | None


@dataclass(frozen=True)
class StaffMember:
    id: int
    first_name: str
    username: str | None
    role: Role
    region_code: str | None


class Staffing:
    def __init__(
        self, db: Database, clock: Clock, audit: AuditLog, users: Users, outbox: Outbox, regions: RegionDirectory
    ) -> None:
        self.db, self.clock, self.audit, self.users, self.outbox = db, clock, audit, users, outbox
        self.regions = regions

    async def find(self, reference: str) -> Found:
        """A registered user by Telegram id or @username. Handles are refreshed from every update
        (services/users.py), so a handle names whoever holds it now among the users the bot has seen since it
        moved; several stored users with one handle are not guessed between. Full-width forms are read as their
        ASCII ones ("２００００１", "＠ｗａｎｇ": NFKC); other digits ("²") are not ids."""
        reference = _ascii(reference)
        if reference.lstrip("-").isdigit():
            user_id = parse_id(reference, USER_ID_MAX)
            if user_id is None:
                return Found(Lookup.BAD_ID)
            profile = await self.users.get(user_id)
            return Found(Lookup.FOUND, profile) if profile else Found(Lookup.UNKNOWN)
        name = reference.removeprefix("@")
        if name and not _HANDLE.fullmatch(name):
            return Found(Lookup.NOT_A_HANDLE)
        holders = await self.users.holders_of(name) if name else []
        if len(holders) > 1:
            return Found(Lookup.AMBIGUOUS)
        profile = await self.users.get(holders[0]) if holders else None
        return Found(Lookup.FOUND, profile) if profile else Found(Lookup.UNKNOWN)

    async def asked_user(self, reference: str) -> str | None:
        """The audit target of the user a typed ``reference`` asks for: ``user:<id>`` for an id (registered or
        not) or a handle someone holds, ``user:@handle`` for a handle nobody (or several) holds; None when it is
        neither an id nor a handle."""
        found = await self.find(reference)
        if found.profile is not None:
            return f"user:{found.profile.id}"
        if found.outcome in (Lookup.BAD_ID, Lookup.NOT_A_HANDLE):
            return None
        typed = _ascii(reference)
        user_id = parse_id(typed, USER_ID_MAX) if typed.lstrip("-").isdigit() else None
        return f"user:{user_id}" if user_id is not None else f"user:@{typed.removeprefix('@')}"

    async def require_admin(
        self, actor: int, action: str, target: str | None = None, *, asked: str | None = None, **details: Any
    ) -> None:
        """Raise NotStaff (and log the refusal) unless ``actor`` is an admin, read from the database. ``asked``:
        the user a command typed (id or @handle), looked up for the refusal's target only when refused;
        ``details``: what else it asked for (the region /staff_region named)."""
        profile = await self.users.get(actor)
        if profile is None or profile.role is not Role.ADMIN:
            if target is None and asked is not None:
                target = await self.asked_user(asked)
            await self.audit.record(actor, action, target, allowed=False, **details)
            raise NotStaff(action)

    async def may_choose_region(self, actor: int, registering: bool = False) -> None:
        """Refused(OUT_OF_REGION), audited, when ``actor`` is staff or an admin: where staff work (their region and
        below, services/staff_scope.py) is set for them, never moved by themselves in /settings or with a QR
        poster's link; ``registering`` (/start) lets them give a first one."""
        profile = await self.users.get(actor)
        first = registering and profile is not None and profile.region_code is None
        if profile is not None and profile.role in STAFF_ROLES and not first:
            await self.audit.record(actor, "settings.region", f"user:{actor}", allowed=False, reason=OUT_OF_REGION)
            raise Refused(Reason.OUT_OF_REGION)

    async def choose_region(
        self, actor: int, region_code: str, team_id: int | None = None, *, registering: bool = False
    ) -> Profile:
        """The region (and team) ``actor`` picked in /settings or /start, now theirs (a worker's, an enterprise's,
        a craftsman's); Refused(OUT_OF_REGION), audited, for staff and admins (:meth:`may_choose_region`)."""
        await self.may_choose_region(actor, registering)
        return await self.users.set_region(actor, region_code, team_id)

    async def grant_preview(self, actor: int, target_id: int | None) -> RolePreview:
        """What /grant would do, applied only on the admin's confirmation (:meth:`grant` with ``shown``): the person
        as they are now and the role they would have; Refused(NOT_FOUND) or Refused(ALREADY, name=…) when there is
        nothing to confirm."""
        await self.require_admin(actor, "staff.grant", f"user:{target_id}")
        target = await self._changeable(target_id, grant=True)
        return RolePreview(target, Role.STAFF)

    async def revoke_preview(self, actor: int, target_id: int | None) -> RolePreview:
        """What /revoke would do, applied only on the admin's confirmation (:meth:`revoke`): the person and the role
        they go back to; Refused(NOT_FOUND), Refused(ADMIN, name=…) or Refused(ALREADY, name=…) when there is
        nothing to confirm."""
        await self.require_admin(actor, "staff.revoke", f"user:{target_id}")
        target = await self._changeable(target_id, grant=False)
        return RolePreview(target, await self.users.role_after_staff(target.id))

    async def _changeable(self, target_id: int | None, grant: bool) -> Profile:
        """The person a grant (``grant``) or a revocation would change; Refused when there is nothing to change:
        nobody registered (NOT_FOUND), an admin from ADMIN_IDS (ADMIN, /revoke does not touch them), or someone
        who already has that role (ALREADY)."""
        target = await self.users.get(target_id) if target_id is not None else None
        if target is None:
            raise Refused(Reason.NOT_FOUND, name="")
        if not grant and target.role is Role.ADMIN:
            raise Refused(Reason.ADMIN, name=target.first_name)
        if target.is_staff is grant:
            raise Refused(Reason.ALREADY, name=target.first_name)
        return target

    async def grant(self, actor: int, target_id: int | None, shown: Role | None) -> Profile:
        """Make ``target_id`` staff: the person as they now are. ``shown``: the role the confirmation showed;
        should the person's role have changed since, nothing is applied (Refused(STALE))."""
        await self.require_admin(actor, "staff.grant", f"user:{target_id}")
        target = await self._changeable(target_id, grant=True)
        if target.role is not shown:
            raise Refused(Reason.STALE, name=target.first_name)
        profile = await self.users.set_staff(target.id, True, by=actor)
        await self.audit.record(
            actor, "staff.grant", f"user:{target.id}", previous=target.role.value if target.role else None
        )
        await self._tell(target.id, "granted")
        return profile

    async def revoke(self, actor: int, target_id: int | None, back_to: Role | None = None) -> Profile:
        """Take the staff role back from ``target_id``: the person as they now are. ``back_to``: the role the
        confirmation showed they return to; should that have changed since (their craftsman application approved
        meanwhile), nothing is applied (Refused(STALE)), as :meth:`grant` does with the role it showed."""
        await self.require_admin(actor, "staff.revoke", f"user:{target_id}")
        target = await self._changeable(target_id, grant=False)
        if back_to is not None and await self.users.role_after_staff(target.id) is not back_to:
            raise Refused(Reason.STALE, name=target.first_name)
        profile = await self.users.set_staff(target.id, False)
        await self.audit.record(actor, "staff.revoke", f"user:{target.id}")
        await self._tell(target.id, "revoked")
        return profile

    def region_named(self, text: str) -> RegionNamed:
        """The region ``text`` names (services/regions.py :meth:`RegionDirectory.resolve`: a name several places
        share, 朝阳, is no choice: its places come back as candidates); 全部 / 不限 / all for every region."""
        if to_simplified(text.strip()).lower() in EVERY_REGION:
            return RegionNamed(True)
        return self.regions.resolve(text)

    async def region_preview(self, actor: int, target_id: int | None, region_code: str | None) -> RegionPreview:
        """What /staff_region would do, applied only on the admin's confirmation (:meth:`set_region`): the staffer
        as she is now and the region she would work on; Refused(NOT_FOUND), Refused(NOT_A_STAFFER, name=…),
        Refused(ADMIN, name=…) or Refused(ALREADY, name=…) when there is nothing to confirm."""
        await self.require_admin(actor, "staff.region", f"user:{target_id}")
        return RegionPreview(await self._region_changeable(target_id, region_code), region_code)

    async def set_region(
        self, actor: int, target_id: int | None, region_code: str | None, shown: str | None
    ) -> Profile:
        """Make ``region_code`` (None: every region) the region staffer ``target_id`` works on, audited with the
        previous and the new code, and tell her. ``shown``: her region as the confirmation showed it; should it
        have changed since, nothing is applied (Refused(STALE)), nor when she is no longer staff."""
        await self.require_admin(actor, "staff.region", f"user:{target_id}")
        try:
            target = await self._region_changeable(target_id, region_code)
        except Refused as exc:
            if exc.reason is Reason.NOT_A_STAFFER:  # she was staff when it was shown
                raise Refused(Reason.STALE, **exc.values) from None
            raise
        if target.region_code != shown:
            raise Refused(Reason.STALE, name=target.first_name)
        profile = await self.users.set_region(target.id, region_code)
        await self.audit.record(
            actor, "staff.region", f"user:{target.id}", previous=target.region_code, new=region_code
        )
        notice = Notice("staff.region_notice", places={"region": region_code}) if region_code else None
        change = f"region:{target.region_code or ''}>{region_code or ''}"  # the notice's own key: one per change
        await self._tell(target.id, change, notice or Notice("staff.region_notice_all"))
        return profile

    async def _region_changeable(self, target_id: int | None, region_code: str | None) -> Profile:
        """The staffer whose region /staff_region would change; Refused when there is none to change: nobody
        registered (NOT_FOUND), no staffer (NOT_A_STAFFER), an admin (ADMIN: admins work on every region), or her
        region already is that one (ALREADY)."""
        target = await self.users.get(target_id) if target_id is not None else None
        if target is None:
            raise Refused(Reason.NOT_FOUND, name="")
        if target.role is Role.ADMIN:
            raise Refused(Reason.ADMIN, name=target.first_name)
        if target.role is not Role.STAFF:
            raise Refused(Reason.NOT_A_STAFFER, name=target.first_name)
        if target.region_code == region_code:
            raise Refused(Reason.ALREADY, name=target.first_name)
        return target

    async def _tell(self, user_id: int, change: str, notice: Notice | None = None) -> None:
        """Tell the user at once that they were made staff ("granted"), are no longer ("revoked"), or of the region
        they now work on ("region", with its ``notice``)."""
        await self.outbox.put(
            [user_id],
            "notice",
            f"staff:{change}:{user_id}:{self.clock.now().isoformat()}",
            notice or Notice(f"staff.{change}_notice"),
            urgent=True,
        )

    async def members(self, actor: int, role: Role | None) -> list[StaffMember]:
        await self.audit.require_staff(actor, role, "staff.list")
        async with self.db.session() as session:
            rows = (
                await session.execute(
                    select(User.id, User.first_name, User.username, User.role, User.region_code)
                    .where(User.role.in_(STAFF_ROLES))
                    .order_by(User.role, User.id)
                )
            ).all()
        return [StaffMember(*row) for row in rows]

    async def log(
        self, actor: int, role: Role | None, of_user: int | None = None, limit: int = AUDIT_PAGE
    ) -> list[AuditEntry]:
        """The latest entries ``actor`` may read (services/audit_scope.py), of ``of_user``'s doing when given."""
        await self.audit.require_staff(actor, role, "audit.read")
        async with self.db.session() as session:
            found = await readable(session, self.regions, actor, of_user, limit)
        if isinstance(found, Refused):
            await self.audit.record(actor, "audit.read", found.values["target"], allowed=False, reason=OUT_OF_REGION)
            raise found
        return found
