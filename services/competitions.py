"""技能竞赛: staff publish, change and cancel competitions; workers find the ones for their region and industries
and follow them. Publication notices and reminders come from services.reminders; a change is told to followers
once (keyed by the competition's revision)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Competition, EventStatus, Role, Subscription, SubscriptionKind
from db.results import rowcount
from nlp.industry import catalogue
from services.event_notices import competition_change_notice
from services.events_common import EventService, check_texts, published_stamps
from services.local_time import show
from services.validation import Invalid

TEXT_LIMITS = {"name": 100, "organiser": 100, "place": 200, "link": 500, "description": 1000, "how_to_register": 500}
TIME_FIELDS = ("registration_deadline", "starts_at", "ends_at")
TOLD_FIELDS = (*TIME_FIELDS, "place", "link")  # a change of these is told to followers
FIELDS = ("name", "region_code", "organiser", *TIME_FIELDS, "place", "link", "description", "how_to_register")
EDITABLE = (*FIELDS, "industry_section", "industry_division")


class FollowResult(str, enum.Enum):
    FOLLOWED = "followed"
    ALREADY = "already"
    GONE = "gone"  # cancelled, over, or never existed


@dataclass(frozen=True)
class Listing:
    competitions: list[Competition]
    following: set[int]


def split_industry(value: str | None) -> tuple[str | None, str | None]:
    """ "C" → (C, None); "C34" or "34" → (C, 34); None → (None, None) = 不限. Raises Invalid otherwise."""
    if not value:
        return None, None
    value = value.strip().upper()
    table = catalogue()
    if value in table.sections:
        return value, None
    code = value[1:] if value[:1].isalpha() else value
    division = table.divisions.get(code)
    if division is None or (value[:1].isalpha() and value[0] != division.section):
        raise Invalid("competition.bad_industry", value=value)
    return division.section, code


def check(values: dict[str, Any], now: datetime) -> None:
    """The rules a competition must keep; raises Invalid naming the first one broken."""
    check_texts("competition", values, TEXT_LIMITS)
    starts, deadline, ends = values.get("starts_at"), values.get("registration_deadline"), values.get("ends_at")
    if starts is None:
        raise Invalid("competition.need_start")
    if starts <= now:
        raise Invalid("competition.start_past")
    if deadline is not None and deadline > starts:
        raise Invalid("competition.deadline_after_start")
    if ends is not None and ends <= starts:
        raise Invalid("competition.end_before_start")


def check_answer(name: str, values: dict[str, Any], tz: ZoneInfo) -> None:
    """The rules between times that answer ``name`` breaks, given the answers before it (a form asks them one by
    one: the start is checked against a deadline given, the end against the start): raises Invalid to ask that
    answer again. :func:`check` keeps them all again when the competition is written."""
    starts, deadline, ends = values.get("starts_at"), values.get("registration_deadline"), values.get("ends_at")
    if name == "starts_at" and starts is not None and deadline is not None and deadline > starts:
        raise Invalid("competition.start_before_deadline", deadline=show(deadline, tz))
    if name == "registration_deadline" and starts is not None and deadline is not None and deadline > starts:
        raise Invalid("competition.deadline_after_start")
    if name in ("starts_at", "ends_at") and starts is not None and ends is not None and ends <= starts:
        raise Invalid("competition.end_before_start" if name == "ends_at" else "competition.start_after_end")


class Competitions(EventService[Competition]):
    model, kind = Competition, "competition"

    # ------------------------------------------------------------------ staff
    async def create(self, actor: int, role: Role | None, values: dict[str, Any]) -> Competition:
        """Publish a competition: it is listed at once, matching workers are told, its reminders are scheduled."""
        await self.audit.require_staff(actor, role, "competition.create")
        now = self.clock.now()
        values = dict(values)
        section, division = split_industry(values.pop("industry", None))
        await self.require_region(actor, "competition.create", None, values.get("region_code"))
        check(values, now)
        async with self.db.session() as session:
            c = Competition(
                **{k: v for k, v in values.items() if k in FIELDS},
                industry_section=section,
                industry_division=division,
                **published_stamps(actor, now),
            )
            session.add(c)
            await session.flush()
        await self.audit.record(actor, "competition.create", f"competition:{c.id}")
        await self.reminders.refresh([f"competition:{c.id}"])
        return c

    async def change(self, actor: int, role: Role | None, competition_id: int, values: dict[str, Any]) -> Competition:
        """Change fields of a published competition. A new time or place is told to followers once, and its
        reminders are rescheduled (those owed for the old times are withdrawn). Refused(OUT_OF_REGION), audited,
        for a staffer of another region than the competition's (or than the one it would move to)."""
        target = f"competition:{competition_id}"
        await self.audit.require_staff(actor, role, "competition.change", target)
        found = await self.get(competition_id)
        regions = [found.region_code] if found is not None else []
        if "region_code" in values:
            regions.append(values["region_code"])  # where it is published now, and where it would be
        for region_code in regions:
            await self.require_region(actor, "competition.change", target, region_code)
        now = self.clock.now()
        async with self.db.session() as session:
            c = await session.get(Competition, competition_id, with_for_update=True)
            if c is None or c.status is not EventStatus.PUBLISHED:
                raise Invalid("competition.gone")
            values = dict(values)
            if "industry" in values:
                values["industry_section"], values["industry_division"] = split_industry(values.pop("industry"))
            values = {k: v for k, v in values.items() if k in EDITABLE}
            check({**{name: getattr(c, name) for name in EDITABLE}, **values}, now)
            changed = [k for k, v in values.items() if getattr(c, k) != v]
            for name in changed:
                setattr(c, name, values[name])
            told = [name for name in changed if name in TOLD_FIELDS]
            if told:
                c.revision += 1
            if any(name in TIME_FIELDS for name in changed):
                c.revised_at = now
            c.updated_at = now
            await session.flush()
        await self.audit.record(actor, "competition.change", target, fields=changed)
        if told:
            await self._tell_followers(c)
        await self.reminders.refresh([target])
        return c

    async def _cancelling(self, session: AsyncSession, c: Competition, now: datetime) -> list[str]:
        c.revised_at = now  # a cancellation is a change of date for the reminders
        return [f"competition:{c.id}"]

    async def _tell_cancelled(self, c: Competition) -> None:
        await self._tell_followers(c)

    async def _tell_followers(self, c: Competition) -> None:
        await self._notify(
            await self.audience.subscribers(competition_id=c.id),
            f"competition:{c.id}:changed:{c.revision}",
            competition_change_notice(c, self.tz),
        )

    # ------------------------------------------------------------------ everyone
    def _upcoming(self) -> Select[tuple[Competition]]:
        now = self.clock.now()
        return (
            select(Competition)
            .where(
                Competition.status == EventStatus.PUBLISHED,
                func.coalesce(Competition.ends_at, Competition.starts_at) > now,
            )
            .order_by(Competition.starts_at, Competition.id)
        )

    async def listing(self, user_id: int, region_code: str | None, is_staff: bool = False) -> Listing:
        """Upcoming competitions for the user's region and followed industries (staff: all), soonest first."""
        query = self._upcoming()
        if not is_staff:
            query = query.where(
                or_(Competition.region_code.is_(None), Competition.region_code.in_(self.regions.ancestors(region_code)))
            )
            sections = await self.audience.sections_of(user_id)
            if sections:
                query = query.where(
                    or_(Competition.industry_section.is_(None), Competition.industry_section.in_(sections))
                )
        async with self.db.session() as session:
            rows = list((await session.scalars(query)).all())
            following = {
                competition_id
                for competition_id in (
                    await session.scalars(
                        select(Subscription.competition_id).where(
                            Subscription.user_id == user_id, Subscription.competition_id.is_not(None)
                        )
                    )
                ).all()
                if competition_id is not None  # the query's filter; the column's type does not know it
            }
        return Listing(rows, following)

    async def followed(self, user_id: int) -> list[Competition]:
        async with self.db.session() as session:
            return list(
                (
                    await session.scalars(
                        self._upcoming()
                        .join(Subscription, Subscription.competition_id == Competition.id)
                        .where(Subscription.user_id == user_id)
                    )
                ).all()
            )

    async def follow(self, user_id: int, competition_id: int) -> FollowResult:
        async with self.db.session() as session:
            c = await session.get(Competition, competition_id)
            if c is None or c.status is not EventStatus.PUBLISHED or (c.ends_at or c.starts_at) <= self.clock.now():
                return FollowResult.GONE
            existing = await session.scalar(
                select(Subscription.id).where(
                    Subscription.user_id == user_id, Subscription.competition_id == competition_id
                )
            )
            if existing is not None:
                return FollowResult.ALREADY
            session.add(
                Subscription(
                    user_id=user_id,
                    competition_id=competition_id,
                    kind=SubscriptionKind.FOLLOW,
                    created_at=self.clock.now(),
                )
            )
        return FollowResult.FOLLOWED

    async def unfollow(self, user_id: int, competition_id: int) -> bool:
        async with self.db.session() as session:
            result = await session.execute(
                delete(Subscription).where(
                    Subscription.user_id == user_id, Subscription.competition_id == competition_id
                )
            )
            return bool(rowcount(result))
