"""/privacy and /delete_me: what the bot stores about a person, and erasing it.

Erasure removes the person and every field that identifies them, and keeps what the programme counts:
a demand keeps its kind, industry, region, status, dates and results (so "problems solved" and "workers
trained" do not change) but loses its text, contact name and phone and attachments; a rating keeps its
stars but loses its comment and author; a craftsman's record keeps region, industries, ratings and service
counts under an anonymous name; an enterprise the person filed for keeps its name and credit code (company
data, not personal) but loses its contact person. Conversation state, settings, follows and enrolments,
undelivered messages and delivered ones (except broadcast rows, kept without a chat so the broadcast's report
still adds up) go. Copies of the person's data in rows of others — notices already sent (a new-demand notice to
staff, the 揭榜 confirmation with the contact's name and phone), status notes, conversation state, the update being
handled — are scrubbed too, and the messages already delivered that showed them are edited (services/erasure.py);
open demands are withdrawn first, releasing the craftsman who holds one (services/withdrawal.py); in the audit log the person's id becomes a pseudonym, the
negative id of the entry that records the erasure. On SQLite (secure_delete on) the WAL is checkpointed after an
erasure, so neither the database file nor the WAL keeps the erased bytes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.database import Database
from db.models import (
    BotState,
    Craftsman,
    Demand,
    DemandAttachment,
    DemandStatus,
    DemandStatusHistory,
    Enterprise,
    Feedback,
    MessageCopy,
    Notification,
    Subscription,
    SubscriptionKind,
    User,
)
from db.results import rowcount
from services.audit import AuditLog
from services.clock import Clock
from services.demands import OPEN_STATUSES
from services.erasure import (
    Traces,
    edit_copies,
    erase_consultations,
    replace_ids,
    scrub_json_rows,
    scrub_notes,
    scrub_notices,
    traces_of,
)
from services.outbox import Outbox
from services.service_record import transition
from services.users import Users
from services.withdrawal import Release, VisitsCancelled, release

log = logging.getLogger(__name__)
ERASED_NAME = "#{id}"  # what an erased craftsman's name becomes (language-neutral: a number, not a word)


@dataclass(frozen=True)
class StoredData:
    """What /privacy shows: the fields as stored, and how many records of each kind refer to the person."""

    first_name: str
    last_name: str | None
    username: str | None
    role: str | None
    region_code: str | None
    lang: str
    consent_at: datetime | None
    quiet: tuple[int, int]
    craftsman: dict[str, object] | None
    enterprise: dict[str, object] | None
    demands: int
    ratings: int
    follows: int
    enrolments: int
    messages: int
    drafts: int = 0  # demands begun and not submitted (``demands`` counts the submitted ones)
    pending_enterprise: str | None = None  # the name of an enterprise whose link waits: nothing else of its record


@dataclass(frozen=True)
class Erasure:
    demands: int = 0
    ratings: int = 0
    craftsman: bool = False
    enterprises: int = 0
    messages: int = 0
    states: int = 0


class Privacy:
    def __init__(self, db: Database, clock: Clock, audit: AuditLog, users: Users, outbox: Outbox) -> None:
        self.db, self.clock, self.audit, self.users, self.outbox = db, clock, audit, users, outbox
        self.visits_cancelled: VisitsCancelled | None = None  # Reminders.refresh, wired by the container
        self.changed: Callable[[], None] = lambda: (
            None
        )  # the talent pool changed (a craftsman was anonymised): the matcher reindexes

    async def stored(self, user_id: int) -> StoredData | None:
        async with self.db.session() as session:
            user = await session.get(User, user_id)
            if user is None:
                return None
            craftsman = await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id))
            enterprise = await session.get(Enterprise, user.enterprise_id) if user.enterprise_id else None
            pending = await session.get(Enterprise, user.pending_enterprise_id) if user.pending_enterprise_id else None

            async def count(query: Select[Any]) -> int:
                return int(await session.scalar(query) or 0)

            subs = select(func.count()).select_from(Subscription).where(Subscription.user_id == user_id)
            own = select(func.count()).select_from(Demand).where(Demand.user_id == user_id)
            return StoredData(
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                role=user.role.value if user.role else None,
                region_code=user.region_code,
                lang=user.lang.value,
                consent_at=user.consent_at,
                quiet=(user.quiet_start_minute, user.quiet_end_minute),
                craftsman=None
                if craftsman is None
                else {
                    "name": craftsman.name,
                    "workplace": craftsman.workplace,
                    "phone": craftsman.phone,
                    "specialities": list(craftsman.specialities),
                },
                enterprise=None
                if enterprise is None
                else {"name": enterprise.name, "contact": enterprise.contact_name, "phone": enterprise.phone},
                demands=await count(own.where(Demand.status != DemandStatus.DRAFT)),
                drafts=await count(own.where(Demand.status == DemandStatus.DRAFT)),
                ratings=await count(select(func.count()).select_from(Feedback).where(Feedback.from_user_id == user_id)),
                follows=await count(subs.where(Subscription.kind == SubscriptionKind.FOLLOW)),
                enrolments=await count(subs.where(Subscription.kind != SubscriptionKind.FOLLOW)),
                messages=await count(
                    select(func.count()).select_from(Notification).where(Notification.chat_id == user_id)
                ),
                pending_enterprise=pending.name if pending else None,
            )

    async def erase(self, user_id: int) -> Erasure:
        """Erase ``user_id``'s personal data in one transaction (see the module's docstring for what stays)."""
        async with self.db.session() as session:
            traces, demand_ids = await self._traces(session, user_id)
            released = await self._withdraw_open(session, demand_ids)
            if demand_ids:
                await session.execute(delete(DemandAttachment).where(DemandAttachment.demand_id.in_(demand_ids)))
                await session.execute(
                    update(Demand)
                    .where(Demand.id.in_(demand_ids))
                    .values(
                        text="",
                        contact_name=None,
                        contact_phone=None,
                        preferred_dates=None,
                        user_id=None,
                        industry_choice_id=None,
                    )
                )
            await session.execute(
                update(DemandStatusHistory)
                .where(DemandStatusHistory.actor_user_id == user_id)
                .values(actor_user_id=None, note=None)
            )
            ratings = (
                rowcount(
                    await session.execute(
                        update(Feedback).where(Feedback.from_user_id == user_id).values(from_user_id=None, comment=None)
                    )
                )
                or 0
            )
            craftsman = await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id))
            if craftsman is not None:
                craftsman.name = ERASED_NAME.format(id=craftsman.id)
                craftsman.workplace, craftsman.phone, craftsman.user_id = "", None, None
                craftsman.specialities, craftsman.honours, craftsman.search_text = [], [], ""
                craftsman.active = False
            enterprises = (
                rowcount(
                    await session.execute(
                        update(Enterprise)
                        .where(Enterprise.owner_user_id == user_id)
                        .values(owner_user_id=None, contact_name=None, phone=None)
                    )
                )
                or 0
            )
            messages = (
                rowcount(
                    await session.execute(
                        delete(Notification).where(Notification.chat_id == user_id, Notification.broadcast_id.is_(None))
                    )
                )
                or 0
            )
            await session.execute(
                update(Notification)
                .where(Notification.chat_id == user_id)  # broadcast rows
                .values(chat_id=-Notification.id, payload={}, last_error=None)
            )
            states = await self._drop_states(session, user_id)
            await session.execute(delete(MessageCopy).where(MessageCopy.chat_id == user_id))  # their own chat's
            await erase_consultations(session, user_id, traces)
            held = await scrub_notices(session, traces)  # copies kept by others: notices, notes, state, updates
            await edit_copies(session, self.clock.now(), demand_ids, held)  # and the messages already in their chats
            await scrub_notes(session, traces, demand_ids)
            await scrub_json_rows(session, traces)
            await replace_ids(session, user_id, await self.audit.pseudonymise(session, user_id))
            await session.execute(update(User).where(User.id == user_id).values(enterprise_id=None))
            await session.execute(delete(User).where(User.id == user_id))
        for freed in released:  # after the commit: the craftsmen holding them learn the ticket, nothing more
            await freed.tell(self.outbox, self.visits_cancelled)
        await self.db.reclaim()  # SQLite: the old page versions leave the WAL now, not whenever it next fills
        self.users.forget(user_id)
        if craftsman is not None:
            self.changed()
        log.info("personal data erased", extra={"demands": len(demand_ids)})
        return Erasure(
            demands=len(demand_ids),
            ratings=ratings,
            craftsman=craftsman is not None,
            enterprises=enterprises,
            messages=messages,
            states=states,
        )

    async def _withdraw_open(self, session: AsyncSession, demand_ids: list[int]) -> list[Release]:
        """The person's open demands are withdrawn (nobody is left to serve), releasing whoever holds them."""
        if not demand_ids:
            return []
        now, released = self.clock.now(), []
        demands = (
            await session.scalars(
                select(Demand).where(Demand.id.in_(demand_ids), Demand.status.in_(OPEN_STATUSES)).with_for_update()
            )
        ).all()
        for demand in demands:
            if await transition(session, demand, DemandStatus.WITHDRAWN, None, now, from_=OPEN_STATUSES):
                released.append(await release(session, demand, now))
        return released

    @staticmethod
    async def _traces(session: AsyncSession, user_id: int) -> tuple[Traces, list[int]]:
        """What identifies the person in rows of others (services/erasure.py), read before anything is erased; and
        the ids of their demands."""
        demand_rows = (
            await session.execute(
                select(Demand.id, Demand.text, Demand.contact_name, Demand.contact_phone, Demand.training_topic).where(
                    Demand.user_id == user_id
                )
            )
        ).all()
        demand_ids = [row[0] for row in demand_rows]
        attachments = (
            (
                await session.execute(
                    select(DemandAttachment.file_id, DemandAttachment.caption).where(
                        DemandAttachment.demand_id.in_(demand_ids)
                    )
                )
            ).all()
            if demand_ids
            else []
        )
        traces = await traces_of(
            session,
            await session.get(User, user_id),
            await session.scalar(select(Craftsman).where(Craftsman.user_id == user_id)),
            demand_rows,
            (
                await session.execute(
                    select(Enterprise.contact_name, Enterprise.phone).where(Enterprise.owner_user_id == user_id)
                )
            ).all(),
            list((await session.scalars(select(Feedback.comment).where(Feedback.from_user_id == user_id))).all()),
            attachments,
        )
        return traces, demand_ids

    @staticmethod
    async def _drop_states(session: AsyncSession, user_id: int) -> int:
        """Per-user data and every conversation state keyed by this user (keys are JSON [chat, user] lists)."""
        rows = (await session.execute(select(BotState.namespace, BotState.key))).all()
        doomed = [
            (ns, key)
            for ns, key in rows
            if (ns == "user_data" and key == str(user_id)) or (ns.startswith("conv:") and user_id in json.loads(key))
        ]
        for namespace, key in doomed:
            await session.execute(delete(BotState).where(BotState.namespace == namespace, BotState.key == key))
        return len(doomed)
