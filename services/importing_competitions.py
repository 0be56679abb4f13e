"""Competitions from Excel or CSV: the columns, validating one row, and publishing the valid rows.

A row whose name and start match a published competition updates it (followers are told of a new deadline or
place); any other row publishes a new competition, with its notices and reminders, through services.competitions.
A staffer with a region imports competitions of her region and below only (services/staff_scope.py): a row for
another region, a nationwide one, or one matching another region's competition is reported as a bad row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from db.database import Database
from db.models import Competition, EventStatus, Role
from services.clock import Clock
from services.competitions import TEXT_LIMITS, Competitions, check, split_industry
from services.local_time import parse_moment
from services.results import Reason, Refused
from services.staff_scope import own_region
from services.validation import Invalid

COLUMNS = (
    "竞赛名称",
    "行业代码",
    "地区代码",
    "主办单位",
    "报名截止",
    "开始时间",
    "结束时间",
    "地点或链接",
    "简介",
    "报名方式",
)
EXAMPLE = (
    "湖州市数控车工技能竞赛（示例）",
    "C",
    "330500",
    "湖州市总工会",
    "2026-12-01 17:00",
    "2026-12-10 09:00",
    "2026-12-10 17:00",
    "湖州技师学院",
    "以赛促学，决赛前三名授予市技术能手称号",
    "向所在企业工会报名",
)
END_OF_DAY = time(23, 59)
TEXT_COLUMNS = {
    "name": "竞赛名称",
    "organiser": "主办单位",
    "place": "地点或链接",
    "link": "地点或链接",
    "description": "简介",
    "how_to_register": "报名方式",
}
TIME_FAULTS = {"everyday.too_far": "import.err.too_far", "everyday.past": "import.err.past"}  # else: not a time
ROW_FAULTS = {  # services.competitions.check's faults, as a row's: the chat's keys ask to type it again
    "competition.start_past": "import.err.start_past",
    "competition.deadline_after_start": "import.err.deadline_after_start",
    "competition.end_before_start": "import.err.end_before_start",
}


class CompetitionRows:
    def __init__(
        self, db: Database, clock: Clock, tz: ZoneInfo, region_exists: Callable[[str], bool], competitions: Competitions
    ) -> None:
        self.db, self.clock, self.tz, self.region_exists = db, clock, tz, region_exists
        self.competitions = competitions

    def validate(self, cells: dict[str, str], signal: Callable[..., Exception]) -> dict[str, Any]:
        """One row → the values services.competitions takes; raises ``signal(key, **values)`` on a fault. The times
        keep the rules of /new_competition's answers (still to come, at most two years ahead: the same reader),
        and the row the rules of every competition (:func:`services.competitions.check`), each fault worded for a
        row of a file: its column and value, never "please type it again"."""
        now = self.clock.now()
        name = cells["竞赛名称"]
        try:
            split_industry(cells["行业代码"] or None)
        except Invalid:
            raise signal("import.err.division", value=cells["行业代码"]) from None
        region = cells["地区代码"].removesuffix(".0") or None
        if region is not None and not self.region_exists(region):
            raise signal("import.err.region", value=region)
        where = cells["地点或链接"]
        values: dict[str, Any] = {
            "name": name,
            "industry": cells["行业代码"] or None,
            "region_code": region,
            "organiser": cells["主办单位"] or None,
            "description": cells["简介"] or None,
            "how_to_register": cells["报名方式"] or None,
            "link" if where.startswith(("http://", "https://")) else "place": where or None,
        }
        for field, column in TEXT_COLUMNS.items():
            if values.get(field) and len(values[field]) > TEXT_LIMITS[field]:
                raise signal("import.err.too_long", column=column, max=TEXT_LIMITS[field])
        for column, field, default in (
            ("报名截止", "registration_deadline", END_OF_DAY),
            ("开始时间", "starts_at", None),
            ("结束时间", "ends_at", END_OF_DAY),
        ):
            text = cells[column]
            try:
                values[field] = parse_moment(text, self.tz, now, default, future=True).at if text else None
            except Invalid as exc:
                key = TIME_FAULTS.get(exc.key, "import.err.datetime")
                raise signal(key, column=column, value=text, limit=exc.values.get("limit", "")) from None
        try:
            check({k: v for k, v in values.items() if k != "industry"}, now)
        except Invalid as exc:
            raise signal(ROW_FAULTS.get(exc.key, exc.key), **exc.values) from None
        values["_key"] = (name, values["starts_at"])
        return values

    async def _published(self, row: dict[str, Any]) -> tuple[int, str | None] | None:
        """The published competition a row updates (same name and start): its id and region; None for a new one."""
        async with self.db.session() as session:
            found = (
                await session.execute(
                    select(Competition.id, Competition.region_code).where(
                        Competition.name == row["name"],
                        Competition.starts_at == row["starts_at"],
                        Competition.status == EventStatus.PUBLISHED,
                    )
                )
            ).first()
        return (found.id, found.region_code) if found is not None else None

    async def outside(self, actor: int, rows: list[dict[str, Any]]) -> dict[int, tuple[str, dict[str, Any]]]:
        """The rows (by index) outside ``actor``'s region, each with its error key and values: a region outside
        hers, none (nationwide), or the same name and start as a published competition of another region (it would
        update that one). The refusal is audited once per check of a file (its rows counted); none for staff without a
        region and admins."""
        own = await own_region(self.db, actor)
        if own is None:
            return {}
        scope = set(self.competitions.regions.descendants(own))
        found: dict[int, tuple[str, dict[str, Any]]] = {}
        for i, row in enumerate(rows):
            region = row["region_code"]
            if region is None:
                found[i] = ("import.err.nationwide", {})
            elif region not in scope:
                found[i] = ("import.err.out_of_region", {"value": region})
            elif (published := await self._published(row)) is not None and published[1] not in scope:
                found[i] = ("import.err.other_regions_competition", {"name": row["name"]})
        if found:
            await self.competitions.audit.record(
                actor, "competition.create", "import", allowed=False, reason=Reason.OUT_OF_REGION.value, rows=len(found)
            )
        return found

    async def apply(
        self, rows: list[dict[str, Any]], actor: int, role: Role | None, refused: list[int] | None = None
    ) -> tuple[int, int]:
        """Publish new competitions, update matching ones; (inserted, updated). A row refused meanwhile (its
        region outside the staffer's: Refused(OUT_OF_REGION), audited) is skipped, its index added to ``refused``."""
        inserted = updated = 0
        for i, row in enumerate(rows):
            existing = await self._published(row)
            try:
                if existing is None:
                    await self.competitions.create(actor, role, row)
                    inserted += 1
                else:
                    await self.competitions.change(actor, role, existing[0], row)
                    updated += 1
            except Refused as exc:
                if exc.reason is not Reason.OUT_OF_REGION:
                    raise
                if refused is not None:
                    refused.append(i)
        return inserted, updated
