"""Pending enterprise links: who may confirm that a user belongs to an enterprise, and what follows.

A user who named (by its public credit code) an enterprise that already has people holds a pending link
(services/enterprises.py). Each verified member of that enterprise is asked, with 确认 / 拒绝 buttons; staff decide
from the notice of his unverified demand or from the demand's view. Every press is checked here, on the server,
against the database: the presser must be staff or a verified member of THAT enterprise (never the requester);
the button's data only names whom and which enterprise. Confirming links him (``users.enterprise_id``) and
verifies his demands filed under it; refusing ends the request, his demands stay unverified for staff to judge.
Each step is in the audit log: the request, the confirmation, the refusal, and every refused press.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select, update

from buttons.demands import OpenDemand
from buttons.enterprise_links import DecideLink, Decision
from db.database import Database
from db.models import Demand, DemandStatus, Enterprise, Role, User
from services.audit import STAFF_ROLES, AuditLog
from services.clock import Clock
from services.demand_info import DemandInfo
from services.enterprises import EnterpriseInfo, is_member, members
from services.outbox import Button, Notice, Outbox
from services.results import Done, Reason, Refused
from services.staff_scope import OUT_OF_REGION, StaffChats, covered, within


def decision_buttons(requester: int, enterprise_id: int, staff: bool = False) -> list[Button]:
    suffix = "_staff" if staff else ""
    return [
        Button(f"link.confirm{suffix}", DecideLink(Decision.CONFIRM, requester, enterprise_id)),
        Button(f"link.refuse{suffix}", DecideLink(Decision.REFUSE, requester, enterprise_id)),
    ]


def filing_profile(enterprise: EnterpriseInfo | None, draft: DemandInfo | None) -> EnterpriseInfo | None:
    """The profile a demand is filed with. A user whose link is pending files with his own contact and phone,
    kept on his demand (never on the enterprise's record, which he does not see)."""
    if enterprise is None or not enterprise.pending:
        return enterprise
    return replace(
        enterprise, contact_name=draft.contact_name if draft else None, phone=draft.contact_phone if draft else None
    )


def _name(user: User) -> str:
    name = " ".join(filter(None, [user.first_name, user.last_name]))
    return f"{name} (@{user.username})" if user.username else name


@dataclass(frozen=True)
class DemandLink:
    """How a demand stands: unverified or not, and the requester whose link still waits (for the buttons)."""

    unverified: bool
    requester: int | None = None
    enterprise_id: int | None = None


class EnterpriseLinks:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, outbox: Outbox, staff: StaffChats) -> None:
        self.db, self.clock, self.audit, self.outbox, self.staff = db, clock, audit, outbox, staff

    async def requested(self, user_id: int, enterprise_id: int) -> None:
        """``user_id`` asked to join ``enterprise_id`` (stored already): audit it and ask its verified members.
        A member is asked once per requester (the notice's key), so asking again does not flood them; staff can
        still decide from his demand."""
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            enterprise = await session.get(Enterprise, enterprise_id)
            if user is None or enterprise is None:
                return
            asked = [m for m in await members(session, enterprise) if m != user_id]
            values = {"requester": _name(user), "enterprise": enterprise.name}
        await self.audit.record(user_id, "enterprise.link.request", f"enterprise:{enterprise_id}", members=len(asked))
        if asked:
            await self.outbox.put(
                asked,
                "notice",
                f"link:{user_id}:{enterprise_id}",
                Notice("link.member_ask", values=values, buttons=[decision_buttons(user_id, enterprise_id)]),
            )

    async def flag_draft(self, demand_id: int, user_id: int, enterprise_id: int) -> bool:
        """Before submitting: mark the user's draft unverified exactly when it is filed under an enterprise he is
        not a verified member of (his link pending, or another enterprise claimed in this draft); return that."""
        async with self.db.session() as session:
            own = await session.scalar(select(User.enterprise_id).where(User.id == user_id))
            await session.execute(
                update(Demand)
                .where(Demand.id == demand_id, Demand.user_id == user_id, Demand.status == DemandStatus.DRAFT)
                .values(unverified=own != enterprise_id)
            )
        return own != enterprise_id

    async def filed_unverified(self, demand: DemandInfo) -> None:
        """Tell staff that ``demand`` was filed under a pending link, with the buttons to decide it."""
        async with self.db.session() as session:
            user = await session.get(User, demand.user_id) if demand.user_id else None
            if user is None or user.pending_enterprise_id is None:
                return
            enterprise_id = user.pending_enterprise_id
            values = {
                "ticket": demand.ticket or "",
                "requester": _name(user),
                "enterprise": demand.enterprise_name or "",
            }
        await self.outbox.put(
            await self.staff.covering(demand.region_code),
            "notice",
            f"demand:{demand.id}:unverified",
            Notice(
                "link.staff_unverified",
                values=values,
                buttons=[
                    decision_buttons(user.id, enterprise_id, staff=True),
                    [Button("demand.open", OpenDemand(demand.id))],
                ],
            ),
        )

    async def decide(self, actor: int, role: Role | None, requester: int, enterprise_id: int, accept: bool) -> Done:
        """A member of the enterprise (or staff) confirms or refuses ``requester``'s pending link: Done with the
        requester's and the enterprise's names, or Refused — NOT_YOURS (audited), OUT_OF_REGION (a staffer of
        another region than the enterprise's, audited), NOT_FOUND, STALE (decided already, or he named another
        enterprise since)."""
        action = "enterprise.link.confirm" if accept else "enterprise.link.refuse"
        target = f"user:{requester}"
        async with self.db.session() as session:
            enterprise = await session.get(Enterprise, enterprise_id)
            allowed = (
                enterprise is not None
                and actor != requester
                and (role in STAFF_ROLES or await is_member(session, actor, enterprise))
            )
            outside = (  # staff decide for the enterprises of their region and below only
                allowed
                and enterprise is not None
                and role in STAFF_ROLES
                and not within(await covered(session, self.staff.regions, actor), enterprise.region_code)
            )
            allowed = allowed and not outside
            user = await session.get(User, requester, with_for_update=True) if allowed else None
            if allowed and user is not None and user.pending_enterprise_id == enterprise_id:
                user.pending_enterprise_id = None
                if accept:
                    user.enterprise_id = enterprise_id
                    await session.execute(
                        update(Demand)
                        .where(Demand.user_id == requester, Demand.enterprise_id == enterprise_id)
                        .values(unverified=False)
                    )
                assert enterprise is not None  # allowed
                detail = {"requester": _name(user), "enterprise": enterprise.name}
            else:
                detail = None
        if outside:
            await self.audit.record(
                actor, action, target, allowed=False, reason=OUT_OF_REGION.value, enterprise=enterprise_id
            )
            raise Refused(OUT_OF_REGION)
        if not allowed:
            await self.audit.record(actor, action, target, allowed=False, enterprise=enterprise_id)
            raise Refused(Reason.NOT_YOURS if enterprise is not None else Reason.NOT_FOUND)
        if detail is None:  # decided already, or he named another enterprise since
            raise Refused(Reason.STALE)
        await self.audit.record(actor, action, target, enterprise=enterprise_id)
        await self.outbox.put(
            [requester],
            "notice",
            f"link:{requester}:{enterprise_id}:{self.clock.now().isoformat()}",
            Notice("link.confirmed" if accept else "link.refused", values={"enterprise": detail["enterprise"]}),
        )
        return Done(values=detail)

    async def of_demand(self, demand_id: int) -> DemandLink:
        """Whether the demand is unverified, and whose link still waits (so staff can decide from its view)."""
        async with self.db.session() as session:
            demand = await session.get(Demand, demand_id)
            if demand is None or not demand.unverified:
                return DemandLink(False)
            user = await session.get(User, demand.user_id) if demand.user_id else None
            if (
                user is not None
                and demand.enterprise_id is not None
                and user.pending_enterprise_id == demand.enterprise_id
            ):
                return DemandLink(True, user.id, demand.enterprise_id)
            return DemandLink(True)

    async def unverified_among(self, demand_ids: list[int]) -> set[int]:
        if not demand_ids:
            return set()
        async with self.db.session() as session:
            return set(
                (
                    await session.scalars(
                        select(Demand.id).where(Demand.id.in_(demand_ids), Demand.unverified.is_(True))
                    )
                ).all()
            )
