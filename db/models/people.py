"""The people and places of the programme: users, regions, service teams, craftsmen, enterprises."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, Timestamped, str_enum


class Role(str, enum.Enum):
    ADMIN = "admin"
    STAFF = "staff"
    CRAFTSMAN = "craftsman"
    ENTERPRISE = "enterprise"
    WORKER = "worker"


class Lang(str, enum.Enum):
    SIMPLIFIED = "zh-hans"
    TRADITIONAL = "zh-hant"
    ENGLISH = "en"


class RegionLevel(str, enum.Enum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class TeamLevel(str, enum.Enum):
    PROVINCE = "province"  # 省级
    CITY = "city"  # 市级或产业
    COUNTY = "county"  # 县级
    GRASSROOTS = "grassroots"  # 基层


class User(Timestamped, Base):
    """A Telegram user who consented to the bot storing their data (nothing is stored before consent)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # Telegram user id
    first_name: Mapped[str] = mapped_column(String(128))
    last_name: Mapped[str | None] = mapped_column(String(128))
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    language_code: Mapped[str | None] = mapped_column(String(16))  # as Telegram reports it
    lang: Mapped[Lang] = mapped_column(str_enum(Lang), default=Lang.SIMPLIFIED)
    # the user picked ``lang`` in /settings: it then wins over Telegram's language_code and over what they type
    lang_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    role: Mapped[Role | None] = mapped_column(str_enum(Role), index=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("service_teams.id", ondelete="SET NULL"))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL", use_alter=True), index=True
    )  # the enterprise profile this user files for
    consent_at: Mapped[datetime | None]
    blocked_at: Mapped[datetime | None]  # set when Telegram answers 403: the user blocked the bot
    quiet_start_minute: Mapped[int] = mapped_column(SmallInteger, default=22 * 60)
    quiet_end_minute: Mapped[int] = mapped_column(SmallInteger, default=7 * 60)
    notify_publications: Mapped[bool] = mapped_column(Boolean, default=True)
    # an enterprise this user named (by its credit code) that already has verified people: he files under it only
    # once one of them or staff confirm the link; until then he sees nothing of its record
    pending_enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL", use_alter=True)
    )
    staff_granted_by: Mapped[int | None] = mapped_column(BigInteger)  # the admin who granted staff (ADMIN_IDS aside)

    region: Mapped[Region | None] = relationship(lazy="raise")


class UserIndustry(Base):
    """A GB/T 4754-2017 section (门类 letter) whose competitions a user wants to hear of; none means all."""

    __tablename__ = "user_industries"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    section: Mapped[str] = mapped_column(String(1), primary_key=True, index=True)


class Region(Base):
    """GB/T 2260 administrative division (民政部 code)."""

    __tablename__ = "regions"
    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[RegionLevel] = mapped_column(str_enum(RegionLevel))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)


class ServiceTeam(Timestamped, Base):
    """劳模工匠技术服务队 at one level."""

    __tablename__ = "service_teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128), unique=True)
    level: Mapped[TeamLevel] = mapped_column(str_enum(TeamLevel))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    industry_section: Mapped[str | None] = mapped_column(String(1))  # for 产业 teams
    description: Mapped[str | None] = mapped_column(Text)


class CraftsmanStatus(str, enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Craftsman(Timestamped, Base):
    """劳模工匠: a model worker or craftsman in the talent pool."""

    __tablename__ = "craftsmen"
    __table_args__ = (
        UniqueConstraint("name", "workplace", "phone"),
        Index("ix_craftsmen_updated_at", "updated_at"),
    )  # the matcher's index version
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    workplace: Mapped[str] = mapped_column(String(128))
    phone: Mapped[str | None] = mapped_column(String(32))
    honours: Mapped[list[str]] = mapped_column(default=list)
    specialities: Mapped[list[str]] = mapped_column(default=list)  # 技术处方, one short line each
    service_modes: Mapped[list[str]] = mapped_column(default=list)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("service_teams.id", ondelete="SET NULL"), index=True)
    capacity: Mapped[int] = mapped_column(Integer, default=3)  # max open cases
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    paused_until: Mapped[date | None]
    status: Mapped[CraftsmanStatus] = mapped_column(str_enum(CraftsmanStatus), default=CraftsmanStatus.APPROVED)
    rating_sum: Mapped[int] = mapped_column(Integer, default=0)
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    search_text: Mapped[str] = mapped_column(
        Text, default="", server_default=""
    )  # specialities, normalised (simplified), for search
    review_note: Mapped[str | None] = mapped_column(Text)  # the staffer's reason when an application is rejected
    reviewed_by: Mapped[int | None] = mapped_column(BigInteger)
    reviewed_at: Mapped[datetime | None]

    industries: Mapped[list[CraftsmanIndustry]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class CraftsmanIndustry(Base):
    """A GB/T 4754-2017 division (e.g. C32) a craftsman serves."""

    __tablename__ = "craftsman_industries"
    craftsman_id: Mapped[int] = mapped_column(ForeignKey("craftsmen.id", ondelete="CASCADE"), primary_key=True)
    division: Mapped[str] = mapped_column(String(3), primary_key=True, index=True)


class EnterpriseKind(str, enum.Enum):
    SPECIALISED = "specialised"  # 专精特新
    SME = "sme"  # 中小微
    OTHER = "other"


class Enterprise(Timestamped, Base):
    __tablename__ = "enterprises"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    industry: Mapped[str | None] = mapped_column(String(3))  # GB/T 4754 division
    kind: Mapped[EnterpriseKind] = mapped_column(str_enum(EnterpriseKind), default=EnterpriseKind.OTHER)
    contact_name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)


class Studio(Timestamped, Base):
    """创新工作室 led by a craftsman."""

    __tablename__ = "studios"
    id: Mapped[int] = mapped_column(primary_key=True)
    craftsman_id: Mapped[int] = mapped_column(ForeignKey("craftsmen.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))


class Mentorship(Timestamped, Base):
    """名师带徒: a master craftsman and an apprentice."""

    __tablename__ = "mentorships"
    id: Mapped[int] = mapped_column(primary_key=True)
    craftsman_id: Mapped[int] = mapped_column(ForeignKey("craftsmen.id", ondelete="CASCADE"), index=True)
    apprentice_name: Mapped[str] = mapped_column(String(64))
    apprentice_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_on: Mapped[date | None]
