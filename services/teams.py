"""Service teams (劳模工匠技术服务队): the one read model of a team, as every service hands it out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.database import Database
from db.models import ServiceTeam, TeamLevel


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
