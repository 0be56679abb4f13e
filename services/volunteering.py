"""揭榜: craftsmen volunteer for open demands in their industries; staff confirm, and the craftsman, who has
said yes already, is the accepted one at once. Part of :class:`services.casework.Casework`, which supplies the
checks an offer shares (``_check_offer``, the staffer's region too) and the notices of an acceptance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Select, exists, func, select

from buttons.booking import OfferSlots
from buttons.queue import ConfirmVolunteer, ShowQueueItem
from db.models import Craftsman, CraftsmanIndustry, Demand, DemandStatus, Match, MatchStatus, Role
from nlp.industry import catalogue
from services.matching import Matcher
from services.outbox import Button, Notice
from services.results import Done, Reason, Refused
from services.service_record import Stop, contact_values, craftsman_of_user, move_match, transition
from services.talent_index import available

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from db.database import Database
    from services.audit import AuditLog
    from services.clock import Clock
    from services.outbox import Outbox
    from services.staff_scope import StaffChats

QUEUED = (DemandStatus.SUBMITTED, DemandStatus.ESCALATED)  # waiting for staff to pick a craftsman
RELATED_READ = 200  # newest demands of related divisions read for /board, to find those asking for his specialities


@dataclass(frozen=True)
class BoardItem:
    demand_id: int
    ticket: str
    text: str
    industry: str | None
    region_code: str | None
    volunteered: bool


class Volunteering:
    """The 揭榜 half of the casework (mixed into :class:`services.casework.Casework`)."""

    # what Casework supplies
    db: Database
    clock: Clock
    audit: AuditLog
    outbox: Outbox
    staff: StaffChats
    matcher: Matcher

    if TYPE_CHECKING:

        async def _check_offer(
            self,
            session: AsyncSession,
            demand: Demand | None,
            craftsman: Craftsman | None,
            by_staff: int | None = None,
        ) -> None: ...

        async def _accepted_notices(
            self, match_id: int, demand_id: int, owner: int | None, ticket: str, name: str
        ) -> None: ...

    async def board(self, user_id: int, limit: int = 10) -> list[BoardItem]:
        """Open demands in the craftsman's industries that nobody has taken: his own divisions first, then those of
        a related division (same section) that ask for one of his specialities — a word of his 技术处方 in the
        demand's text that is not used across the pool's trades (the matcher's ``general`` words): section C alone
        is 31 divisions. Refused(NOT_CRAFTSMAN) for someone who is not an available craftsman."""
        async with self.db.session() as session:
            craftsman = await craftsman_of_user(session, user_id)
            if craftsman is None or not available(
                craftsman.active, craftsman.status, craftsman.paused_until, self.clock.now().date()
            ):
                raise Refused(Reason.NOT_CRAFTSMAN)
            divisions = (
                await session.scalars(
                    select(CraftsmanIndustry.division).where(CraftsmanIndustry.craftsman_id == craftsman.id)
                )
            ).all()
            sections = {division.section for d in divisions if (division := catalogue().division(d))}
            related = [code for s in sections for code in catalogue().sections[s].divisions if code not in divisions]
            own = await session.scalars(self._open_for(craftsman.id, list(divisions)).limit(limit))
            rows = list(own.all())
            if len(rows) < limit and related:
                index = await self.matcher.index()
                skills = set(self.matcher.words(" ".join(craftsman.specialities or []))) - index.general
                nearby = await session.scalars(self._open_for(craftsman.id, related).limit(RELATED_READ))
                rows += [d for d in nearby.all() if skills & set(self.matcher.words(d.text or d.training_topic or ""))]
            rows = rows[:limit]
            mine = select(Match.demand_id).where(Match.craftsman_id == craftsman.id)
            offered = set(
                (
                    await session.scalars(mine.where(Match.volunteered.is_(True), Match.status == MatchStatus.PROPOSED))
                ).all()
            )
        return [
            BoardItem(
                d.id,
                d.ticket or "",
                (d.text or d.training_topic or "")[:200],
                d.industry,
                d.region_code,
                d.id in offered,
            )
            for d in rows
        ]

    @staticmethod
    def _open_for(craftsman_id: int, divisions: list[str]) -> Select[tuple[Demand]]:
        """Queued demands of ``divisions`` that nobody holds and the craftsman has not declined or let lapse,
        newest first."""
        taken = exists().where(
            Match.demand_id == Demand.id, Match.status.in_((MatchStatus.OFFERED, MatchStatus.ACCEPTED))
        )
        passed = select(Match.demand_id).where(
            Match.craftsman_id == craftsman_id, Match.status.in_((MatchStatus.DECLINED, MatchStatus.EXPIRED))
        )
        return (
            select(Demand)
            .where(Demand.status.in_(QUEUED), Demand.industry.in_(divisions), ~taken, ~Demand.id.in_(passed))
            .order_by(Demand.submitted_at.desc(), Demand.id.desc())
        )

    async def volunteer(self, user_id: int, demand_id: int) -> Done:
        """A craftsman volunteers for an open demand; staff get a button to confirm. Refused when he is no
        craftsman, has volunteered already (STALE), his capacity is taken (FULL with ``capacity`` and ``load``:
        his open cases and his other 揭榜 waiting for staff) or the demand cannot be offered to him
        (``_check_offer``)."""
        now = self.clock.now()
        async with self.db.session() as session:
            craftsman = await craftsman_of_user(session, user_id)
            if craftsman is None:
                raise Refused(Reason.NOT_CRAFTSMAN)
            demand = await session.get(Demand, demand_id, with_for_update=True)
            try:
                await self._check_offer(session, demand, craftsman)
            except Stop as stop:
                if stop.reason is not Reason.FULL:
                    raise  # a full craftsman is told his capacity below
            assert demand is not None  # _check_offer refuses a missing demand
            match = await session.scalar(
                select(Match).where(Match.demand_id == demand_id, Match.craftsman_id == craftsman.id)
            )
            if match is not None and match.volunteered and match.status is MatchStatus.PROPOSED:
                raise Refused(Reason.STALE, status="volunteered")
            load = await self._volunteer_load(session, craftsman.id, demand_id)
            if load >= craftsman.capacity:
                raise Refused(Reason.FULL, capacity=craftsman.capacity, load=load)
            if match is None:
                match = Match(demand_id=demand_id, craftsman_id=craftsman.id, created_at=now)
                session.add(match)
            match.status, match.volunteered, match.proposed_by, match.updated_at = (
                MatchStatus.PROPOSED,
                True,
                user_id,
                now,
            )
            await session.flush()
            match_id, ticket, name = match.id, demand.ticket or "", craftsman.name
        await self.audit.record(user_id, "match.volunteer", f"demand:{demand_id}")
        await self.outbox.put(
            await self.staff.for_demand(demand_id),
            "notice",
            f"match:{match_id}:volunteered:{now.isoformat()}",
            Notice(
                "case.volunteered_staff",
                values={"ticket": ticket, "name": name},
                buttons=[
                    [
                        Button("queue.confirm_volunteer", ConfirmVolunteer(match_id)),
                        Button("queue.show", ShowQueueItem(demand_id)),
                    ]
                ],
            ),
        )
        return Done(demand_id, match_id)

    @staticmethod
    async def _volunteer_load(session: AsyncSession, craftsman_id: int, demand_id: int) -> int:
        """The places of a craftsman's capacity taken when he volunteers for ``demand_id``: his open cases
        (offers waiting, accepted cases) and his other 揭榜 still waiting for staff, which would be cases too."""
        pending = await session.scalar(
            select(func.count())
            .select_from(Match)
            .join(Demand, Demand.id == Match.demand_id)
            .where(
                Match.craftsman_id == craftsman_id,
                Match.demand_id != demand_id,
                Match.volunteered.is_(True),
                Match.status == MatchStatus.PROPOSED,
                Demand.status.in_(QUEUED),
            )
        )
        return (await Matcher.loads(session, [craftsman_id])).get(craftsman_id, 0) + (pending or 0)

    async def confirm_volunteer(self, actor: int, role: Role | None, match_id: int) -> Done:
        """Staff confirm a volunteer: the craftsman has said yes already, so the demand is accepted at once and
        the craftsman gets the contact details. Refused for anyone but staff (audited), for another region's demand
        (audited) and when the demand cannot be offered to him any more."""
        await self.audit.require_staff(actor, role, "match.confirm_volunteer", f"match:{match_id}")
        now = self.clock.now()
        try:
            async with self.db.session() as session:
                match = await session.get(Match, match_id, with_for_update=True)
                if match is None or not match.volunteered:
                    raise Stop(Reason.NOT_FOUND)
                if match.status is not MatchStatus.PROPOSED:
                    raise Stop(Reason.STALE, status=match.status.value)
                demand = await session.get(Demand, match.demand_id, with_for_update=True)
                craftsman = await session.get(Craftsman, match.craftsman_id)
                await self._check_offer(session, demand, craftsman, by_staff=actor)  # Stop when it cannot be offered
                # _check_offer refuses a missing demand or craftsman, and a craftsman without an account
                assert demand is not None and craftsman is not None and craftsman.user_id is not None
                if not (
                    await transition(session, demand, DemandStatus.MATCHED, actor, now, note=f"揭榜 {craftsman.name}")
                    and await transition(
                        session, demand, DemandStatus.ACCEPTED, craftsman.user_id, now, note=craftsman.name
                    )
                    and await move_match(session, match, MatchStatus.ACCEPTED, now, offered_at=now, decided_at=now)
                ):
                    raise Stop(Reason.STALE, status="changed")
                contact = await contact_values(session, demand)
                owner, ticket, name, craftsman_user = (
                    demand.user_id,
                    demand.ticket or "",
                    craftsman.name,
                    craftsman.user_id,
                )
                demand_id = demand.id
        except Stop as stop:  # another region's demand: audited
            await stop.audit(self.audit, actor, "match.confirm_volunteer")
            raise
        await self.audit.record(actor, "match.confirm_volunteer", f"match:{match_id}")
        await self.outbox.put(
            [craftsman_user],
            "notice",
            f"match:{match_id}:volunteer_confirmed",
            Notice(
                "case.volunteer_confirmed",
                values={**contact, "ticket": ticket},
                buttons=[[Button("booking.offer_slots", OfferSlots(match_id))]],
            ),
        )
        await self._accepted_notices(match_id, demand_id, owner, ticket, name)
        return Done(demand_id, match_id, {"name": name})
