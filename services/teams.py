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

    async def create_team(
        self, actor: int, actor_role: Role | None, name: str, level: TeamLevel, region_code: str
    ) -> Team:
        """The new team; Refused(NOT_STAFF) (audited) for anyone but staff, Refused(ALREADY) when the name is taken."""
        await self.audit.require_staff(actor, actor_role, "team.create", name)
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
