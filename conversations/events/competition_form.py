"""/new_competition — staff publish a skills competition (技能竞赛), step by step.

Name, industry (a section, a typed division such as C34, or 不限), region scope (a city or county, or 全国),
organiser, registration deadline, start and end, place or link, description and how to register; then a
summary and "publish". Publishing tells matching workers and schedules the reminders (services.competitions).
"""

from __future__ import annotations

from datetime import time
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from conversations.context import BotContext
from conversations.events.form import Form, Step, moment
from conversations.events.form import build as build_form
from conversations.events.views import competition_text
from db.models import Competition
from nlp.industry import catalogue
from services import event_fields as fields
from services.competitions import TEXT_LIMITS, split_industry

END_OF_DAY = time(23, 59)


def industry_choices(context: BotContext, values: dict[str, Any]) -> list[tuple[str, str]]:
    sections = catalogue().sections
    return [("any", context.label("event.any_industry"))] + [(c, f"{c} {s.name}") for c, s in sections.items()]


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


STEPS = (
    Step("name", "competition.ask.name", parse=fields.text(TEXT_LIMITS["name"]), label="competition.field.name"),
    Step(
        "industry",
        "competition.ask.industry",
        "choice",
        parse=fields.industry,
        choices=industry_choices,
        label="competition.field.industry",
    ),
    Step("region_code", "competition.ask.region", "region", label="competition.field.region_code"),
    Step(
        "organiser",
        "competition.ask.organiser",
        parse=fields.text(TEXT_LIMITS["organiser"]),
        optional=True,
        label="competition.field.organiser",
    ),
    Step(
        "registration_deadline",
        "competition.ask.deadline",
        parse=fields.moment(END_OF_DAY),
        optional=True,
        label="competition.field.registration_deadline",
    ),
    Step("starts_at", "competition.ask.start", parse=fields.moment(), label="competition.field.starts_at"),
    Step(
        "ends_at",
        "competition.ask.end",
        parse=fields.moment(END_OF_DAY),
        optional=True,
        label="competition.field.ends_at",
    ),
    Step(
        "where",
        "competition.ask.where",
        parse=fields.text(TEXT_LIMITS["link"]),
        optional=True,
        label="competition.field.where",
    ),
    Step(
        "description",
        "competition.ask.description",
        parse=fields.text(TEXT_LIMITS["description"]),
        optional=True,
        label="competition.field.description",
    ),
    Step(
        "how_to_register",
        "competition.ask.how",
        parse=fields.text(TEXT_LIMITS["how_to_register"]),
        optional=True,
        label="competition.field.how_to_register",
    ),
)


async def summary(context: BotContext, values: dict[str, Any]) -> str:
    fields = service_values(values)
    preview = Competition(**{k: v for k, v in fields.items() if k != "industry"})
    preview.industry_section, preview.industry_division = split_industry(fields["industry"])
    return context.t("competition.confirm", card=competition_text(context, preview))


async def publish(update: Update, context: BotContext, values: dict[str, Any]) -> None:
    c = await context.services.competitions.create(update.effective_user.id, context.role, service_values(values))
    await update.effective_chat.send_message(context.t("competition.published", name=c.name))


FORM = Form(
    "newcomp",
    "new_competition",
    "competition.create",
    STEPS,
    summary,
    publish,
    fixes={
        "competition.start_past": "starts_at",
        "competition.deadline_after_start": "registration_deadline",
        "competition.end_before_start": "ends_at",
        "competition.need_start": "starts_at",
    },
)


def build() -> ConversationHandler:
    return build_form(FORM)
