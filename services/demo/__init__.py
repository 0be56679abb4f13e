"""The demo stage of `make run`: a programme a few months in, on invented data (data.toml), so that every role's
journey can be walked at once — the cast of services/demo_people.py with the records of their roles, open demands
in the staff queue, offers waiting for craftsmen, a consultation booked for tomorrow, a resolution to rate, the
services of the last months (so /stats has a trend), competitions and night-school courses in the coming weeks.

Everything is dated from the clock's now, in the settings' time zone. Loaded only into an empty database; what the
demo's past would have sent (competitions published days ago) is recorded as sent then, so the first start tells
nobody anything twice or late.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from config.settings import Settings
from db.database import Database
from db.models import Competition, Craftsman, Notification, OutboxStatus, Role
from services.audience import Audience, batches
from services.clock import Clock
from services.demo.cases import load_cases
from services.demo.events import load_events
from services.demo.people import load_people
from services.demo_people import DEMO_PEOPLE
from services.event_notices import competition_notice
from services.outbox import Outbox
from services.regions import RegionDirectory
from services.reminder_plan import CompetitionTimes, competition_plan

DEMO_ADMIN_ID = next(p.telegram_id for p in DEMO_PEOPLE if p.role is Role.ADMIN)


def stage_settings(settings: Settings) -> Settings:
    """The settings of the console chat: the demo's administrator is an admin there as ADMIN_IDS would make him.
    Only the console uses this (it talks to the in-process fake Telegram alone, where nobody else can be that id);
    a run on real Telegram reads ADMIN_IDS as it is, and the start demotes him there like anyone not listed."""
    if DEMO_ADMIN_ID in settings.admin_ids:
        return settings
    return settings.model_copy(update={"admin_ids": [*settings.admin_ids, DEMO_ADMIN_ID]})


async def load_demo_data(db: Database, clock: Clock, tz: ZoneInfo) -> bool:
    """Fill a database without a talent pool with the demo stage; False (nothing written) when it has one. People
    of the demo who registered before keep their own records (services/demo/people.py)."""
    now = clock.now()
    async with db.session() as session:
        if await session.scalar(select(func.count()).select_from(Craftsman)):
            return False
        pool = await load_people(session, now)
        owed = await load_cases(session, pool, now, tz)
        competitions = await load_events(session, now, tz, pool.people)
    outbox = Outbox(db, clock)
    await _told_then(db, outbox, competitions, now, tz)
    for chat_id, key, notice in owed:
        await outbox.put([chat_id], "notice", key, notice)
    return True


async def _told_then(
    db: Database, outbox: Outbox, competitions: list[Competition], now: datetime, tz: ZoneInfo
) -> None:
    """Each competition's reminders already due (its publication notice) as sent when they fell due, to those the
    rule (services/audience.py) names: the reminders' rebuild at start then owes nothing of the demo's past."""
    audience = Audience(db, await RegionDirectory.load(db))
    for c in competitions:
        plan = competition_plan(CompetitionTimes(c.id, c.published_at, None, c.registration_deadline, c.starts_at), tz)
        for reminder in (r for r in plan if r.at <= now):
            recipients = await audience.publication(c.industry_section, c.region_code)
            await outbox.put_batches(
                batches(recipients, reminder.at, tz),
                "reminder",
                reminder.key,
                competition_notice(c, reminder.what, tz),
                expires_at=reminder.expires,
                status=OutboxStatus.SENT,
            )
            async with db.session() as session:
                await session.execute(
                    update(Notification)
                    .where(Notification.dedupe_key == reminder.key)
                    .values(sent_at=reminder.at, created_at=reminder.at, not_before=reminder.at, attempts=1)
                )
