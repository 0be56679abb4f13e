"""Union-service consultations: a member's own question (dues, welfare, wages, contracts …) asked of union staff.

Not part of the demand pool: a consultation never reaches a craftsman; staff answer it from /queue. It is a thread:
staff may reply more than once while it is open, the member may answer a reply (``ConsultationMessage``), and staff
end it.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped, str_enum


class ConsultationStatus(str, enum.Enum):
    OPEN = "open"  # waiting for staff: just asked, or the member answered staff's reply
    ANSWERED = "answered"  # staff replied last; the member was told and may answer (the thread is still open)
    CLOSED = "closed"  # ended by staff (answered or not), or erased


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
    answer: Mapped[str | None] = mapped_column(Text)  # staff's latest reply (every one: ConsultationMessage)
    answered_by: Mapped[int | None] = mapped_column(BigInteger)  # the Telegram id of the staff member who replied last
    answered_at: Mapped[datetime | None]  # staff's first reply; None while none came


class ConsultationMessage(Base):
    """One message of a consultation after the question: a staff reply or the member's answer to one, in order."""

    __tablename__ = "consultation_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    from_staff: Mapped[bool] = mapped_column(Boolean)
    author_id: Mapped[int | None] = mapped_column(BigInteger)  # staff's Telegram id; None for the member's
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
