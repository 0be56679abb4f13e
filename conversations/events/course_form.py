"""/new_course — staff publish a night-school course (职工夜校) with its sessions, step by step.

Name, teacher, place or link, capacity (or unlimited), region, then the sessions: a weekly rule (weekdays,
a time span, a date range — expanded with APScheduler's cron trigger) or explicit dated lines; the reminder
lead time (default: the COURSE_REMINDER_MINUTES setting) and a description. A summary lists the sessions before
"publish".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update

from conversations.context import BotContext
from conversations.events.competition_form import place_or_link
from conversations.form_questions import QuestionForm, asking, build, labelled
from services import event_fields as fields
from services.course_times import examples
from services.courses import TEXT_LIMITS, expand_weekly
from services.local_time import WEEKDAYS, parse_span, show
from services.reminders_wording import lead_words
from services.validation import Invalid

LEADS = ("30", "60", "120", "1440")
LEAD_CHOICES = tuple((m, f"course.lead.{m}") for m in LEADS)
SHOWN = 8


def weekly(values: dict[str, Any]) -> bool:
    return values.get("mode") == "weekly"


def dated(values: dict[str, Any]) -> bool:
    return values.get("mode") == "dates"


def sessions_of(context: BotContext, values: dict[str, Any]) -> list[tuple[datetime, datetime]]:
    """The dated sessions the answers describe (raises Invalid when the rule yields none or too many)."""
    if dated(values):
        return [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in values.get("dates") or []]
    start, end = parse_span(values["span"])
    first, last = (datetime.fromisoformat(d).date() for d in values["range"])
    return expand_weekly(values["days"], start, end, first, last, context.services.settings.tz)


def rule_of(values: dict[str, Any]) -> dict[str, Any] | None:
    if not weekly(values):
        return None
    return {
        "days": ",".join(values["days"]),
        "span": values["span"],
        "from": values["range"][0],
        "to": values["range"][1],
    }


def _capacity(value: Any) -> int | None:
    return None if value in (None, "any") else int(value)


question = asking("course")
QUESTIONS = (
    question("name", parse=fields.name(TEXT_LIMITS["name"])),
    question("teacher", parse=fields.name(TEXT_LIMITS["teacher"]), optional=True),
    question("where", text=TEXT_LIMITS["link"]),
    question("capacity", "choice", parse=fields.capacity, choices=labelled(("any", "course.unlimited"))),
    question("region_code", "region", ask="region"),
    question("mode", "choice", choices=labelled(("weekly", "course.mode.weekly"), ("dates", "course.mode.dates"))),
    question("days", "toggle", when=weekly, choices=labelled(*((d, f"weekday.{d}") for d in WEEKDAYS))),
    question("span", parse=fields.time_span, when=weekly),
    question("range", parse=fields.date_range, when=weekly, examples=examples),
    question("dates", parse=fields.session_lines, when=dated, examples=examples),
    question("remind_minutes", "choice", ask="lead", parse=fields.lead_minutes, choices=labelled(*LEAD_CHOICES)),
    question("description", text=TEXT_LIMITS["description"], optional=True),
)


async def summary(context: BotContext, values: dict[str, Any]) -> str:
    tz = context.services.settings.tz
    try:
        sessions = sessions_of(context, values)
    except Invalid as exc:
        return context.t(exc.key, **exc.values)
    lines = [show(s, tz) + "–" + e.astimezone(tz).strftime("%H:%M") for s, e in sessions[:SHOWN]]
    if len(sessions) > SHOWN:
        lines.append("…")
    region = context.services.regions.full_name(values.get("region_code"), context.lang)
    return context.t(
        "course.confirm",
        name=values["name"],
        teacher=values.get("teacher") or "—",
        where=values.get("where") or "—",
        capacity=_capacity(values.get("capacity")) or context.t("course.unlimited"),
        region=region or context.t("event.any_region"),
        count=len(sessions),
        sessions="\n".join(lines),
        lead=lead_words(
            int(values.get("remind_minutes") or context.services.settings.course_reminder_minutes), context.lang
        ),
    )


async def publish(update: Update, context: BotContext, values: dict[str, Any]) -> None:
    sessions = sessions_of(context, values)
    fields = {
        "name": values["name"],
        "teacher": values.get("teacher"),
        "capacity": _capacity(values.get("capacity")),
        "region_code": values.get("region_code"),
        "description": values.get("description"),
        "remind_minutes": int(values.get("remind_minutes") or context.services.settings.course_reminder_minutes),
        **place_or_link(values),
    }
    course = await context.services.courses.create(
        update.effective_user.id, context.role, fields, sessions, rule_of(values)
    )
    await update.effective_chat.send_message(context.t("course.published", name=course.name, count=len(sessions)))


FORM = QuestionForm(
    "newcourse",
    "new_course",
    "course.create",
    QUESTIONS,
    summary,
    publish,
    fixes=dict.fromkeys(
        (
            "course.session_past",
            "course.no_sessions",
            "course.bad_rule",
            "course.too_many_sessions",
            "course.sessions_overlap",
        ),
        "mode",
    )
    | {"event.region_outside": "region_code"},
)

FLOW, conversation = build(FORM)
