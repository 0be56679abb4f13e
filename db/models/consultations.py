"""Union-service consultations: a member's own question (dues, welfare, wages, contracts …) asked of union staff.

Not part of the demand pool: a consultation never reaches a craftsman; staff answer it from /queue.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped, str_enum


class ConsultationStatus(str, enum.Enum):
    OPEN = "open"  # waiting for staff
    ANSWERED = "answered"  # staff replied; the member was told
    CLOSED = "closed"  # closed without an answer (withdrawn, duplicate, erased)


class Consultation(Timestamped, Base):
    """One question a member asked union staff with the ask-staff button under a union-service answer."""

    __tablename__ = "consultations"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    topic: Mapped[str] = mapped_column(String(32))  # the union-service intent (nlp.intent.Intent value)
    question: Mapped[str] = mapped_column(Text)  # as the member typed it
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    status: Mapped[ConsultationStatus] = mapped_column(
        str_enum(ConsultationStatus), default=ConsultationStatus.OPEN, index=True
    )
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[int | None] = mapped_column(BigInteger)  # the staff member's Telegram id
    answered_at: Mapped[datetime | None]
