"""The demo's skills competitions (published days ago, registration still open) and night-school courses (weekly
sessions in the coming weeks, one course a seat short of full), with the workers who follow and attend them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Competition, Course, CourseSession, Subscription, SubscriptionKind
from services.courses import expand_weekly
from services.demo.people import STAFFER
from services.demo.tables import ago, hhmm, local_day_at, tables
from services.events_common import published_stamps


async def load_events(session: AsyncSession, now: datetime, tz: ZoneInfo, people: set[int]) -> list[Competition]:
    """Write the competitions and courses, followed and attended by the demo's ``people``; return the competitions
    (their publication was told when published)."""
    competitions = []
    for row in tables()["competitions"]:
        published = ago(now, days=row["published_days_ago"])
        competition = Competition(
            name=row["name"],
            industry_section=row["section"],
            industry_division=row["division"],
            region_code=row["region"],
            organiser=row["organiser"],
            place=row["place"],
            description=row["description"],
            how_to_register=row["how"],
            registration_deadline=local_day_at(now, tz, row["deadline_in_days"], "17:00"),
            starts_at=local_day_at(now, tz, row["starts_in_days"], "08:30"),
            ends_at=local_day_at(now, tz, row["ends_in_days"], "17:00"),
            **published_stamps(STAFFER, published),
        )
        session.add(competition)
        await session.flush()
        competitions.append(competition)
        session.add_all(
            Subscription(
                user_id=user_id,
                competition_id=competition.id,
                kind=SubscriptionKind.FOLLOW,
                created_at=published + timedelta(days=1, hours=n),
            )
            for n, user_id in enumerate(row["followers"])
            if user_id in people
        )
    for row in tables()["courses"]:
        await _course(session, row, now, tz, people)
    return competitions


async def _course(session: AsyncSession, row: dict[str, Any], now: datetime, tz: ZoneInfo, people: set[int]) -> None:
    published = ago(now, days=5)
    first = (now.astimezone(tz) + timedelta(days=row["from_in_days"])).date()
    last = first + timedelta(weeks=row["weeks"], days=-1)
    start, end = (hhmm(part) for part in row["span"].split("-"))
    course = Course(
        name=row["name"],
        teacher=row["teacher"],
        place=row["place"],
        capacity=row["capacity"],
        region_code=row["region"],
        description=row["description"],
        schedule_rule={
            "days": ",".join(row["days"]),
            "span": row["span"],
            "from": first.isoformat(),
            "to": last.isoformat(),
        },
        **published_stamps(STAFFER, published),
    )
    session.add(course)
    await session.flush()
    session.add_all(
        CourseSession(course_id=course.id, starts_at=s, ends_at=e)
        for s, e in expand_weekly(row["days"], start, end, first, last, tz)
    )
    session.add_all(
        Subscription(
            user_id=user_id,
            course_id=course.id,
            kind=SubscriptionKind.ENROLLED,
            created_at=published + timedelta(hours=3 * n),
        )
        for n, user_id in enumerate(row["enrolled"])
        if user_id in people
    )
