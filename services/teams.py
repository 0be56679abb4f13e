"""Service teams (劳模工匠技术服务队): the one read model of a team, as every service hands it out, and the roster
(the teams with their published members, creating a team, putting a craftsman in one) that the talent pool offers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from db.database import Database
from db.models import Craftsman, Role, ServiceTeam, TeamLevel
from services.audit import AuditLog, NotStaff
from services.clock import Clock
from services.results import Reason, Refused
from services.staff_scope import OUT_OF_REGION, StaffChats, own_region
from services.validation import Invalid, has_words

# where a team of each level is placed: a provincial team at a province, a city (or industry) team at a city, a
# county team at a county; a grassroots team at the county its unit lies in (GB/T 2260 goes no lower)
PLACE_LEVEL = {
    TeamLevel.PROVINCE: "province",
    TeamLevel.CITY: "city",
    TeamLevel.COUNTY: "county",
    TeamLevel.GRASSROOTS: "county",
}
_DEPTH = {"province": 0, "city": 1, "county": 2}


def team_name(name: str) -> str:
    """A new team's name as kept; Invalid("teams.no_words") for one without words (only emoji, punctuation)."""
    if not has_words(name):
        raise Invalid("teams.no_words")
    return name


@dataclass(frozen=True)
class Team:
    """A service team as anyone may read it; ``members`` counts its craftsmen where the reader asked for it."""

    id: int
    name: str
    level: TeamLevel
    region_code: str
    members: int = 0

    @classmethod
    def of(cls, team: ServiceTeam, members: int = 0) -> Team:
        return cls(team.id, team.name, team.level, team.region_code, members)


async def get_team(db: Database, team_id: int) -> Team | None:
    async with db.session() as session:
        team = await session.get(ServiceTeam, team_id)
        return Team.of(team) if team else None


async def list_teams(db: Database) -> list[Team]:
    async with db.session() as session:
        teams = (await session.scalars(select(ServiceTeam).order_by(ServiceTeam.level, ServiceTeam.id))).all()
        return [Team.of(t) for t in teams]


class TeamRoster:
    """The service teams half of the talent pool (mixed into :class:`services.talent.Talent`)."""

    # what Talent supplies
    db: Database
    clock: Clock
    audit: AuditLog
    staff: StaffChats  # its regions: where a staffer works

    if TYPE_CHECKING:

        def changed(self) -> None: ...

        def _published(self) -> tuple[Any, ...]: ...

    async def teams(self) -> list[Team]:
        async with self.db.session() as session:
            rows = await session.execute(
                select(Craftsman.team_id, func.count()).where(*self._published()).group_by(Craftsman.team_id)
            )
            counts = dict(rows.tuples().all())
            teams = (await session.scalars(select(ServiceTeam).order_by(ServiceTeam.region_code, ServiceTeam.id))).all()
            order = list(TeamLevel)
            cards = [Team.of(t, counts.get(t.id, 0)) for t in teams]
            return sorted(cards, key=lambda t: (order.index(t.level), t.region_code, t.id))

    async def teams_near(self, region_code: str) -> list[Team]:
        """Teams in the same province as ``region_code`` (the ones a craftsman there may join)."""
        return [t for t in await self.teams() if t.region_code[:2] == region_code[:2]]

    async def team_start(self, actor: int, actor_role: Role | None, level: TeamLevel) -> str | None:
        """Where the place of a new team of ``level`` is chosen from: ``actor``'s own region (None: every region,
        for admins and staff without one). Refused(OUT_OF_REGION), audited, when a team of that level cannot lie
        inside her region (a provincial team for a city's staffer)."""
        await self.audit.require_staff(actor, actor_role, "team.create")
        own = await own_region(self.db, actor)
        place = self.staff.regions.get(own) if own else None
        if place is not None and _DEPTH[place.level] > _DEPTH[PLACE_LEVEL[level]]:
            await self.audit.record(
                actor, "team.create", f"level:{level.value}", allowed=False, reason=OUT_OF_REGION.value
            )
            raise Refused(OUT_OF_REGION, own=own)
        return own

    async def create_team(
        self, actor: int, actor_role: Role | None, name: str, level: TeamLevel, region_code: str
    ) -> Team:
        """The new team; Refused(NOT_STAFF) (audited) for anyone but staff, Refused(OUT_OF_REGION) (audited) for a
        place outside the staffer's region, Refused(ALREADY) when the name is taken; Invalid for a name without
        words (:func:`team_name`) or a place not of the team's level (``teams.wrong_place``, :data:`PLACE_LEVEL`)."""
        await self.audit.require_staff(actor, actor_role, "team.create", name)
        team_name(name)
        place = self.staff.regions.get(region_code)
        if place is None or place.level != PLACE_LEVEL[level]:
            raise Invalid("teams.wrong_place", level=level.value)
        own = await own_region(self.db, actor)
        if own is not None and region_code not in self.staff.regions.descendants(own):
            await self.audit.record(
                actor, "team.create", f"region:{region_code}", allowed=False, reason=OUT_OF_REGION.value
            )
            raise Refused(OUT_OF_REGION, own=own)
        async with self.db.session() as session:
            if await session.scalar(select(ServiceTeam.id).where(ServiceTeam.name == name)):
                raise Refused(Reason.ALREADY, name=name)
            team = ServiceTeam(name=name, level=level, region_code=region_code)
            session.add(team)
            await session.flush()
            card = Team.of(team)
        await self.audit.record(actor, "team.create", f"team:{card.id}")
        return card

    async def assign_team(self, craftsman_id: int, team_id: int | None, actor: int, actor_role: Role | None) -> bool:
        """Whether the craftsman now belongs to ``team_id`` (False when refused: see :meth:`staff_assign_team`)."""
        try:
            return await self.staff_assign_team(craftsman_id, team_id, actor, actor_role)
        except NotStaff:
            return False

    async def staff_assign_team(
        self, craftsman_id: int, team_id: int | None, actor: int, actor_role: Role | None
    ) -> bool:
        """Put the craftsman in ``team_id`` (None: no team); False when either is gone; Refused(NOT_STAFF),
        audited, for anyone but staff."""
        await self.audit.require_staff(actor, actor_role, "team.assign", f"craftsman:{craftsman_id}")
        async with self.db.session() as session:
            c = await session.get(Craftsman, craftsman_id)
            if c is None or (team_id is not None and await session.get(ServiceTeam, team_id) is None):
                return False
            c.team_id, c.updated_at = team_id, self.clock.now()
        self.changed()
        await self.audit.record(actor, "team.assign", f"craftsman:{craftsman_id}", team_id=team_id)
        return True
