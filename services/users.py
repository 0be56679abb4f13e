"""Users: registration after consent, role, region, language, blocked state, admins from ADMIN_IDS (applied at every
start, both ways), the name and @handle as Telegram shows them now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db import unit_of_work
from db.database import Database
from db.models import AuditEntry, Craftsman, CraftsmanStatus, Lang, Role, User
from i18n import shown
from nlp.script import script_for_language_code
from services.audit import STAFF_ROLES
from services.clock import Clock
from services.language import reader_language
from services.local_time import QuietHours

SELF_SERVICE_ROLES = (Role.ENTERPRISE, Role.WORKER, Role.CRAFTSMAN)  # offered in /start and /settings
REVIEWED_ROLES = frozenset({Role.CRAFTSMAN})  # chosen there, but held only once staff approve (/join)


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
    username: str | None = None
    last_name: str | None = None
    language_code: str | None = None  # as Telegram reported it last
    lang_chosen: bool = False  # ``lang`` was picked in /settings: it wins over language_code and typing

    @property
    def reply_lang(self) -> str:
        """The language to write to this user in: ``lang``, traditional in their region's forms (Telegram's
        language_code's, else their registered region's)."""
        return reader_language(self.lang.value, self.language_code, self.region_code)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


P = TypeVar("P", bound=Profile | None)


def _profile(user: User) -> Profile:
    return Profile(
        user.id,
        user.first_name,
        user.role,
        user.region_code,
        user.team_id,
        user.lang,
        user.blocked_at is not None,
        QuietHours(user.quiet_start_minute, user.quiet_end_minute),
        user.notify_publications,
        user.username,
        user.last_name,
        user.language_code,
        bool(user.lang_chosen),
    )


class Users:
    """Profiles are cached in the update process (the only process that changes them); every write here
    refreshes the cache entry, so a read after a write always sees it; an entry filled inside an update's unit of
    work is dropped if the unit rolls back (db/unit_of_work.py)."""

    def __init__(
        self, db: Database, clock: Clock, admin_ids: list[int] | None = None, cache_size: int = 100_000
    ) -> None:
        self.db, self.clock = db, clock
        self.admin_ids = set(admin_ids or [])
        self._cache: dict[int, Profile | None] = {}
        self._cache_size = cache_size
        self.demoted: list[
            tuple[int, Role]
        ] = []  # admins demoted at this start (bootstrap_admins), with their new role

    def _remember(self, user_id: int, profile: P) -> P:
        if user_id not in self._cache and len(self._cache) >= self._cache_size:
            self._cache.pop(next(iter(self._cache)))  # the oldest entry
        self._cache[user_id] = profile
        unit_of_work.on_rollback(self.db, lambda: self.forget(user_id))
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

    async def langs(self, user_ids: list[int]) -> dict[int, str]:
        """The reply language of each registered user among ``user_ids`` (zh-hans, en, or a traditional variant by
        region), read from the database in one query, not the cache: a delivery worker is another process than the
        one where users change their language."""
        found: dict[int, str] = {}
        async with self.db.session() as session:
            for start in range(0, len(user_ids), 5000):
                rows = await session.execute(
                    select(User.id, User.lang, User.language_code, User.region_code).where(
                        User.id.in_(user_ids[start : start + 5000])
                    )
                )
                found.update((row[0], reader_language(row[1].value, row[2], row[3])) for row in rows.tuples())
        return found

    async def register(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        lang: Lang = Lang.SIMPLIFIED,
    ) -> Profile:
        """Create (or refresh) the user at the moment they consent. Admins from ADMIN_IDS get the admin role."""
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            if user is None:
                user = User(id=user_id)
                session.add(user)
            user.first_name, user.last_name = _names(first_name, last_name)
            user.username = username or None
            if username:
                await self._release_handle(session, username, user_id)
            user.language_code = language_code[:16] if language_code else None
            user.lang, user.lang_chosen = lang, False
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
        """Set a non-staff role (staff and admin roles are kept: only admins change those). People choose theirs
        through :meth:`choose_role`; this is also how an approved application makes a craftsman."""
        current = await self.get(user_id)
        if current is not None and current.is_staff:
            return current
        if role not in SELF_SERVICE_ROLES:
            raise ValueError(f"{role} cannot be chosen by the user")
        return await self._set(user_id, role=role)

    async def choose_role(self, user_id: int, role: Role) -> tuple[Profile, bool]:
        """A role picked in /start or /settings; returns the profile and whether the person must apply (/join).

        Staff and admins keep theirs. 劳模工匠 is held only with an application staff approved: without one the
        person is a worker (or keeps the enterprise role they had) until then, so role-filtered broadcasts to
        craftsmen never reach someone who only said so."""
        if role not in REVIEWED_ROLES:
            return await self.set_role(user_id, role), False
        current = await self.get(user_id)
        if current is not None and current.is_staff:
            return current, False
        async with self.db.session() as session:
            approved = await self._approved_craftsman(session, user_id)
        if approved:
            return await self._set(user_id, role=role), False
        if current is None or current.role in (None, *REVIEWED_ROLES):
            current = await self._set(user_id, role=Role.WORKER)
        return current, True

    @staticmethod
    async def _approved_craftsman(session: AsyncSession, user_id: int) -> bool:
        return (
            await session.scalar(
                select(Craftsman.id).where(Craftsman.user_id == user_id, Craftsman.status == CraftsmanStatus.APPROVED)
            )
            is not None
        )

    async def _non_staff_role(self, session: AsyncSession, user_id: int) -> Role:
        """The role someone leaving staff (or admin) goes back to: 劳模工匠 if staff approved their application,
        else worker (the enterprise role is one they pick again in /settings; nothing else is known for sure)."""
        return Role.CRAFTSMAN if await self._approved_craftsman(session, user_id) else Role.WORKER

    async def role_after_staff(self, user_id: int) -> Role:
        """The role ``user_id`` would have were their staff role taken back (what /revoke shows before it asks)."""
        async with self.db.session() as session:
            return await self._non_staff_role(session, user_id)

    async def set_staff(self, user_id: int, on: bool, by: int | None = None) -> Profile:
        """Admin ``by`` makes ``user_id`` staff (remembered in ``staff_granted_by``: should the person later be an
        admin from ADMIN_IDS and leave that list, they go back to staff), or takes it back (then they are a worker,
        or a craftsman if approved as one). Admins themselves come from ADMIN_IDS only."""
        if on:
            return await self._set(user_id, role=Role.STAFF, staff_granted_by=by)
        return await self._set(user_id, role=await self.role_after_staff(user_id), staff_granted_by=None)

    async def set_region(self, user_id: int, region_code: str | None, team_id: int | None = None) -> Profile:
        values: dict[str, object] = {"region_code": region_code}
        if team_id is not None:
            values["team_id"] = team_id
        return await self._set(user_id, **values)

    async def set_lang(self, user_id: int, lang: Lang, *, chosen: bool = False) -> Profile:
        """The language to answer in: ``chosen`` in /settings (it then stays, whatever Telegram says or the user
        types), or as services/language.py read it (a choice made in /settings is kept)."""
        current = await self.get(user_id)
        if not chosen and current is not None and current.lang_chosen:
            return current
        return await self._set(user_id, lang=lang, lang_chosen=chosen)

    async def default_language(self, user_ids: list[int], language_code: str) -> list[int]:
        """Those of ``user_ids`` who did not pick a language in /settings read ``language_code``'s (the console's
        people read the terminal's LANG): notices sent before they type anything are written in it too. Returns
        those whose language code this changed (what they typed before no longer says what they read)."""
        lang = Lang(script_for_language_code(language_code).value)
        mine = (User.id.in_(user_ids), User.lang_chosen.is_(False))
        async with self.db.session() as session:
            other = or_(User.language_code.is_(None), User.language_code != language_code)
            changed = await session.execute(select(User.id).where(*mine, other))
            values = {"lang": lang, "language_code": language_code, "updated_at": self.clock.now()}
            await session.execute(update(User).where(*mine).values(**values))
        self.forget()
        return list(changed.scalars().all())

    async def names_from(self, first: int) -> dict[int, str]:
        """The registered Telegram ids from ``first`` up, with their first names (the console finds the people made
        up in earlier runs by name, and gives a new person an id nobody has)."""
        async with self.db.session() as session:
            rows = await session.execute(select(User.id, User.first_name).where(User.id >= first))
            return {user_id: name or "" for user_id, name in rows.tuples().all()}

    async def set_quiet_hours(self, user_id: int, quiet: QuietHours) -> Profile:
        return await self._set(user_id, quiet_start_minute=quiet.start, quiet_end_minute=quiet.end)

    async def set_notify_publications(self, user_id: int, on: bool) -> Profile:
        return await self._set(user_id, notify_publications=on)

    async def mark_blocked(self, user_id: int) -> None:
        async with self.db.session() as session:
            await session.execute(
                update(User).where(User.id == user_id, User.blocked_at.is_(None)).values(blocked_at=self.clock.now())
            )
        self.forget(user_id)

    async def bootstrap_admins(self) -> int:
        """Make the roles what ADMIN_IDS says, at every start: registered users listed there become admins; an admin
        no longer listed becomes staff if an admin had granted them staff (``staff_granted_by``), else a worker (a
        craftsman if approved as one). Each change is written to the audit log (the configuration is the actor);
        return how many changed."""
        now, changes = self.clock.now(), list[tuple[int, str | None, Role]]()
        async with self.db.session() as session:
            if self.admin_ids:
                promoted = (
                    await session.scalars(
                        select(User.id).where(
                            User.id.in_(list(self.admin_ids)), or_(User.role.is_(None), User.role != Role.ADMIN)
                        )
                    )
                ).all()
                for user_id in promoted:
                    was = await session.scalar(select(User.role).where(User.id == user_id))
                    changes.append((user_id, was.value if was else None, Role.ADMIN))
                await session.execute(update(User).where(User.id.in_(promoted)).values(role=Role.ADMIN))
            former = (
                await session.execute(
                    select(User.id, User.staff_granted_by).where(
                        User.role == Role.ADMIN, User.id.not_in(list(self.admin_ids))
                    )
                )
            ).all()
            for user_id, granted_by in former:
                role = Role.STAFF if granted_by is not None else await self._non_staff_role(session, user_id)
                await session.execute(update(User).where(User.id == user_id).values(role=role, updated_at=now))
                changes.append((user_id, Role.ADMIN.value, role))
            for user_id, previous, role in changes:
                session.add(
                    AuditEntry(
                        actor_user_id=None,
                        action="role.promoted" if role is Role.ADMIN else "role.demoted",
                        target=f"user:{user_id}",
                        allowed=True,
                        at=now,
                        details={"from": previous, "to": role.value},
                    )
                )
        self.demoted = [(user_id, role) for user_id, _previous, role in changes if role is not Role.ADMIN]
        self.forget()
        return len(changes)

    async def staff_roles(self) -> list[tuple[int, Role]]:
        """(user id, role) of every admin and staffer now: who gets staff notices."""
        async with self.db.session() as session:
            rows = await session.execute(select(User.id, User.role).where(User.role.in_(STAFF_ROLES)))
            return [(user_id, role) for user_id, role in rows.all()]

    async def staff_regions(self) -> list[tuple[int, Role, str | None]]:
        """(user id, role, region code or None) of every admin and staffer now: whom a regional notice reaches."""
        async with self.db.session() as session:
            rows = await session.execute(select(User.id, User.role, User.region_code).where(User.role.in_(STAFF_ROLES)))
            return [(user_id, role, region) for user_id, role, region in rows.all()]

    async def menu_roles(self) -> list[tuple[int, Role]]:
        """The chats whose command menu the start sets: every admin and staffer, then each admin demoted at this
        start with their new role (a former admin's menu loses /grant). Not for notices: a former admin gets none."""
        return await self.staff_roles() + [(user_id, role) for user_id, role in self.demoted if role not in STAFF_ROLES]

    # ------------------------------------------------------------------ the name and @handle, kept fresh
    async def seen(
        self,
        user_id: int,
        username: str | None,
        first_name: str,
        last_name: str | None,
        language_code: str | None = None,
    ) -> Profile | None:
        """The profile of ``user_id`` (None before consent: nothing is stored then), with the name, @handle and
        language code Telegram shows in the current update (a missing code keeps the stored one). Written only when
        one of them changed (the cached profile holds them), so it costs nothing per update. A handle moves: whoever else is stored with it no longer holds it
        (Telegram handles are unique), so their stored handle is cleared."""
        profile = await self.get(user_id)
        if profile is None:
            return None
        first_name, last_name = _names(first_name, last_name)
        username, language_code = username or None, (language_code or profile.language_code or None)
        language_code = language_code[:16] if language_code else None
        if (profile.username, profile.first_name, profile.last_name, profile.language_code) == (
            username,
            first_name,
            last_name,
            language_code,
        ):
            return profile
        if username is not None and (profile.username or "").lower() != username.lower():
            async with self.db.session() as session:
                await self._release_handle(session, username, user_id)
        return await self._set(
            user_id, username=username, first_name=first_name, last_name=last_name, language_code=language_code
        )

    async def _release_handle(self, session: AsyncSession, username: str, holder: int) -> None:
        """``holder`` has ``username`` now: clear it from anyone else stored with it."""
        stale = list(
            (
                await session.scalars(
                    select(User.id).where(func.lower(User.username) == username.lower(), User.id != holder)
                )
            ).all()
        )
        if stale:
            await session.execute(update(User).where(User.id.in_(stale)).values(username=None))
        for other in stale:
            self.forget(other)

    async def holders_of(self, username: str) -> list[int]:
        """The stored users with this @handle (case-insensitive): one, none, or — from data older than the
        refresh — several."""
        async with self.db.session() as session:
            return list(
                (
                    await session.scalars(
                        select(User.id).where(func.lower(User.username) == username.lower()).order_by(User.id)
                    )
                ).all()
            )


def _names(first_name: str | None, last_name: str | None) -> tuple[str, str | None]:
    """The names Telegram sends, as stored: without invisible characters (i18n.shown), at most 128 characters."""
    last = shown(last_name)[:128] if last_name else ""
    return shown(first_name or "")[:128], last or None
