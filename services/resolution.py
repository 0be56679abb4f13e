"""Recording a case as solved: the accepted craftsman records the solution and the figures the union counts
(workers trained, economic benefit in yuan), once the case's booked visit has taken place; staff may record it for
him at any time (for a craftsman without Telegram, after phoning him: services/stand_in.py), and the enterprise is
told which staffer recorded it for him. The enterprise is asked to confirm (回访, services/follow_up.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from buttons.follow_up import ConfirmSolved, Reopen
from db.database import Database
from db.models import Appointment, AppointmentStatus, Craftsman, Demand, DemandStatus, Match, MatchStatus, Role
from services.appointments import SERVING, taken_place
from services.audit import AuditLog, staff_role
from services.clock import Clock
from services.local_time import show as local
from services.outbox import Button, Notice, Outbox
from services.resolution_figures import MAX_BENEFIT, MAX_TRAINED
from services.results import Done, Reason
from services.service_record import Stop, active_match, craftsmans_match, transition
from services.staff_scope import OUT_OF_REGION, StaffChats, covered, within
from services.stand_in import RESOLVE, staff_name
from services.validation import says_nothing

MAX_SUMMARY = 1000


def round_of(demand: Demand) -> int:
    """The demand's resolution round: its ``resolved_at`` in whole seconds (0 while not resolved). A case reopened
    and resolved again is in a new round; what confirms or rates names the round it was sent for."""
    return int(demand.resolved_at.timestamp()) if demand.resolved_at is not None else 0


def answer_buttons(demand_id: int, round_: int) -> list[list[Button]]:
    """问题解决了吗？'s ✅ 已解决 / ↩️ 未解决 for round ``round_``: under the resolution notice and in /my."""
    return [
        [Button("follow.confirm", ConfirmSolved(demand_id, round_)), Button("follow.reopen", Reopen(demand_id, round_))]
    ]


async def withdraw_slots(session: AsyncSession, match_id: int, now: datetime) -> list[datetime]:
    """The case is solved: the slots still on offer are withdrawn (cancelled); the starts of those still to come
    are returned, for the enterprise to be told."""
    offered = (
        await session.scalars(
            select(Appointment)
            .where(Appointment.match_id == match_id, Appointment.status == AppointmentStatus.OFFERED)
            .order_by(Appointment.starts_at)
        )
    ).all()
    for appointment in offered:
        appointment.status, appointment.updated_at = AppointmentStatus.CANCELLED, now
    return [a.starts_at for a in offered if a.starts_at > now]


class Resolution:
    db: Database
    clock: Clock
    audit: AuditLog
    outbox: Outbox
    staff: StaffChats
    tz: ZoneInfo

    async def _visit_ahead(self, session: AsyncSession, match_id: int, now: datetime) -> datetime | None:
        """The start of the case's booked visit when it is still to come (a case is solved after its visit)."""
        ahead: datetime | None = await session.scalar(
            select(Appointment.starts_at)
            .where(
                Appointment.match_id == match_id,
                Appointment.status == AppointmentStatus.BOOKED,
                Appointment.starts_at > now,
            )
            .order_by(Appointment.starts_at)
            .limit(1)
        )
        return ahead

    @staticmethod
    async def _slots_on_offer(session: AsyncSession, match_id: int, now: datetime) -> bool:
        """Whether slots still to come are on offer for the case while no visit of it has taken place yet (a first
        visit is being arranged). Slots offered after a visit are a follow-up: they do not hold the case open
        (hostile4 item 5); recording the solution withdraws them (:func:`withdraw_slots`)."""
        offered = await session.scalar(
            select(Appointment.id)
            .where(
                Appointment.match_id == match_id,
                Appointment.status == AppointmentStatus.OFFERED,
                Appointment.starts_at > now,
            )
            .limit(1)
        )
        if offered is None:
            return False
        visited = await session.scalar(
            select(Appointment.id)
            .where(
                Appointment.match_id == match_id,
                (Appointment.status == AppointmentStatus.DONE)
                | ((Appointment.status == AppointmentStatus.BOOKED) & (Appointment.starts_at <= now)),
            )
            .limit(1)
        )
        return visited is None

    async def _resolvable(
        self, session: AsyncSession, actor: int, match_id: int, on_behalf: bool, now: datetime
    ) -> tuple[Demand, Craftsman]:
        """(demand, craftsman) of the case ``actor`` may record as solved: the accepted craftsman's own, once its
        booked visit has taken place and while no slots still to come are on offer (a visit being arranged); any
        open case of their region for staff (``on_behalf``), visit or not. Else Stop."""
        if on_behalf:
            match = await session.get(Match, match_id, with_for_update=True)
            demand = await session.get(Demand, match.demand_id, with_for_update=True) if match else None
            craftsman = await session.get(Craftsman, match.craftsman_id) if match else None
            if match is None or demand is None or craftsman is None:
                raise Stop(Reason.NOT_FOUND)
            if not within(await covered(session, self.staff.regions, actor), demand.region_code):
                raise Stop(OUT_OF_REGION, target=f"demand:{demand.id}")
            if match.status is not MatchStatus.ACCEPTED or demand.status not in SERVING:
                raise Stop(Reason.STALE)
            return demand, craftsman
        _, demand, craftsman = await craftsmans_match(session, actor, match_id, MatchStatus.ACCEPTED, SERVING)
        ahead = await self._visit_ahead(session, match_id, now)
        if ahead is not None:
            raise Stop(Reason.VISIT_AHEAD, at=local(ahead, self.tz))
        if await self._slots_on_offer(session, match_id, now):
            raise Stop(Reason.SLOTS_OFFERED)
        return demand, craftsman

    async def may_resolve(self, user_id: int, match_id: int, role: Role | None = None) -> Done:
        """Whether the craftsman (or staff, ``role`` read from the database) may record the case as solved, asked
        when 登记解决 is pressed, before the solution is typed: DONE, or the refusal :meth:`resolve` would give (a
        visit still to come; another region's case)."""
        try:
            async with self.db.session() as session:
                on_behalf = role is not None and staff_role(role)
                demand, _ = await self._resolvable(session, user_id, match_id, on_behalf, self.clock.now())
                return Done(demand.id, match_id)
        except Stop as stop:
            await stop.audit(self.audit, user_id, "case.resolve")
            raise

    async def case_to_resolve(self, demand_id: int) -> int | None:
        """The match staff may record demand ``demand_id`` as solved on (its accepted craftsman's, while the case
        is in service), or None."""
        async with self.db.session() as session:
            demand = await session.get(Demand, demand_id)
            if demand is None or demand.status not in SERVING:
                return None
            match = await active_match(session, demand_id)
            return match.id if match is not None and match.status is MatchStatus.ACCEPTED else None

    async def resolve(
        self,
        user_id: int,
        match_id: int,
        summary: str,
        trained: int,
        benefit: Decimal,
        role: Role | None = None,
    ) -> Done:
        """The accepted craftsman records the solution, once the booked visit (if any) has taken place; staff
        (``role``, read from the database) may record it for him at any time. Visits that began are done; one
        still to come stays booked (the enterprise may still say 未解决)."""
        if (
            says_nothing(
                summary
            )  # "啊啊啊", "测试测试": no solution (the chat asks again: resolve.summary_says_nothing)
            or len(summary) > MAX_SUMMARY
            or not 0 <= trained <= MAX_TRAINED
            or not Decimal(0) <= benefit <= MAX_BENEFIT  # services/resolution_figures.py
        ):
            raise ValueError("out of range")
        now = self.clock.now()
        on_behalf = role is not None and staff_role(role)
        amounts = {"benefit": str(benefit)}  # written in each recipient's way (i18n.money)
        try:
            async with self.db.session() as session:
                demand, craftsman = await self._resolvable(session, user_id, match_id, on_behalf, now)
                values = await self._record_resolution(
                    session, demand, craftsman, user_id, summary, trained, benefit, now
                )
                staffer = await staff_name(session, user_id) if on_behalf else ""  # named to the enterprise
                await taken_place(session, match_id, now)
                withdrawn = await withdraw_slots(session, match_id, now)
                owner, demand_id, round_ = demand.user_id, demand.id, round_of(demand)
        except Stop as stop:
            await stop.audit(self.audit, user_id, "case.resolve")
            raise
        if on_behalf:
            await self.audit.record(user_id, RESOLVE, f"match:{match_id}", on_behalf=True, craftsman=craftsman.id)
        if owner and withdrawn:
            await self.outbox.put(
                [owner],
                "notice",
                f"demand:{demand_id}:slots_withdrawn:{now.isoformat()}",
                Notice(
                    "resolve.slots_withdrawn",
                    values={"ticket": values["ticket"], "times": " / ".join(local(at, self.tz) for at in withdrawn)},
                ),
            )
        if owner:
            await self.outbox.put(
                [owner],
                "notice",
                f"demand:{demand_id}:resolved:{now.isoformat()}",
                Notice(
                    "follow.resolved_enterprise_for" if on_behalf else "follow.resolved_enterprise",
                    values={**values, "staff": staffer},
                    amounts=amounts,
                    buttons=answer_buttons(demand_id, round_),
                ),
            )
        await self.outbox.put(
            await self.staff.for_demand(demand_id),
            "notice",
            f"demand:{demand_id}:resolved:{now.isoformat()}",
            Notice("follow.resolved_staff", values=values, amounts=amounts),
        )
        return Done(demand_id, match_id)

    @staticmethod
    async def _record_resolution(
        session: AsyncSession,
        demand: Demand,
        craftsman: Craftsman,
        user_id: int,
        summary: str,
        trained: int,
        benefit: Decimal,
        now: datetime,
    ) -> dict[str, str | int]:
        if not await transition(session, demand, DemandStatus.RESOLVED, user_id, now, from_=SERVING):
            raise Stop(Reason.STALE, status=demand.status.value)
        demand.solution_summary, demand.workers_trained = summary.strip(), trained
        demand.economic_benefit, demand.resolved_at = benefit, now
        return {
            "ticket": demand.ticket or "",
            "name": craftsman.name,
            "summary": demand.solution_summary,
            "trained": trained,
        }
