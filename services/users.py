"""Users: registration after consent, role, region, language, blocked state, admins from ADMIN_IDS."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select, update

from db.models import Lang, Role, User
from services.audit import STAFF_ROLES
from services.clock import Clock
from services.database import Database
from services.local_time import QuietHours

SELF_SERVICE_ROLES = (Role.ENTERPRISE, Role.WORKER, Role.CRAFTSMAN)


@dataclass(frozen=True)
class Profile:
    """A read-only snapshot of a registered user."""

    id: int
    first_name: str
    role: Role | None
    region_code: str | None
    team_id: int | None
    lang: Lang
    blocked: bool
    quiet: QuietHours = QuietHours()
    notify_publications: bool = True

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def _profile(user: User) -> Profile:
    return Profile(user.id, user.first_name, user.role, user.region_code, user.team_id, user.lang,
                   user.blocked_at is not None, QuietHours(user.quiet_start_minute, user.quiet_end_minute),
                   user.notify_publications)


class Users:
    """Profiles are cached in the update process (the only process that changes them); every write here
    refreshes the cache entry, so a read after a write always sees it."""

    def __init__(self, db: Database, clock: Clock, admin_ids: list[int] | None = None, cache_size: int = 100_000) -> None:
        self.db, self.clock = db, clock
        self.admin_ids = set(admin_ids or [])
        self._cache: dict[int, Profile | None] = {}
        self._cache_size = cache_size

    def _remember(self, user_id: int, profile: Profile | None) -> Profile | None:
        if user_id not in self._cache and len(self._cache) >= self._cache_size:
            self._cache.pop(next(iter(self._cache)))  # the oldest entry
        self._cache[user_id] = profile
        return profile

    def forget(self, user_id: int | None = None) -> None:
        """Drop one cached profile (or all), e.g. after another process changed users."""
        if user_id is None:
            self._cache.clear()
        else:
            self._cache.pop(user_id, None)

    async def get(self, user_id: int) -> Profile | None:
        if user_id in self._cache:
            return self._cache[user_id]
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            return self._remember(user_id, _profile(user) if user else None)

    async def langs(self, user_ids: list[int]) -> dict[int, Lang]:
        """The language of each registered user among ``user_ids``, read from the database in one query, not the
        cache: a delivery worker is another process than the one where users change their language."""
        found: dict[int, Lang] = {}
        async with self.db.session() as session:
            for start in range(0, len(user_ids), 5000):
                rows = await session.execute(select(User.id, User.lang).where(User.id.in_(user_ids[start:start + 5000])))
                found.update(rows.tuples().all())
        return found

    async def register(self, user_id: int, first_name: str, *, last_name: str | None = None,
                       username: str | None = None, language_code: str | None = None,
                       lang: Lang = Lang.SIMPLIFIED) -> Profile:
        """Create (or refresh) the user at the moment they consent. Admins from ADMIN_IDS get the admin role."""
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            if user is None:
                user = User(id=user_id)
                session.add(user)
            user.first_name = first_name[:128]
            user.last_name = last_name[:128] if last_name else None
            user.username = username
            user.language_code = language_code
            user.lang = lang
            user.consent_at = self.clock.now()
            user.blocked_at = None
            if user_id in self.admin_ids:
                user.role = Role.ADMIN
            await session.flush()
            profile = _profile(user)
        return self._remember(user_id, profile)

    async def _set(self, user_id: int, **values: object) -> Profile:
        async with self.db.session() as session:
            await session.execute(update(User).where(User.id == user_id).values(**values, updated_at=self.clock.now()))
            user = await session.get(User, user_id, populate_existing=True)
            if user is None:
                raise LookupError(f"user {user_id} is not registered")
            profile = _profile(user)
        return self._remember(user_id, profile)

    async def set_role(self, user_id: int, role: Role) -> Profile:
        """Self-service role change; staff and admin roles are kept (only admins change those)."""
        current = await self.get(user_id)
        if current is not None and current.is_staff:
            return current
        if role not in SELF_SERVICE_ROLES:
            raise ValueError(f"{role} cannot be chosen by the user")
        return await self._set(user_id, role=role)

    async def set_staff(self, user_id: int, on: bool) -> Profile:
        """An admin makes ``user_id`` staff, or takes it back (they become a worker, and may choose again in
        /settings). Admins themselves come from ADMIN_IDS only."""
        return await self._set(user_id, role=Role.STAFF if on else Role.WORKER)

    async def set_region(self, user_id: int, region_code: str, team_id: int | None = None) -> Profile:
        values: dict[str, object] = {"region_code": region_code}
        if team_id is not None:
            values["team_id"] = team_id
        return await self._set(user_id, **values)

    async def set_lang(self, user_id: int, lang: Lang) -> Profile:
        return await self._set(user_id, lang=lang)

    async def set_quiet_hours(self, user_id: int, quiet: QuietHours) -> Profile:
        return await self._set(user_id, quiet_start_minute=quiet.start, quiet_end_minute=quiet.end)

    async def set_notify_publications(self, user_id: int, on: bool) -> Profile:
        return await self._set(user_id, notify_publications=on)

    async def mark_blocked(self, user_id: int) -> None:
        async with self.db.session() as session:
            await session.execute(update(User).where(User.id == user_id, User.blocked_at.is_(None))
                                  .values(blocked_at=self.clock.now()))
        self.forget(user_id)

    async def bootstrap_admins(self) -> int:
        """Give the admin role to registered users listed in ADMIN_IDS; return how many changed."""
        if not self.admin_ids:
            return 0
        async with self.db.session() as session:
            result = await session.execute(
                update(User).where(User.id.in_(self.admin_ids), or_(User.role.is_(None), User.role != Role.ADMIN))
                .values(role=Role.ADMIN))
        self.forget()
        return result.rowcount or 0

    async def staff_roles(self) -> list[tuple[int, Role]]:
        """(user id, role) of every admin and staffer."""
        async with self.db.session() as session:
            rows = await session.execute(select(User.id, User.role).where(User.role.in_(STAFF_ROLES)))
            return [(user_id, role) for user_id, role in rows.all()]
