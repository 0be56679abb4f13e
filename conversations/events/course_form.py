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
from telegram.ext import ConversationHandler

from conversations.context import BotContext
from conversations.events.competition_form import place_or_link
from conversations.events.form import Form, Step
from conversations.events.form import build as build_form
from services import event_fields as fields
from services.courses import TEXT_LIMITS, expand_weekly
from services.local_time import WEEKDAYS, parse_span, show
from services.validation import Invalid

LEADS = ("30", "60", "120", "1440")
SHOWN = 8


def sessions_of(context: BotContext, values: dict[str, Any]) -> list[tuple[datetime, datetime]]:
    """The dated sessions the answers describe (raises Invalid when the rule yields none or too many)."""
    if values.get("mode") == "dates":
        return [(datetime.fromisoformat(s), datetime.fromisoformat(e)) for s, e in values.get("dates") or []]
    start, end = parse_span(values["span"])
    first, last = (datetime.fromisoformat(d).date() for d in values["range"])
    return expand_weekly(values["days"], start, end, first, last, context.services.settings.tz)


def rule_of(values: dict[str, Any]) -> dict[str, Any] | None:
    if values.get("mode") != "weekly":
        return None
    return {
        "days": ",".join(values["days"]),
        "span": values["span"],
        "from": values["range"][0],
        "to": values["range"][1],
    }


def _capacity(value: Any) -> int | None:
    return None if value in (None, "any") else int(value)


STEPS = (
    Step("name", "course.ask.name", parse=fields.text(TEXT_LIMITS["name"]), label="course.field.name"),
    Step(
        "teacher",
        "course.ask.teacher",
        parse=fields.text(TEXT_LIMITS["teacher"]),
        optional=True,
        label="course.field.teacher",
    ),
    Step("where", "course.ask.where", parse=fields.text(TEXT_LIMITS["link"]), label="course.field.where"),
    Step(
        "capacity",
        "course.ask.capacity",
        "choice",
        parse=fields.capacity,
        choices=lambda context, values: [("any", context.label("course.unlimited"))],
        label="course.field.capacity",
    ),
    Step("region_code", "course.ask.region", "region", label="course.field.region_code"),
    Step(
        "mode",
        "course.ask.mode",
        "choice",
        choices=lambda context, values: [
            ("weekly", context.label("course.mode.weekly")),
            ("dates", context.label("course.mode.dates")),
        ],
        label="course.field.mode",
    ),
    Step(
        "days",
        "course.ask.days",
        "toggle",
        when=lambda v: v.get("mode") == "weekly",
        choices=lambda context, values: [(d, context.label(f"weekday.{d}")) for d in WEEKDAYS],
        label="course.field.days",
    ),
    Step(
        "span",
        "course.ask.span",
        parse=fields.time_span,
        when=lambda v: v.get("mode") == "weekly",
        label="course.field.span",
    ),
    Step(
        "range",
        "course.ask.range",
        parse=fields.date_range,
        when=lambda v: v.get("mode") == "weekly",
        label="course.field.range",
    ),
    Step(
        "dates",
        "course.ask.dates",
        parse=fields.session_lines,
        when=lambda v: v.get("mode") == "dates",
        label="course.field.dates",
    ),
    Step(
        "remind_minutes",
        "course.ask.lead",
        "choice",
        parse=fields.lead_minutes,
        choices=lambda context, values: [(m, context.label(f"course.lead.{m}")) for m in LEADS],
        label="course.field.remind_minutes",
    ),
    Step(
        "description",
        "course.ask.description",
        parse=fields.text(TEXT_LIMITS["description"]),
        optional=True,
        label="course.field.description",
    ),
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
        lead=values.get("remind_minutes"),
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


FORM = Form(
    "newcourse",
    "new_course",
    "course.create",
    STEPS,
    summary,
    publish,
    fixes={
        "course.session_past": "mode",
        "course.no_sessions": "mode",
        "course.bad_rule": "mode",
        "course.too_many_sessions": "mode",
    },
)


def build() -> ConversationHandler:
    return build_form(FORM)
