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
from conversations.event_form import Form, Step, datetime_step, moment, text_step
from conversations.event_form import build as build_form
from conversations.event_views import competition_text
from db.models import Competition
from nlp.industry import catalogue
from services.competitions import TEXT_LIMITS, split_industry

END_OF_DAY = time(23, 59)


def industry_choices(context: BotContext, values: dict[str, Any]) -> list[tuple[str, str]]:
    sections = catalogue().sections
    return [("any", context.label("event.any_industry"))] + [(c, f"{c} {s.name}") for c, s in sections.items()]


def parse_industry(text: str, context: BotContext) -> str:
    section, division = split_industry(text)
    return f"{section}{division or ''}"


def place_or_link(values: dict[str, Any]) -> dict[str, Any]:
    """The one "place or link" answer goes to ``link`` when it is a web address."""
    where = values.get("where") or ""
    return {"link": where} if where.startswith(("http://", "https://")) else {"place": where or None}


def service_values(values: dict[str, Any]) -> dict[str, Any]:
    """The form's answers as services.competitions takes them."""
    industry = values.get("industry")
    return {"name": values.get("name"), "industry": None if industry in (None, "any") else industry,
            "region_code": values.get("region_code"), "organiser": values.get("organiser"),
            "registration_deadline": moment(values.get("registration_deadline")),
            "starts_at": moment(values.get("starts_at")), "ends_at": moment(values.get("ends_at")),
            "description": values.get("description"), "how_to_register": values.get("how_to_register"),
            **place_or_link(values)}


STEPS = (
    Step("name", "competition.ask.name", parse=text_step(TEXT_LIMITS["name"])),
    Step("industry", "competition.ask.industry", "choice", parse=parse_industry, choices=industry_choices),
    Step("region_code", "competition.ask.region", "region"),
    Step("organiser", "competition.ask.organiser", parse=text_step(TEXT_LIMITS["organiser"]), optional=True),
    Step("registration_deadline", "competition.ask.deadline", parse=datetime_step(END_OF_DAY), optional=True),
    Step("starts_at", "competition.ask.start", parse=datetime_step()),
    Step("ends_at", "competition.ask.end", parse=datetime_step(END_OF_DAY), optional=True),
    Step("where", "competition.ask.where", parse=text_step(TEXT_LIMITS["link"]), optional=True),
    Step("description", "competition.ask.description", parse=text_step(TEXT_LIMITS["description"]), optional=True),
    Step("how_to_register", "competition.ask.how", parse=text_step(TEXT_LIMITS["how_to_register"]), optional=True),
)


async def summary(context: BotContext, values: dict[str, Any]) -> str:
    fields = service_values(values)
    preview = Competition(**{k: v for k, v in fields.items() if k != "industry"})
    preview.industry_section, preview.industry_division = split_industry(fields["industry"])
    return context.t("competition.confirm", card=competition_text(context, preview))


async def publish(update: Update, context: BotContext, values: dict[str, Any]) -> None:
    c = await context.services.competitions.create(update.effective_user.id, context.role, service_values(values))
    await update.effective_chat.send_message(context.t("competition.published", name=c.name))


FORM = Form("newcomp", "new_competition", "competition.create", STEPS, summary, publish,
            fixes={"competition.start_past": "starts_at", "competition.deadline_after_start": "registration_deadline",
                   "competition.end_before_start": "ends_at", "competition.need_start": "starts_at"})


def build() -> ConversationHandler:
    return build_form(FORM)

