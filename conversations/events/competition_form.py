"""/new_competition — staff publish a skills competition (技能竞赛), step by step.

Name, industry (a section, a typed division such as C34, or 不限), region scope (a city or county, or 全国),
organiser, registration deadline, start and end, place or link, description and how to register; then a
summary and "publish". Publishing tells matching workers and schedules the reminders (services.competitions).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from telegram import Update

from conversations.context import BotContext
from conversations.events.views import competition_text
from conversations.form_questions import QuestionForm, asking, build, moment
from db.models import Competition
from i18n import Raw
from nlp.industry import catalogue
from services import event_fields as fields
from services.competitions import TEXT_LIMITS, check_answer, split_industry
from services.event_fields import Reading

END_OF_DAY = time(23, 59)


def industry_choices(context: BotContext, values: dict[str, Any]) -> list[tuple[str, str]]:
    sections = catalogue().sections
    return [("any", context.label("event.any_industry"))] + [(c, s.label_in(context.lang)) for c, s in sections.items()]


def place_or_link(values: dict[str, Any]) -> dict[str, Any]:
    """The one "place or link" answer goes to ``link`` when it is a web address."""
    where = values.get("where") or ""
    return {"link": where} if where.startswith(("http://", "https://")) else {"place": where or None}


def service_values(values: dict[str, Any]) -> dict[str, Any]:
    """The form's answers as services.competitions takes them."""
    industry = values.get("industry")
    return {
        "name": values.get("name"),
        "industry": None if industry in (None, "any") else industry,
        "region_code": values.get("region_code"),
        "organiser": values.get("organiser"),
        "registration_deadline": moment(values.get("registration_deadline")),
        "starts_at": moment(values.get("starts_at")),
        "ends_at": moment(values.get("ends_at")),
        "description": values.get("description"),
        "how_to_register": values.get("how_to_register"),
        **place_or_link(values),
    }


question = asking("competition")
QUESTIONS = (
    question("name", parse=fields.name(TEXT_LIMITS["name"])),
    question("industry", "choice", parse=fields.industry, choices=industry_choices),
    question("region_code", "region", ask="region"),
    question("organiser", parse=fields.name(TEXT_LIMITS["organiser"]), optional=True),
    question("registration_deadline", ask="deadline", parse=fields.moment(END_OF_DAY), optional=True),
    question("starts_at", ask="start", parse=fields.moment()),
    question("ends_at", ask="end", parse=fields.moment(END_OF_DAY), optional=True),
    question("where", text=TEXT_LIMITS["link"], optional=True),
    question("description", text=TEXT_LIMITS["description"], optional=True),
    question("how_to_register", ask="how", text=TEXT_LIMITS["how_to_register"], optional=True),
)


async def summary(context: BotContext, values: dict[str, Any]) -> str:
    fields = service_values(values)
    preview = Competition(**{k: v for k, v in fields.items() if k != "industry"})
    preview.industry_section, preview.industry_division = split_industry(fields["industry"])
    return context.t("competition.confirm", card=Raw(competition_text(context, preview)))


async def publish(update: Update, context: BotContext, values: dict[str, Any]) -> None:
    c = await context.services.competitions.create(update.effective_user.id, context.role, service_values(values))
    await update.effective_chat.send_message(context.t("competition.published", name=c.name))


def check(name: str, values: dict[str, Any], reading: Reading) -> None:
    """The rules between the times (services/competitions.py), on each time as it is typed."""
    check_answer(name, service_values(values), reading.tz)


FORM = QuestionForm(
    "newcomp",
    "new_competition",
    "competition.create",
    QUESTIONS,
    summary,
    publish,
    fixes={
        "competition.start_past": "starts_at",
        "competition.deadline_after_start": "registration_deadline",
        "competition.end_before_start": "ends_at",
        "competition.need_start": "starts_at",
        "event.region_outside": "region_code",
    },
    check=check,
)

FLOW, conversation = build(FORM)
