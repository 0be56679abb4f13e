"""What competition and course messages say: the values every notice, reminder and list entry is made of.

Values are shown as staff typed them; official data (industry, region) is named by code, and the sender names it in
each recipient's language; times are local.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from buttons.events import FollowCompetition
from db.models import Appointment, Competition, Course, CourseSession
from nlp.industry import catalogue
from services.local_time import show
from services.outbox import Button, Notice


def competition_message(key: str, c: Competition, tz: ZoneInfo, buttons: list[list[Button]] | None = None) -> Notice:
    """Competition ``c`` in the template ``key`` (a reminder, a change, its card): values as staff typed them, its
    industry and region by code (each reader reads their names in their own language), 不限 as a catalogue text."""
    values: dict[str, Any] = {
        "name": c.name,
        "organiser": c.organiser or "—",
        "deadline": show(c.registration_deadline, tz),
        "start": show(c.starts_at, tz),
        "end": show(c.ends_at, tz),
        "place": c.place or c.link or "—",
        "description": c.description or "—",
        "how": c.how_to_register or "—",
    }
    keys: dict[str, str] = {} if c.ends_at else {"end": "event.end_unset"}
    table = catalogue()
    industry = next(
        (code for code in (c.industry_division, c.industry_section) if code and table.label_in(code, None)), None
    )
    industries = {"industry": industry} if industry else {}
    if not industries:
        keys["industry"] = "event.any_industry"
    places = {"region": c.region_code} if c.region_code else {}
    if not places:
        keys["region"] = "event.any_region"
    return Notice(key, values, keys, buttons, industries=industries, places=places)


def competition_notice(c: Competition, what: str, tz: ZoneInfo) -> Notice:
    """The reminder ``what`` (published | deadline_3d | deadline_1d | eve) of competition ``c``."""
    buttons = [[Button("competition.follow", FollowCompetition(c.id))]] if what == "published" else None
    return competition_message(f"remind.competition.{what}", c, tz, buttons)


def competition_change_notice(c: Competition, tz: ZoneInfo) -> Notice:
    """Told to followers once per change: the competition as it is now, or that it was cancelled."""
    key = "competition.cancelled_notice" if c.status.value == "cancelled" else "competition.changed_notice"
    return competition_message(key, c, tz)


def session_values(course: Course, session: CourseSession, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "name": course.name,
        "start": show(session.starts_at, tz),
        "end": session.ends_at.astimezone(tz).strftime("%H:%M"),
        "place": course.place or course.link or "—",
        "teacher": course.teacher or "—",
        "minutes": course.remind_minutes,
    }


def session_notice(course: Course, session: CourseSession, tz: ZoneInfo) -> Notice:
    return Notice("remind.course.starts", session_values(course, session, tz))  # {left}: when sent


def appointment_notice(appointment: Appointment, ticket: str, craftsman: str, lead: str, tz: ZoneInfo) -> Notice:
    """专家问诊预约 reminder, a day (``lead`` = day) or an hour (hour) before."""
    return Notice(
        "booking.reminder",
        values={
            "ticket": ticket,
            "name": craftsman,
            "at": show(appointment.starts_at, tz),
            "place": appointment.place or appointment.link or "—",
        },
        keys={"lead": f"booking.lead.{lead}"},
    )
