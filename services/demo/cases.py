"""The demo's demand pool, each demand at its own step of 企业点菜、劳模工匠做菜、工会送菜: waiting in the queue,
offered to a craftsman, a consultation booked for tomorrow, solved and waiting for the enterprise's rating, and the
services of the last months, solved and rated. Every step is written as the flow writes it: the status history
(who, when), the match, the appointment, the rating and the craftsman's figures."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from buttons.follow_up import ConfirmSolved, Reopen
from db.models import (
    Appointment,
    AppointmentStatus,
    Craftsman,
    Demand,
    DemandKind,
    DemandStatus,
    Enterprise,
    Feedback,
    Match,
    MatchStatus,
)
from services.demand_info import ticket_for
from services.demo.people import STAFFER, Pool
from services.demo.tables import ago, local_day_at, tables
from services.local_time import show
from services.outbox import Button, Notice
from services.resolution import round_of
from services.service_record import ENTERPRISE, INTERNAL, transition

S = DemandStatus
OPENED = 1.0  # days from filing to staff's offer
SCORE = 0.82


class Timeline:
    """The steps of one demand, in order, each written as the flow writes it (service_record.transition): the
    status moves and a status-history row is stored, dated ``at``."""

    def __init__(self, session: AsyncSession, demand: Demand) -> None:
        self.session, self.demand = session, demand

    async def step(
        self, to: DemandStatus, at: datetime, actor: int | None, note: str | None = None, visibility: str = INTERNAL
    ) -> None:
        if not await transition(self.session, self.demand, to, actor, at, note=note, visibility=visibility):
            raise RuntimeError(f"demo demand {self.demand.id} cannot move from {self.demand.status} to {to}")
        self.demand.updated_at = at  # kept when the demo's other columns are written (updated_at's onupdate)


async def load_cases(session: AsyncSession, pool: Pool, now: datetime, tz: ZoneInfo) -> list[tuple[int, str, Notice]]:
    """Write the demand pool; return the notices still owed (chat, dedupe key, notice): a resolution the
    enterprise has not confirmed yet."""
    owed = []
    for row in tables()["demands"]:
        enterprise = pool.enterprises[row["enterprise"]]
        craftsman = pool.craftsmen.get(row.get("craftsman", ""))
        demand, filed = _demand(row, enterprise, now)
        session.add(demand)
        await session.flush()
        demand.ticket = ticket_for(demand.id, filed, tz)
        timeline = Timeline(session, demand)
        await timeline.step(S.SUBMITTED, filed, enterprise.owner_user_id)
        if craftsman is not None:
            notice = await _serve(session, timeline, craftsman, enterprise, row, now, tz)
            if notice is not None and enterprise.owner_user_id:
                assert demand.resolved_at is not None  # the notice _serve returns is the resolution's
                owed.append(
                    (enterprise.owner_user_id, f"demand:{demand.id}:resolved:{demand.resolved_at.isoformat()}", notice)
                )
    return owed


def _demand(row: dict[str, Any], enterprise: Enterprise, now: datetime) -> tuple[Demand, datetime]:
    status = S(row["status"])
    if status is S.MATCHED:
        filed = ago(now, hours=row["hours"]) - timedelta(days=OPENED)
    elif status is S.CLOSED:
        filed = ago(now, days=row["days"] + 14)
    else:
        filed = ago(now, days=row["days"])
    kind = DemandKind(row.get("kind", "problem"))
    return Demand(
        enterprise_id=enterprise.id,
        user_id=enterprise.owner_user_id,
        kind=kind,
        text=row["text"],
        region_code=enterprise.region_code,
        industry=row.get("industry", enterprise.industry),
        industry_predicted=row.get("industry", enterprise.industry),
        urgency=row.get("urgency", "normal"),
        service_mode=row.get("mode", "onsite"),
        training_topic=row.get("topic"),
        trainees=row.get("trainees"),
        preferred_dates=row.get("dates"),
        contact_name=enterprise.contact_name,
        contact_phone=enterprise.phone,
        status=S.DRAFT,
        submitted_at=filed,
        created_at=filed - timedelta(minutes=20),
        updated_at=filed,
    ), filed


async def _serve(
    session: AsyncSession,
    timeline: Timeline,
    craftsman: Craftsman,
    enterprise: Enterprise,
    row: dict[str, Any],
    now: datetime,
    tz: ZoneInfo,
) -> Notice | None:
    """The craftsman's part, as far as the row's status goes; the resolution notice when one is still owed."""
    demand, status, owner = timeline.demand, S(row["status"]), enterprise.owner_user_id
    assert demand.submitted_at is not None  # _demand files it
    offered = ago(now, hours=row["hours"]) if status is S.MATCHED else demand.submitted_at + timedelta(days=OPENED)
    match = Match(
        demand_id=demand.id,
        craftsman_id=craftsman.id,
        score=SCORE,
        status=MatchStatus.OFFERED,
        proposed_by=STAFFER,
        offered_at=offered,
        created_at=offered,
        updated_at=offered,
    )
    session.add(match)
    await session.flush()
    await timeline.step(S.MATCHED, offered, STAFFER, craftsman.name)
    if status is S.MATCHED:
        return None
    accepted = offered + timedelta(hours=5)
    match.status, match.decided_at, match.updated_at = MatchStatus.ACCEPTED, accepted, accepted
    await timeline.step(S.ACCEPTED, accepted, craftsman.user_id, craftsman.name)
    if status is S.SCHEDULED:
        await _book_tomorrow(session, timeline, match, craftsman, row, now, tz)
        return None
    if status is S.IN_SERVICE:  # visited yesterday, the solution not recorded yet: /tasks can record it
        await _visited(session, timeline, match, enterprise, ago(now, days=1), tz, None)
        return None
    resolved = ago(now, days=row["resolved"] if status is S.RESOLVED else row["days"])
    await _visited(session, timeline, match, enterprise, resolved - timedelta(days=2, hours=3), tz, resolved)
    await timeline.step(S.RESOLVED, resolved, craftsman.user_id)
    demand.resolved_at, demand.solution_summary = resolved, row["solution"]
    demand.workers_trained, demand.economic_benefit = row["trained"] or None, Decimal(row["benefit"]) or None
    if status is S.RESOLVED:
        return Notice(
            "follow.resolved_enterprise",
            values={
                "ticket": demand.ticket,
                "name": craftsman.name,
                "summary": row["solution"],
                "trained": row["trained"],
            },
            amounts={"benefit": str(Decimal(row["benefit"]))},
            buttons=[
                [
                    Button("follow.confirm", ConfirmSolved(demand.id, round_of(demand))),
                    Button("follow.reopen", Reopen(demand.id, round_of(demand))),
                ]
            ],
        )
    rated = min(resolved + timedelta(days=1, hours=2), ago(now, hours=1))
    session.add(
        Feedback(demand_id=demand.id, from_user_id=owner, from_role="enterprise", stars=row["stars"], created_at=rated)
    )
    craftsman.rating_sum += row["stars"]
    craftsman.rating_count += 1
    await timeline.step(S.CLOSED, rated, owner, f"{row['stars']}★", ENTERPRISE)
    return None


async def _visited(
    session: AsyncSession,
    timeline: Timeline,
    match: Match,
    enterprise: Enterprise,
    visit: datetime,
    tz: ZoneInfo,
    resolved: datetime | None,
) -> None:
    """A consultation at ``visit``, which has begun: the case is ``in_service`` (the visit done when the case was
    ``resolved`` since). Booked three days ahead; one still open was booked just before it (arranged on the phone),
    so that no reminder of the demo's past is owed when the bot starts."""
    booked = visit - (timedelta(days=3) if resolved else timedelta(minutes=30))
    session.add(
        Appointment(
            match_id=match.id,
            starts_at=visit,
            ends_at=visit + timedelta(hours=2),
            place=f"{enterprise.name}（现场）",
            status=AppointmentStatus.DONE if resolved else AppointmentStatus.BOOKED,
            booked_at=booked,
            created_at=booked - timedelta(days=1),
            updated_at=resolved or booked,
        )
    )
    await timeline.step(S.SCHEDULED, booked, timeline.demand.user_id, show(visit, tz), ENTERPRISE)
    await timeline.step(S.IN_SERVICE, visit, None)


async def _book_tomorrow(
    session: AsyncSession,
    timeline: Timeline,
    match: Match,
    craftsman: Craftsman,
    row: dict[str, Any],
    now: datetime,
    tz: ZoneInfo,
) -> None:
    """A consultation booked for tomorrow at ``row["at"]``. Booked days ago when the day-before reminder is still to
    come; otherwise (late in the day) just now, so that no reminder was owed before the bot started."""
    starts = local_day_at(now, tz, 1, row["at"])
    booked = ago(now, days=2) if starts - timedelta(days=1) > now else ago(now, hours=0.5)
    assert match.decided_at is not None  # _serve accepted the match
    offered_slots = min(match.decided_at + timedelta(hours=20), booked - timedelta(hours=2))
    session.add(
        Appointment(
            match_id=match.id,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            place=row["place"],
            status=AppointmentStatus.BOOKED,
            booked_at=booked,
            created_at=offered_slots,
            updated_at=booked,
        )
    )
    session.add(
        Appointment(
            match_id=match.id,
            starts_at=starts + timedelta(days=1),
            place=row["place"],
            status=AppointmentStatus.CANCELLED,
            created_at=offered_slots,
            updated_at=booked,
        )
    )
    await timeline.step(S.SCHEDULED, booked, timeline.demand.user_id, show(starts, tz), ENTERPRISE)
