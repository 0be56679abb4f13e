"""/export: the programme as one .xlsx workbook (openpyxl) — the demand pool, the talent pool, matches and
service records, feedback, and this year's statistics by month. Dates are in local time (Asia/Shanghai by
default), without a time zone, as Excel shows them.

A staffer with a region exports the work of their region and below (services/staff_scope.py), as /queue shows it:
its demands (with their contacts), the craftsmen of it, the services and ratings of its demands, its figures.
Staff without a region and admins export every region's.

Every cell goes through services/spreadsheets.py: a control character in stored text cannot break the file, and
text that looks like a formula stays text. Sheet names, column headers and the words for statuses come from the caller (the message catalogue), in the
staffer's language: this module knows the data, not the words.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import aliased

from db.database import Database
from db.models import Appointment, Craftsman, Demand, Enterprise, Feedback, Match, Role, ServiceTeam
from services.audit import AuditLog
from services.periods import YEAR, this
from services.regions import RegionDirectory
from services.results import Refused
from services.spreadsheets import append_row
from services.staff_scope import OUT_OF_REGION, work_region
from services.statistics import EVERYWHERE, Statistics

SHEETS = ("demands", "talent", "matches", "feedback", "statistics")
MAX_WIDTH = 60


@dataclass(frozen=True)
class Words:
    """What the workbook says: sheet titles and headers per sheet, and a label for a coded value
    (``word("demand.status.resolved")``; unknown codes are shown as they are)."""

    titles: dict[str, str]
    headers: dict[str, list[str]]
    word: Callable[[str], str]


class Exporter:
    def __init__(
        self, db: Database, audit: AuditLog, regions: RegionDirectory, statistics: Statistics, tz: ZoneInfo
    ) -> None:
        self.db, self.audit, self.regions, self.statistics, self.tz = db, audit, regions, statistics, tz

    def _local(self, moment: datetime | None) -> datetime | None:
        return moment.astimezone(self.tz).replace(tzinfo=None, microsecond=0) if moment else None

    def _region(self, code: str | None) -> str:
        return self.regions.full_name(code) or "" if code else ""

    async def workbook(
        self, actor: int, role: Role | None, words: Words, today: date, asked: str | None = None
    ) -> bytes:
        """The workbook of ``actor``'s region (every region's for admins and staff without one), or of ``asked``,
        a region inside it (EVERYWHERE: every region, as for no region asked when she has none): one outside it,
        or EVERYWHERE for a staffer with a region, is Refused(OUT_OF_REGION, region=, own=), audited."""
        await self.audit.require_staff(actor, role, "export")
        async with self.db.session() as session:
            region = await work_region(session, actor)
        if asked == EVERYWHERE and region is None:
            asked = None
        if asked is not None:
            if region is not None and asked not in self.regions.descendants(region):
                await self.audit.record(actor, "export", f"region:{asked}", allowed=False, reason=OUT_OF_REGION.value)
                raise Refused(OUT_OF_REGION, region=asked, own=region)
            region = asked
        book = Workbook()
        book.remove(book.worksheets[0])  # the empty sheet a new workbook starts with (its active one)
        rows = {
            "demands": await self._demands(words, region),
            "talent": await self._talent(words, region),
            "matches": await self._matches(words, region),
            "feedback": await self._feedback(words, region),
            "statistics": await self._statistics(today, region),
        }
        for name in SHEETS:
            sheet = book.create_sheet(words.titles[name])
            append_row(sheet, words.headers[name])
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for row in rows[name]:  # text typed by users is cleaned of control characters, never a formula
                append_row(sheet, [float(v) if isinstance(v, Decimal) else v for v in row])
            _fit(sheet)
            sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        book.save(buffer)
        await self.audit.record(actor, "export", None, region=region, rows={n: len(r) for n, r in rows.items()})
        return buffer.getvalue()

    def _within(self, column: Any, region: str | None) -> ColumnElement[bool]:
        """Rows of ``region`` and below (every row when None)."""
        return true() if region is None else column.in_(self.regions.descendants(region))

    def _of_demands(self, query: Select[Any], region: str | None) -> Select[Any]:
        return query.where(self._within(Demand.region_code, region))

    async def _demands(self, words: Words, region: str | None) -> list[list[Any]]:
        async with self.db.session() as session:
            result = await session.execute(
                self._of_demands(
                    select(Demand, Enterprise.name)
                    .outerjoin(Enterprise, Enterprise.id == Demand.enterprise_id)
                    .where(Demand.ticket.is_not(None))
                    .order_by(Demand.id),
                    region,
                )
            )
            return [
                [
                    d.ticket,
                    words.word(f"demand.kind.{d.kind.value}"),
                    words.word(f"demand.status.{d.status.value}"),
                    enterprise or "",
                    d.contact_name or "",
                    d.contact_phone or "",
                    self._region(d.region_code),
                    d.industry or "",
                    d.industry_predicted or "",
                    words.word(f"demand.urgency.{d.urgency}") if d.urgency else "",
                    words.word(f"demand.mode.{d.service_mode}") if d.service_mode else "",
                    d.training_topic or "",
                    d.trainees,
                    d.text,
                    self._local(d.submitted_at),
                    self._local(d.resolved_at),
                    d.workers_trained,
                    d.economic_benefit,
                    d.solution_summary or "",
                ]
                for d, enterprise in result.all()
            ]

    async def _talent(self, words: Words, region: str | None) -> list[list[Any]]:
        async with self.db.session() as session:
            result = await session.execute(
                select(Craftsman, ServiceTeam.name)
                .outerjoin(ServiceTeam, ServiceTeam.id == Craftsman.team_id)
                .where(self._within(Craftsman.region_code, region))
                .order_by(Craftsman.id)
            )
            return [
                [
                    c.id,
                    c.name,
                    c.workplace,
                    "、".join(words.word(f"honour.{h}") for h in c.honours),
                    "；".join(c.specialities),
                    "、".join(sorted(i.division for i in c.industries)),
                    self._region(c.region_code),
                    team or "",
                    "、".join(words.word(f"demand.mode.{m}") for m in c.service_modes),
                    c.capacity,
                    words.word(f"talent.status.{c.status.value}"),
                    c.phone or "",
                    round(c.rating_sum / c.rating_count, 2) if c.rating_count else None,
                    c.rating_count,
                ]
                for c, team in result.all()
            ]

    async def _matches(self, words: Words, region: str | None) -> list[list[Any]]:
        booked = aliased(Appointment)
        async with self.db.session() as session:
            result = await session.execute(
                self._of_demands(
                    select(Match, Demand.ticket, Craftsman.name, booked)
                    .join(Demand, Demand.id == Match.demand_id)
                    .join(Craftsman, Craftsman.id == Match.craftsman_id)
                    .outerjoin(booked, booked.match_id == Match.id)
                    .order_by(Match.id, booked.id),
                    region,
                )
            )
            return [
                [
                    ticket,
                    name,
                    round(m.score, 3),
                    m.reasons or "",
                    words.word(f"match.status.{m.status.value}"),
                    "✔" if m.volunteered else "",
                    self._local(m.offered_at),
                    self._local(m.decided_at),
                    m.decline_reason or "",
                    self._local(a.starts_at) if a else None,
                    (a.place or a.link or "") if a else "",
                    words.word(f"appointment.status.{a.status.value}") if a else "",
                ]
                for m, ticket, name, a in result.all()
            ]

    async def _feedback(self, words: Words, region: str | None) -> list[list[Any]]:
        async with self.db.session() as session:
            result = await session.execute(
                self._of_demands(
                    select(Feedback, Demand.ticket).join(Demand, Demand.id == Feedback.demand_id).order_by(Feedback.id),
                    region,
                )
            )
            return [
                [ticket, words.word(f"role.{f.from_role}"), f.stars, f.comment or "", self._local(f.created_at)]
                for f, ticket in result.all()
            ]

    async def _statistics(self, today: date, region: str | None) -> list[list[Any]]:
        """This year by month, then the year's total, of ``region`` and below (every region when None)."""
        period = this(YEAR, today)
        total, by_month, _regions, _industries = await self.statistics.figures(period, region, breakdowns=True)
        rows = []
        for label, f in [*by_month.items(), (str(period.start.year), total)]:
            rows.append(
                [
                    label,
                    f.enterprises,
                    f.problems,
                    f.workers_trained,
                    f.benefit,
                    f.participations,
                    f.ratings,
                    round(f.satisfaction, 4) if f.satisfaction is not None else None,
                ]
            )
        return rows


def _fit(sheet: Any) -> None:
    widths: dict[int, int] = {}
    rows: Iterable[tuple[Any, ...]] = sheet.iter_rows(values_only=True)
    for row in rows:
        for index, value in enumerate(row, 1):
            text = str(value) if value is not None else ""
            width = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)  # CJK characters are twice as wide
            widths[index] = min(MAX_WIDTH, max(widths.get(index, 8), width + 2))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index)].width = width
