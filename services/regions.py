"""GB/T 2260 regions: seeding the table, and an in-memory directory for the province → city → county picker.

Rules follow db/seed/SOURCE.md: 直辖市 districts hang directly under the province; "same city" uses
:meth:`RegionDirectory.city_of`, never the first four digits.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select

from db.database import Database
from db.models import Region, RegionLevel

SEED = Path(__file__).resolve().parent.parent / "db" / "seed" / "regions.csv"
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    level: str
    parent_code: str | None


def read_seed(path: Path = SEED) -> list[Place]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [Place(r["code"], r["name"], r["level"], r["parent_code"] or None) for r in csv.DictReader(fh)]


async def seed_regions(db: Database, path: Path = SEED) -> int:
    """Load the GB/T 2260 table into an empty ``regions`` table; return how many rows were inserted."""
    async with db.session() as session:
        if await session.scalar(select(func.count()).select_from(Region)):
            return 0
        places = read_seed(path)
        rows = [
            {"code": p.code, "name": p.name, "level": RegionLevel(p.level), "parent_code": p.parent_code}
            for p in sorted(places, key=lambda p: {"province": 0, "city": 1, "county": 2}[p.level])
        ]
        await session.execute(insert(Region), rows)
        return len(rows)


class RegionDirectory:
    """All regions in memory (3,212 rows): children, paths and name search in microseconds."""

    def __init__(self, places: list[Place]) -> None:
        self.by_code = {p.code: p for p in places}
        self.children: dict[str | None, list[Place]] = {}
        for place in sorted(places, key=lambda p: p.code):
            self.children.setdefault(place.parent_code, []).append(place)

    @classmethod
    async def load(cls, db: Database) -> RegionDirectory:
        async with db.session() as session:
            rows = (await session.execute(select(Region.code, Region.name, Region.level, Region.parent_code))).all()
        return cls([Place(c, n, lvl.value if hasattr(lvl, "value") else lvl, p) for c, n, lvl, p in rows])

    def get(self, code: str | None) -> Place | None:
        return self.by_code.get(code or "")

    def provinces(self) -> list[Place]:
        return self.children.get(None, [])

    def children_of(self, code: str) -> list[Place]:
        return self.children.get(code, [])

    def path(self, code: str | None) -> list[Place]:
        out: list[Place] = []
        place = self.get(code)
        while place is not None:
            out.append(place)
            place = self.get(place.parent_code)
        return out[::-1]

    def full_name(self, code: str | None) -> str | None:
        parts = self.path(code)
        return " ".join(p.name for p in parts) if parts else None

    def descendants(self, code: str) -> list[str]:
        """``code`` and every region under it: the places a scope of ``code`` covers."""
        out, stack = [], [code]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(p.code for p in self.children.get(current, []))
        return out

    def ancestors(self, code: str | None) -> list[str]:
        """``code`` and the regions above it: the scopes that cover a person living in ``code``."""
        return [p.code for p in self.path(code)]

    def city_of(self, code: str) -> str:
        place = self.by_code[code]
        if place.level in ("city", "province"):
            return code
        if place.parent_code in MUNICIPALITIES:
            return place.parent_code
        parent = self.get(place.parent_code)
        return parent.code if parent is not None and parent.level == "city" else code

    def search(self, query: str, limit: int = 12) -> list[Place]:
        """Places whose name starts with (then contains) ``query``; '湖州' finds 湖州市."""
        query = query.strip()
        if not query:
            return []
        starts = [p for p in self.by_code.values() if p.name.startswith(query)]
        contains = [p for p in self.by_code.values() if query in p.name and p not in starts]
        order = {"province": 0, "city": 1, "county": 2}
        ranked = sorted(starts, key=lambda p: (order[p.level], p.code)) + sorted(
            contains, key=lambda p: (order[p.level], p.code)
        )
        return ranked[:limit]
