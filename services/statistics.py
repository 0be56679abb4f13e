"""The programme's figures (助企行成效), as unions report them upward: enterprises served, problems solved,
workers trained, economic benefit, craftsman participations and the satisfaction rate — for a period and a
region, by month, by region and by industry, and compared with the period before.

What counts, and when:
* a demand counts in the period in which it was resolved (``resolved_at``), in the region of the demand;
* problems solved: resolved 技术难题 demands; enterprises served: distinct enterprises among all resolved demands
  (an enterprise contact without an enterprise record counts once per contact);
* workers trained and economic benefit: what the craftsman recorded on resolving (培训人数, 经济效益);
* craftsman participations: services accepted by a craftsman in the period (one per accepted case);
* satisfaction: the share of enterprises' ratings in the period that are 4 or 5 stars;
* members' questions to staff (consultations): those filed in the period, in the member's region, by topic, and how
  many of them staff have answered (not counted when an industry is asked: a question has none);
* an industry asked (a GB/T 4754 section or division) counts the demands filed in it, and the industries break down
  one level below it (a section by division);
* a period still running is compared with the same part of the period before (services/periods.py).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.database import Database
from db.models import (
    Consultation,
    ConsultationMessage,
    ConsultationStatus,
    Craftsman,
    Demand,
    DemandKind,
    Feedback,
    Match,
    MatchStatus,
    Role,
)
from nlp.industry import catalogue
from nlp.script import to_simplified
from services.audit import AuditLog
from services.clock import Clock
from services.periods import Period, same_part_before
from services.regions import RegionDirectory
from services.staff_scope import own_region

NO_REGION, NO_INDUSTRY = "—", "—"
OWN, EVERYWHERE = "own", "everywhere"  # the region asked of report(): the staffer's own (the default), every one
ALL_REGIONS = frozenset({"全部", "全部地区", "全国", "所有地区", "all", "everywhere"})  # what asks for EVERYWHERE


def asks_everywhere(word: str) -> bool:
    """Whether a /stats argument asks for every region (in either script, any case)."""
    return to_simplified(word.strip()).lower() in ALL_REGIONS


@dataclass
class Figures:
    enterprises: int = 0
    problems: int = 0
    workers_trained: int = 0
    benefit: Decimal = Decimal(0)  # yuan
    participations: int = 0
    ratings: int = 0
    good_ratings: int = 0
    _served: set[object] = field(default_factory=set, repr=False)

    @property
    def satisfaction(self) -> float | None:
        return self.good_ratings / self.ratings if self.ratings else None

    def add_demand(self, enterprise: object, kind: DemandKind, trained: int | None, benefit: Decimal | None) -> None:
        if enterprise not in self._served:
            self._served.add(enterprise)
            self.enterprises += 1
        self.problems += kind is DemandKind.PROBLEM
        self.workers_trained += trained or 0
        self.benefit += benefit or 0


@dataclass
class Questions:
    filed: int = 0
    answered: int = 0


@dataclass
class Report:
    period: Period
    region: str | None
    total: Figures
    previous: Figures
    by_month: dict[str, Figures]  # "2024-03" → figures
    by_region: dict[str, Figures]  # region code (one level below the filter) → figures
    by_industry: dict[str, Figures]  # GB/T 4754 section letter (a division within a section asked) → figures
    consultations: dict[str, Questions] = field(default_factory=dict)  # union-service topic → members' questions
    industry: str | None = None  # the section or division asked
    so_far: datetime | None = None  # a period still running: the local moment its figures run to (the one before
    # is counted as far into it)


@dataclass(frozen=True)
class CraftsmanRecord:
    """A craftsman's own figures (/stats me), over all time."""

    name: str
    participations: int
    resolved: int
    enterprises: int
    workers_trained: int
    benefit: Decimal
    ratings: int
    mean_stars: float | None
    satisfaction: float | None


class Statistics:
    def __init__(self, db: Database, audit: AuditLog, regions: RegionDirectory, tz: ZoneInfo, clock: Clock) -> None:
        self.db, self.audit, self.regions, self.tz, self.clock = db, audit, regions, tz, clock

    def _breakdown_code(self, code: str | None, within: str | None) -> str:
        """The region a row is counted under: one level below ``within`` (cities of a province or of all)."""
        if code is None:
            return NO_REGION
        path = [p.code for p in self.regions.path(code)]
        if within is None:
            return path[1] if len(path) > 1 else path[0]
        if within in path:
            index = path.index(within)
            return path[index + 1] if index + 1 < len(path) else within
        return code

    async def report(
        self, actor: int, role: Role | None, period: Period, region: str = OWN, industry: str | None = None
    ) -> Report:
        """The programme's figures over ``period`` for ``region``: a GB/T 2260 code, EVERYWHERE, or OWN — the
        staffer's own region (and below), every region for staff without one and for admins (services/staff_scope.py):
        a city union reads its city's work unless it asks for more; ``industry`` (a section letter or a division
        code) narrows them to its demands. A period still running is compared with the same part of the one before."""
        named = None if region in (OWN, EVERYWHERE) else region
        await self.audit.require_staff(actor, role, "stats.read", named)
        if region == OWN:
            named = await own_region(self.db, actor)
        details: dict[str, Any] = {"period": f"{period.start}/{period.end}"} | (
            {"industry": industry} if industry else {}
        )
        await self.audit.record(actor, "stats.read", named, **details)
        now = self.clock.now().astimezone(self.tz)
        cut = same_part_before(period, now)
        total, by_month, by_region, by_industry = await self.figures(period, named, True, industry)
        previous, *_ = await self.figures(period.previous(), named, False, industry, until=cut)
        asked = {} if industry else await self.consultations(period, named)
        so_far = now if cut is not None else None
        return Report(period, named, total, previous, by_month, by_region, by_industry, asked, industry, so_far)

    async def consultations(self, period: Period, region: str | None) -> dict[str, Questions]:
        since, until = period.bounds(self.tz)
        replied = (  # staff replied at least once, though it may have been ended since
            select(ConsultationMessage.id)
            .where(ConsultationMessage.consultation_id == Consultation.id, ConsultationMessage.from_staff)
            .exists()
        )
        query = select(Consultation.topic, Consultation.status, replied).where(
            Consultation.created_at >= since, Consultation.created_at < until
        )
        if region:
            query = query.where(Consultation.region_code.in_(self.regions.descendants(region)))
        by_topic: dict[str, Questions] = defaultdict(Questions)
        async with self.db.session() as session:
            for topic, status, staff_replied in (await session.execute(query)).all():
                by_topic[topic].filed += 1
                by_topic[topic].answered += bool(staff_replied) or status is ConsultationStatus.ANSWERED
        return dict(by_topic)

    async def figures(
        self,
        period: Period,
        region: str | None,
        breakdowns: bool,
        industry: str | None = None,
        until: datetime | None = None,
    ) -> tuple[Figures, dict[str, Figures], dict[str, Figures], dict[str, Figures]]:
        """The figures over ``period`` (to ``until`` when given), in ``region`` and ``industry`` when given."""
        since, end = period.bounds(self.tz)
        until = min(end, until) if until is not None else end
        codes = self.regions.descendants(region) if region else None
        divisions = _divisions(industry)
        total = Figures()
        by_month: dict[str, Figures] = {f"{m:%Y-%m}": Figures() for m in period.months()} if breakdowns else {}
        by_region: dict[str, Figures] = defaultdict(Figures)
        by_industry: dict[str, Figures] = defaultdict(Figures)

        def buckets(at: datetime, code: str | None, division: str | None) -> list[Figures]:
            if not breakdowns:
                return [total]
            section = _industry_under(division, industry)
            month = by_month.setdefault(f"{at.astimezone(self.tz):%Y-%m}", Figures())
            return [total, month, by_region[self._breakdown_code(code, region)], by_industry[section]]

        async with self.db.session() as session:
            demands = select(
                Demand.enterprise_id,
                Demand.user_id,
                Demand.id,
                Demand.kind,
                Demand.region_code,
                Demand.industry,
                Demand.resolved_at,
                Demand.workers_trained,
                Demand.economic_benefit,
            ).where(Demand.resolved_at >= since, Demand.resolved_at < until)
            matches = (
                select(Match.decided_at, Demand.region_code, Demand.industry)
                .join(Demand, Demand.id == Match.demand_id)
                .where(Match.status == MatchStatus.ACCEPTED, Match.decided_at >= since, Match.decided_at < until)
            )
            ratings = (
                select(Feedback.created_at, Feedback.stars, Demand.region_code, Demand.industry)
                .join(Demand, Demand.id == Feedback.demand_id)
                .where(Feedback.from_role == "enterprise", Feedback.created_at >= since, Feedback.created_at < until)
            )
            if codes is not None:
                demands = demands.where(Demand.region_code.in_(codes))
                matches = matches.where(Demand.region_code.in_(codes))
                ratings = ratings.where(Demand.region_code.in_(codes))
            if divisions is not None:
                demands = demands.where(Demand.industry.in_(divisions))
                matches = matches.where(Demand.industry.in_(divisions))
                ratings = ratings.where(Demand.industry.in_(divisions))
            for enterprise_id, user_id, demand_id, kind, code, division, at, trained, benefit in (
                await session.execute(demands)
            ).all():
                who = ("enterprise", enterprise_id) if enterprise_id else ("contact", user_id or demand_id)
                for figures in buckets(at, code, division):
                    figures.add_demand(who, kind, trained, benefit)
            for at, code, division in (await session.execute(matches)).all():
                for figures in buckets(at, code, division):
                    figures.participations += 1
            for at, stars, code, division in (await session.execute(ratings)).all():
                for figures in buckets(at, code, division):
                    figures.ratings += 1
                    figures.good_ratings += stars >= 4
        return total, by_month, dict(by_region), dict(by_industry)

    async def craftsman_record(self, user_id: int) -> CraftsmanRecord | None:
        """The figures of the craftsman whose Telegram account is ``user_id``; None if there is none."""
        async with self.db.session() as session:
            craftsman = await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id))
            if craftsman is None:
                return None
            rows = (
                await session.execute(
                    select(
                        Demand.id,
                        Demand.enterprise_id,
                        Demand.user_id,
                        Demand.resolved_at,
                        Demand.workers_trained,
                        Demand.economic_benefit,
                    )
                    .join(Match, Match.demand_id == Demand.id)
                    .where(Match.craftsman_id == craftsman.id, Match.status == MatchStatus.ACCEPTED)
                )
            ).all()
            stars = list(
                (
                    await session.scalars(
                        select(Feedback.stars)
                        .join(Match, (Match.demand_id == Feedback.demand_id) & (Match.status == MatchStatus.ACCEPTED))
                        .where(Match.craftsman_id == craftsman.id, Feedback.from_role == "enterprise")
                    )
                ).all()
            )
        resolved = [r for r in rows if r.resolved_at is not None]
        return CraftsmanRecord(
            name=craftsman.name,
            participations=len(rows),
            resolved=len(resolved),
            enterprises=len({r.enterprise_id or ("contact", r.user_id or r.id) for r in resolved}),
            workers_trained=sum(r.workers_trained or 0 for r in resolved),
            benefit=sum((r.economic_benefit or Decimal(0) for r in resolved), Decimal(0)),
            ratings=len(stars),
            mean_stars=round(sum(stars) / len(stars), 2) if stars else None,
            satisfaction=sum(s >= 4 for s in stars) / len(stars) if stars else None,
        )


def _divisions(industry: str | None) -> list[str] | None:
    """The divisions an industry asked covers: a section's, or the division itself (None: every industry)."""
    if industry is None:
        return None
    sections = catalogue().sections
    return list(sections[industry].divisions) if industry in sections else [industry]


def _industry_under(division: str | None, industry: str | None) -> str:
    """What a demand of ``division`` is counted under: its section, or its division when a section is asked."""
    found = catalogue().divisions.get(division or "")
    if found is None:
        return NO_INDUSTRY
    return found.code if industry is not None else found.section


Number = TypeVar("Number", float, Decimal)


def change(now: Number | None, before: Number | None) -> float | None:
    """The relative change from ``before`` to ``now`` (None when there is nothing to compare with)."""
    if now is None or before is None or not before:
        return None
    return float(now - before) / float(before)
