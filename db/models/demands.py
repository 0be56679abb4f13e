"""The demand pool and the service flow: demands, matches, appointments, feedback."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped, str_enum, utcnow


class DemandKind(str, enum.Enum):
    PROBLEM = "problem"  # 技术难题
    TRAINING = "training"  # 培训需求


class DemandStatus(str, enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    MATCHED = "matched"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    IN_SERVICE = "in_service"
    RESOLVED = "resolved"
    CLOSED = "closed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ESCALATED = "escalated"


class Demand(Timestamped, Base):
    """One enterprise request (技术难题 or 培训需求) in the demand pool."""

    __tablename__ = "demands"
    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str | None] = mapped_column(String(20), unique=True)  # ZQ-2026-000123, given on submit
    enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[DemandKind] = mapped_column(str_enum(DemandKind))
    text: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    industry_predicted: Mapped[str | None] = mapped_column(String(3))
    industry_confidence: Mapped[float | None] = mapped_column(Float)
    industry: Mapped[str | None] = mapped_column(String(3), index=True)  # confirmed by the user
    urgency: Mapped[str | None] = mapped_column(String(16))
    service_mode: Mapped[str | None] = mapped_column(String(24))
    training_topic: Mapped[str | None] = mapped_column(String(256))
    trainees: Mapped[int | None] = mapped_column(Integer)
    preferred_dates: Mapped[str | None] = mapped_column(String(256))
    status: Mapped[DemandStatus] = mapped_column(str_enum(DemandStatus), default=DemandStatus.DRAFT, index=True)
    submitted_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    solution_summary: Mapped[str | None] = mapped_column(Text)
    workers_trained: Mapped[int | None] = mapped_column(Integer)
    economic_benefit: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))  # 经济效益, yuan
    contact_name: Mapped[str | None] = mapped_column(String(64))  # who to call about this demand (staff, craftsman)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    industry_choice_id: Mapped[int | None] = mapped_column(ForeignKey("industry_choices.id", ondelete="SET NULL"))
    draft_reminded_at: Mapped[datetime | None]  # the day-6 reminder of an unfinished draft, sent once
    rating_reminded_at: Mapped[datetime | None]  # 回访: the day-3 reminder to confirm and rate, sent once
    unverified: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )  # filed under a pending link


class DemandAttachment(Base):
    __tablename__ = "demand_attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    file_id: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(16))  # photo, document
    caption: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DemandStatusHistory(Base):
    """Every status transition of a demand: who and when."""

    __tablename__ = "demand_status_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    # who may read the note: "internal" (staff, the craftsman concerned) or "enterprise" (shown in /my too)
    visibility: Mapped[str] = mapped_column(String(16), default="internal", server_default="internal")
    at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchStatus(str, enum.Enum):
    PROPOSED = "proposed"
    OFFERED = "offered"  # sent to the craftsman after staff confirmed
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class Match(Timestamped, Base):
    """A proposed or confirmed pairing of a demand and a craftsman, with its score and reasons."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("demand_id", "craftsman_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    craftsman_id: Mapped[int] = mapped_column(ForeignKey("craftsmen.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    reasons: Mapped[str | None] = mapped_column(Text)
    status: Mapped[MatchStatus] = mapped_column(str_enum(MatchStatus), default=MatchStatus.PROPOSED)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[int | None] = mapped_column(BigInteger)  # staff user id, or the volunteering craftsman's
    volunteered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())  # 揭榜
    offered_at: Mapped[datetime | None]  # sent to the craftsman: the 48-hour answer window starts
    decided_at: Mapped[datetime | None]


class AppointmentStatus(str, enum.Enum):
    OFFERED = "offered"
    BOOKED = "booked"
    CANCELLED = "cancelled"
    DONE = "done"


class Appointment(Timestamped, Base):
    """专家问诊预约: a consultation slot."""

    __tablename__ = "appointments"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(256))
    link: Mapped[str | None] = mapped_column(String(512))
    status: Mapped[AppointmentStatus] = mapped_column(
        str_enum(AppointmentStatus), default=AppointmentStatus.OFFERED, index=True
    )
    booked_at: Mapped[datetime | None]  # reminders are owed only after the booking


class Feedback(Base):
    """回访: a rating after a service."""

    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("demand_id", "from_user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id", ondelete="CASCADE"), index=True)
    from_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    from_role: Mapped[str] = mapped_column(String(16))
    stars: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
