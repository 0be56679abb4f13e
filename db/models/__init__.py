"""Typed SQLAlchemy 2 models for the whole domain (names from ../shared/GLOSSARY.md)."""

from .base import Base, UTCDateTime, utcnow
from .consultations import Consultation, ConsultationStatus
from .demands import (
                      Appointment,
                      AppointmentStatus,
                      Demand,
                      DemandAttachment,
                      DemandKind,
                      DemandStatus,
                      DemandStatusHistory,
                      Feedback,
                      Match,
                      MatchStatus,
)
from .events import Competition, Course, CourseSession, EventStatus, Subscription, SubscriptionKind
from .industry import IndustryChoice
from .ops import AuditEntry, BotState, Broadcast, BroadcastStatus, FormDraft, Notification, OutboxStatus, SendBudget, UpdateInbox
from .people import (Craftsman, CraftsmanIndustry, CraftsmanStatus, Enterprise, EnterpriseKind, Lang, Mentorship,
                     Region, RegionLevel, Role, ServiceTeam, Studio, TeamLevel, User, UserIndustry)

__all__ = [
    "Appointment", "AppointmentStatus", "AuditEntry", "Base", "BotState", "SendBudget", "Broadcast", "BroadcastStatus", "Competition", "Consultation", "ConsultationStatus", "Course", "CourseSession",
    "Craftsman", "CraftsmanIndustry", "CraftsmanStatus", "Demand", "DemandAttachment", "DemandKind", "DemandStatus",
    "DemandStatusHistory", "Enterprise", "EnterpriseKind", "EventStatus", "Feedback", "FormDraft", "IndustryChoice", "Lang", "Match", "MatchStatus",
    "Mentorship", "Notification", "OutboxStatus", "Region", "RegionLevel", "Role", "ServiceTeam", "Studio", "UserIndustry",
    "Subscription", "SubscriptionKind", "TeamLevel", "UpdateInbox", "User", "UTCDateTime", "utcnow",
]
