"""Read models of the demand pool: a demand as its owner or staff sees it (``DemandInfo``), its attachments, the
steps of its history as the enterprise is told them, and its ticket number."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import case, func

from db.models import Demand, DemandKind, DemandStatus, DemandStatusHistory
from services.service_record import ENTERPRISE

# /my's order (docs/pools.md): drafts first (the work in hand), then newest submitted first — not by id, which
# follows the order rows were written, not submitted (the demo's history, an import)
OWNER_ORDER = (
    case((Demand.status == DemandStatus.DRAFT, 0), else_=1),
    func.coalesce(Demand.submitted_at, Demand.created_at).desc(),
    Demand.id.desc(),
)


@dataclass(frozen=True)
class Attachment:
    kind: str
    file_id: str
    caption: str | None


class Step(NamedTuple):
    """One step of a demand's history as a reader may see it: a catalogue key naming it, when, and the note
    when the reader may read it."""

    key: str
    at: datetime
    note: str | None


def enterprise_step(from_status: str | None, to_status: str) -> str:
    """The step as the enterprise reads it in /my, in plain words: what concerns it, never why a craftsman
    declined or let an offer lapse (a matched demand back in the queue simply "is being matched again")."""
    s = DemandStatus
    if from_status == s.MATCHED.value and to_status in (s.SUBMITTED.value, s.ESCALATED.value):
        return "my.step.requeued"
    if to_status == s.ACCEPTED.value and from_status == s.RESOLVED.value:
        return "my.step.reopened"
    if to_status == s.ACCEPTED.value and from_status in (s.SCHEDULED.value, s.IN_SERVICE.value):
        return "my.step.unbooked"
    return f"my.step.{to_status}"


def step_of(h: DemandStatusHistory, for_enterprise: bool) -> Step:
    """Staff (and the craftsman concerned) read every step with its note; the enterprise reads its own words
    for each step and only the notes meant for it (its booking time, its stars, its reason for withdrawing)."""
    if for_enterprise:
        return Step(enterprise_step(h.from_status, h.to_status), h.at, h.note if h.visibility == ENTERPRISE else None)
    return Step(f"demand.status.{h.to_status}", h.at, h.note)


@dataclass(frozen=True)
class DemandInfo:
    id: int
    user_id: int | None
    ticket: str | None
    kind: DemandKind
    status: DemandStatus
    text: str
    industry: str | None
    industry_predicted: str | None
    industry_confidence: float | None
    urgency: str | None
    service_mode: str | None
    training_topic: str | None
    trainees: int | None
    preferred_dates: str | None
    region_code: str | None
    enterprise_id: int | None
    enterprise_name: str | None
    contact_name: str | None
    contact_phone: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    attachments: tuple[Attachment, ...] = ()
    craftsmen: tuple[str, ...] = ()  # assigned (accepted) craftsmen's names
    history: tuple[Step, ...] = field(default=(), repr=False)

    @property
    def has_content(self) -> bool:
        return bool(self.text.strip() or self.attachments or self.training_topic)

    def missing(self) -> list[str]:
        """What must still be filled before submitting, in asking order."""
        needed = ["text", "industry", "urgency", "service_mode", "contact_name", "contact_phone"]
        if self.kind is DemandKind.TRAINING:
            needed = ["training_topic", "trainees", "preferred_dates", *needed]
        return [name for name in needed if not getattr(self, name)]


def ticket_for(number: int, at: datetime, tz: ZoneInfo) -> str:
    return f"ZQ-{at.astimezone(tz).year}-{number:06d}"
