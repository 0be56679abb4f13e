"""Everything the handlers may ask for, built once from the settings."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass

from config.settings import Settings
from db.database import Database
from nlp.analyzer import Analyzer, shared_analyzer
from services.audience import Audience
from services.audit import AuditLog
from services.booking import Booking
from services.broadcasts import Broadcasts
from services.casework import Casework
from services.clock import Clock
from services.competitions import Competitions
from services.consultations import Consultations
from services.copies import Copies
from services.courses import Courses
from services.demand_form import DemandForm
from services.demands import Demands
from services.enterprise_links import EnterpriseLinks
from services.enterprises import Enterprises
from services.export import Exporter
from services.follow_up import FollowUp
from services.forms import Forms
from services.importing import Importer
from services.importing_competitions import CompetitionRows
from services.industry import IndustrySteps
from services.matching import Matcher
from services.outbox import Outbox
from services.privacy import Privacy
from services.regions import RegionDirectory, seed_regions
from services.reminders import Reminders
from services.staff_scope import StaffChats
from services.staffing import Staffing
from services.statistics import Statistics
from services.talent import Talent
from services.time_off import TimeOff
from services.users import Users


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    users: Users
    audit: AuditLog
    regions: RegionDirectory
    analyzer: Analyzer
    industry: IndustrySteps
    outbox: Outbox
    enterprises: Enterprises
    links: EnterpriseLinks  # pending enterprise links: who confirms them, what follows
    demands: Demands
    forms: Forms  # forms in progress (the form engine's drafts)
    demand_form: DemandForm  # /report's rules: what a draft still needs, its progress
    talent: Talent
    time_off: TimeOff  # 休假 over booked visits: named to him, his cases' staff told
    importer: Importer
    audience: Audience
    reminders: Reminders
    competitions: Competitions
    courses: Courses
    staffing: Staffing
    matcher: Matcher
    casework: Casework
    consultations: Consultations  # members' questions to union staff, never to a craftsman
    booking: Booking
    follow_up: FollowUp
    broadcasts: Broadcasts
    statistics: Statistics
    exporter: Exporter
    privacy: Privacy
    copies: Copies  # messages that may show someone's data: edited when they are erased

    @classmethod
    async def start(cls, settings: Settings, clock: Clock | None = None, db: Database | None = None) -> Services:
        """Connect, migrate, seed the regions and build the services. Raises DatabaseUnavailable early."""
        clock = clock or Clock()
        db = db or Database(settings.database_url)
        await db.check()
        await db.migrate()
        await seed_regions(db)
        users = Users(db, clock, settings.admin_ids)
        await users.bootstrap_admins()
        audit = AuditLog(db, clock)
        # this process's id, written on the outbox rows it claims; runtime/presence.py holds a lock on it
        outbox = Outbox(db, clock, owner=secrets.randbelow(2**31 - 1) + 1)
        analyzer = await asyncio.to_thread(shared_analyzer)
        regions = await RegionDirectory.load(db)
        staff_chats = StaffChats(users, settings.staff_chat_id, regions)
        enterprises = Enterprises(db, clock)
        demands = Demands(db, clock, audit, outbox, settings.tz, staff_chats, regions)
        forms = Forms(db, clock)
        tz = settings.tz
        audience = Audience(db, regions)
        reminders = Reminders(db, clock, outbox, audience, tz, staff_chats)
        competitions = Competitions(db, clock, audit, outbox, audience, reminders, regions, tz)
        competition_rows = CompetitionRows(db, clock, tz, lambda code: regions.get(code) is not None, competitions)
        matcher = Matcher(db, clock, analyzer.tokenizer)
        statistics = Statistics(db, audit, regions, tz, clock)
        services = cls(
            settings=settings,
            db=db,
            clock=clock,
            users=users,
            audit=audit,
            regions=regions,
            analyzer=analyzer,
            industry=IndustrySteps(db, clock, audit),
            outbox=outbox,
            enterprises=enterprises,
            links=EnterpriseLinks(db, clock, audit, outbox, staff_chats),
            demands=demands,
            forms=forms,
            demand_form=DemandForm(demands, enterprises),
            talent=Talent(db, clock, audit, outbox, users, analyzer.tokenizer, staff_chats),
            time_off=TimeOff(db, clock, outbox, staff_chats, tz),
            importer=Importer(
                db,
                enterprises,
                lambda code: regions.get(code) is not None,
                analyzer.suggest_divisions,
                competition_rows,
            ),
            audience=audience,
            reminders=reminders,
            competitions=competitions,
            courses=Courses(
                db, clock, audit, outbox, audience, reminders, regions, tz, settings.course_reminder_minutes
            ),
            staffing=Staffing(db, clock, audit, users, outbox, regions),
            matcher=matcher,
            casework=Casework(db, clock, audit, outbox, matcher, regions, staff_chats),
            consultations=Consultations(db, clock, audit, outbox, staff_chats),
            booking=Booking(db, clock, audit, outbox, reminders, tz, staff_chats),
            follow_up=FollowUp(db, clock, audit, outbox, staff_chats, reminders, tz),
            broadcasts=Broadcasts(db, clock, audit, outbox, audience, tz, settings.allow_paid_broadcast),
            statistics=statistics,
            exporter=Exporter(db, audit, regions, statistics, tz),
            privacy=Privacy(db, clock, audit, users, outbox),
            copies=Copies(db),
        )
        services.talent.changed = services.importer.changed = services.privacy.changed = matcher.invalidate
        enterprises.link_requested = services.links.requested
        demands.visits_cancelled = services.privacy.visits_cancelled = reminders.refresh  # a withdrawn case's visits
        return services

    async def sweep(self) -> dict[str, int]:
        """The service flow's clockwork, run every few minutes: lapsed offers, services that began, follow-up
        reminders."""
        return {
            "offers_lapsed": await self.casework.expire_offers(),
            "in_service": await self.booking.start_due(),
            "ratings_reminded": await self.follow_up.remind_ratings(),
        }

    async def close(self) -> None:
        self.reminders.stop()
        await self.db.dispose()
