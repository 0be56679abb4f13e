"""What competition and course messages say: the values every notice, reminder and list entry is made of.

Values are shown as staff typed them; labels are official data texts in simplified Chinese (the sender shows them in
each recipient's script); times are local.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from buttons.events import FollowCompetition
from db.models import Appointment, Competition, Course, CourseSession
from nlp.industry import catalogue
from services.local_time import show
from services.outbox import Button, Notice
from services.regions import RegionDirectory


def industry_name(section: str | None, division: str | None, lang: str | None = None) -> str | None:
    """ "C 制造业", "C34 通用设备制造业" (in ``lang`` when given: "C34 General-purpose machinery (通用设备制造业)"), or
    None for 不限."""
    table = catalogue()
    if division and division in table.divisions:
        found = table.divisions[division]
    elif section and section in table.sections:
        found = table.sections[section]
    else:
        return None
    return found.label if lang is None else found.label_in(lang)


def competition_values(
    c: Competition, tz: ZoneInfo, regions: RegionDirectory, lang: str | None = None
) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, keys, labels) for the competition templates; keys name catalogue texts such as 不限, labels are the
    industry and region names: in simplified Chinese for a notice (the sender shows them in each recipient's
    script), already in ``lang`` when given (a card shown to one reader)."""
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
    keys: dict[str, str] = {}
    labels: dict[str, str] = {}
    industry = industry_name(c.industry_section, c.industry_division, lang)
    if industry:
        labels["industry"] = industry
    else:
        keys["industry"] = "event.any_industry"
    region = regions.full_name(c.region_code, lang)
    if region:
        labels["region"] = region
    else:
        keys["region"] = "event.any_region"
    return values, keys, labels


def competition_notice(c: Competition, what: str, tz: ZoneInfo, regions: RegionDirectory) -> Notice:
    """The reminder ``what`` (published | deadline_3d | deadline_1d | eve) of competition ``c``."""
    values, keys, labels = competition_values(c, tz, regions)
    buttons = [[Button("competition.follow", FollowCompetition(c.id))]] if what == "published" else None
    return Notice(f"remind.competition.{what}", values, keys, buttons, labels=labels)


def competition_change_notice(c: Competition, tz: ZoneInfo, regions: RegionDirectory) -> Notice:
    """Told to followers once per change: the competition as it is now, or that it was cancelled."""
    values, keys, labels = competition_values(c, tz, regions)
    key = "competition.cancelled_notice" if c.status.value == "cancelled" else "competition.changed_notice"
    return Notice(key, values, keys, labels=labels)


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
    return Notice("remind.course.lead", session_values(course, session, tz))


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
