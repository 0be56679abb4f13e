"""Who hears of what: the industries a user follows, and the recipients of competition and course notices.

A competition is scoped by region (a province, city or county, or none = everywhere) and by industry (a GB/T
4754-2017 section, or none = 不限). A user hears of it when they live inside the scope and follow its section —
a user who follows no section hears of every industry. Blocked users are never recipients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Select, delete, exists, func, insert, or_, select

from db.database import Database
from db.models import Craftsman, CraftsmanIndustry, Enterprise, Role, Subscription, SubscriptionKind, User, UserIndustry
from nlp.industry import catalogue
from services.local_time import QuietHours
from services.regions import RegionDirectory

PUBLICATION_ROLES = (Role.WORKER, Role.CRAFTSMAN)


@dataclass(frozen=True, slots=True)
class Recipient:
    user_id: int
    quiet: QuietHours


def _recipients(rows: Iterable[Row[tuple[int, int, int]]]) -> list[Recipient]:
    return [Recipient(user_id, QuietHours(start, end)) for user_id, start, end in rows]


def batches(
    recipients: list[Recipient], now: datetime, tz: ZoneInfo, expires: datetime | None = None
) -> list[tuple[list[int], datetime]]:
    """(chat ids, not before) groups for Outbox.put_batches: each recipient's message waits for the end of their
    quiet hours — unless that would be at or after ``expires`` (the event begins), then it goes at once."""
    groups: dict[QuietHours, list[int]] = {}
    for recipient in recipients:
        groups.setdefault(recipient.quiet, []).append(recipient.user_id)
    out = []
    for quiet, chat_ids in groups.items():
        release = quiet.release(now, tz)
        out.append((chat_ids, release if expires is None or release < expires else now))
    return out


def _users() -> Select[tuple[int, int, int]]:
    return select(User.id, User.quiet_start_minute, User.quiet_end_minute).where(User.blocked_at.is_(None))


class Audience:
    def __init__(self, db: Database, regions: RegionDirectory) -> None:
        self.db, self.regions = db, regions

    # ------------------------------------------------------------------ what a user follows
    async def sections_of(self, user_id: int) -> list[str]:
        async with self.db.session() as session:
            rows = await session.scalars(
                select(UserIndustry.section).where(UserIndustry.user_id == user_id).order_by(UserIndustry.section)
            )
            return list(rows.all())

    async def set_sections(self, user_id: int, sections: list[str]) -> list[str]:
        """Replace the sections ``user_id`` follows (unknown letters are ignored); return them."""
        chosen = sorted({s for s in sections if s in catalogue().sections})
        async with self.db.session() as session:
            await session.execute(delete(UserIndustry).where(UserIndustry.user_id == user_id))
            if chosen:
                await session.execute(insert(UserIndustry), [{"user_id": user_id, "section": s} for s in chosen])
        return chosen

    # ------------------------------------------------------------------ recipients
    async def publication(self, section: str | None, region_code: str | None) -> list[Recipient]:
        """Workers and craftsmen who opted in to publication notices and whom the scope covers."""
        query = _users().where(User.role.in_(PUBLICATION_ROLES), User.notify_publications.is_(True))
        if region_code is not None:
            query = query.where(User.region_code.in_(self.regions.descendants(region_code)))
        if section is not None:
            follows = select(UserIndustry.user_id).where(UserIndustry.user_id == User.id)
            query = query.where(or_(~exists(follows), exists(follows.where(UserIndustry.section == section))))
        async with self.db.session() as session:
            return _recipients((await session.execute(query)).all())

    async def subscribers(
        self,
        *,
        competition_id: int | None = None,
        course_id: int | None = None,
        kinds: tuple[SubscriptionKind, ...] = (SubscriptionKind.FOLLOW, SubscriptionKind.ENROLLED),
    ) -> list[Recipient]:
        """Followers of a competition, or those enrolled in a course (``kinds`` widens it to the waitlist)."""
        query = _users().join(Subscription, Subscription.user_id == User.id).where(Subscription.kind.in_(kinds))
        if competition_id is not None:
            query = query.where(Subscription.competition_id == competition_id)
        else:
            query = query.where(Subscription.course_id == course_id)
        async with self.db.session() as session:
            return _recipients((await session.execute(query)).all())

    async def filtered(self, filters: Filters) -> list[Recipient]:
        """Everyone registered (onboarded: has a role; not blocked) whom all of ``filters`` cover: a broadcast's
        recipients."""
        async with self.db.session() as session:
            return _recipients((await session.execute(self._filtered(filters).order_by(User.id))).all())

    async def count(self, filters: Filters) -> int:
        """How many :meth:`filtered` would return (one COUNT, for the preview)."""
        async with self.db.session() as session:
            return await session.scalar(select(func.count()).select_from(self._filtered(filters).subquery())) or 0

    def _filtered(self, filters: Filters) -> Select[tuple[int, int, int]]:
        query = _users().where(User.role.is_not(None))
        if filters.roles:
            roles = {Role(r) for r in filters.roles} | ({Role.ADMIN} if Role.STAFF.value in filters.roles else set())
            query = query.where(User.role.in_(roles))
        if filters.region is not None:
            query = query.where(User.region_code.in_(self.regions.descendants(filters.region)))
        if filters.section is not None:
            divisions = list(catalogue().sections[filters.section].divisions)
            query = query.where(
                or_(
                    exists(
                        select(UserIndustry.user_id).where(
                            UserIndustry.user_id == User.id, UserIndustry.section == filters.section
                        )
                    ),
                    exists(
                        select(Craftsman.id)
                        .join(CraftsmanIndustry, CraftsmanIndustry.craftsman_id == Craftsman.id)
                        .where(Craftsman.user_id == User.id, CraftsmanIndustry.division.in_(divisions))
                    ),
                    exists(
                        select(Enterprise.id).where(
                            Enterprise.id == User.enterprise_id, Enterprise.industry.in_(divisions)
                        )
                    ),
                )
            )
        for event_id, column, kind in (
            (filters.competition_id, Subscription.competition_id, SubscriptionKind.FOLLOW),
            (filters.course_id, Subscription.course_id, SubscriptionKind.ENROLLED),
        ):
            if event_id is not None:
                query = query.where(
                    exists(
                        select(Subscription.id).where(
                            Subscription.user_id == User.id, column == event_id, Subscription.kind == kind
                        )
                    )
                )
        return query


@dataclass(frozen=True)
class Filters:
    """Who a broadcast goes to: every filter set must hold (roles: any of them). None set: everyone."""

    roles: tuple[str, ...] = ()
    region: str | None = None
    section: str | None = None
    competition_id: int | None = None
    course_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "roles": list(self.roles),
            "region": self.region,
            "section": self.section,
            "competition_id": self.competition_id,
            "course_id": self.course_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Filters:
        data = data or {}
        return cls(
            tuple(data.get("roles") or ()),
            data.get("region"),
            data.get("section"),
            data.get("competition_id"),
            data.get("course_id"),
        )
