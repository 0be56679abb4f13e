"""Service teams (劳模工匠技术服务队)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.models import ServiceTeam
from db.database import Database


@dataclass(frozen=True)
class TeamInfo:
    id: int
    name: str
    level: str
    region_code: str


async def get_team(db: Database, team_id: int) -> TeamInfo | None:
    async with db.session() as session:
        team = await session.get(ServiceTeam, team_id)
        return TeamInfo(team.id, team.name, team.level.value, team.region_code) if team else None


async def list_teams(db: Database) -> list[TeamInfo]:
    async with db.session() as session:
        teams = (await session.scalars(select(ServiceTeam).order_by(ServiceTeam.level, ServiceTeam.id))).all()
        return [TeamInfo(t.id, t.name, t.level.value, t.region_code) for t in teams]
