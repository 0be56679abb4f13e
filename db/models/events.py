"""Skills competitions, night-school courses and who follows them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, Timestamped, str_enum, utcnow


class EventStatus(str, enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Competition(Timestamped, Base):
    """技能竞赛."""

    __tablename__ = "competitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    industry_section: Mapped[str | None] = mapped_column(String(1))  # None = 不限
    industry_division: Mapped[str | None] = mapped_column(String(3))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)  # scope; None = all
    organiser: Mapped[str | None] = mapped_column(String(256))
    registration_deadline: Mapped[datetime | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str | None] = mapped_column(String(256))
    link: Mapped[str | None] = mapped_column(String(512))
    description: Mapped[str | None] = mapped_column(Text)
    how_to_register: Mapped[str | None] = mapped_column(Text)
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.PUBLISHED, index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    published_at: Mapped[datetime | None]  # reminders are owed from here on
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # counts changes told to followers
    revised_at: Mapped[datetime | None]  # the last change of date or time, or the cancellation


class Course(Timestamped, Base):
    """职工夜校 course; its dated sessions are CourseSession rows."""

    __tablename__ = "courses"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    teacher: Mapped[str | None] = mapped_column(String(128))
    place: Mapped[str | None] = mapped_column(String(256))
    link: Mapped[str | None] = mapped_column(String(512))
    capacity: Mapped[int | None] = mapped_column(Integer)  # None = unlimited
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    description: Mapped[str | None] = mapped_column(Text)
    schedule_rule: Mapped[dict[str, Any] | None]  # e.g. {"days": "tue,thu", "start": "19:00", ...}
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.PUBLISHED, index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    remind_minutes: Mapped[int] = mapped_column(Integer, default=60, server_default="60")  # lead time before a session
    published_at: Mapped[datetime | None]
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class CourseSession(Base):
    __tablename__ = "course_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.PUBLISHED)
    revised_at: Mapped[datetime | None]  # moved or cancelled at


class SubscriptionKind(str, enum.Enum):
    FOLLOW = "follow"  # follows a competition
    ENROLLED = "enrolled"  # has a seat in a course
    WAITLISTED = "waitlisted"  # waits for a seat


class Subscription(Base):
    """A user following a competition or enrolled (or waitlisted) in a course."""

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("user_id", "competition_id"),
        UniqueConstraint("user_id", "course_id"),
        CheckConstraint("(competition_id IS NULL) <> (course_id IS NULL)", name="one_target"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    competition_id: Mapped[int | None] = mapped_column(ForeignKey("competitions.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SubscriptionKind] = mapped_column(str_enum(SubscriptionKind), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
