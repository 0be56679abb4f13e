"""The industry step's record: what the classifier predicted for a text and which division the user chose.

Kept side by side so corrections can become training data later (issue: industry classifier).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class IndustryChoice(Base):
    __tablename__ = "industry_choices"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # classify (the /classify try-out), demand, craftsman …
    text: Mapped[str] = mapped_column(Text)  # as the user wrote it
    predicted_division: Mapped[str] = mapped_column(String(2))
    confidence: Mapped[float] = mapped_column(Float)
    top: Mapped[list[dict[str, Any]]]  # the three candidates shown: division, score, reasons
    chosen_division: Mapped[str | None] = mapped_column(String(2), index=True)
    chosen_via: Mapped[str | None] = mapped_column(String(16))  # confirm, top3, browse
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    chosen_at: Mapped[datetime | None]
