"""/report's step machine: the conversation states, the draft behind the flow, and :func:`advance`, which asks
for the next thing still missing (kind, training details, the enterprise profile, the description, the industry,
urgency, service mode) or shows the summary card. The handlers in :mod:`conversations.report` call it after
every answer."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from conversations import industry_step, resume
from conversations.contact import ask_phone
from conversations.context import BotContext
from conversations.region_picker import ask_region
from conversations.report_views import (
    done_keyboard,
    enterprise_kind_keyboard,
    kind_keyboard,
    mode_keyboard,
    skip_keyboard,
    summary_card,
    urgency_keyboard,
)
from db.models import DemandKind
from services.demands import MAX_TEXT, MIN_TEXT, DemandInfo, Refused
from services.enterprise_links import filing_profile
from services.enterprises import EnterpriseInfo

# Conversation states
(RESUME, KIND, TOPIC, TRAINEES, DATES, ENT_NAME, ENT_CODE, ENT_KIND, ENT_REGION, CONTACT, PHONE, DESCRIBE, INDUSTRY,
 URGENCY, MODE, SUMMARY, DISCARD) = (f"report.{name}" for name in (
    "resume", "kind", "topic", "trainees", "dates", "ent_name", "ent_code", "ent_kind", "ent_region", "contact",
    "phone", "describe", "industry", "urgency", "mode", "summary", "discard"))
MAX_SHORT = 128
MAX_TRAINEES = 100_000
# which question each ✏️ on the summary card asks again
EDIT_STATES = {"kind": KIND, "training_topic": TOPIC, "trainees": TRAINEES, "preferred_dates": DATES, "text": DESCRIBE,
               "industry": INDUSTRY, "urgency": URGENCY, "service_mode": MODE, "name": ENT_NAME,
               "credit_code": ENT_CODE, "ent_kind": ENT_KIND, "region_code": ENT_REGION, "contact_name": CONTACT,
               "phone": PHONE}


async def profile_of(update: Update, context: BotContext, draft: DemandInfo | None) -> EnterpriseInfo | None:
    """The enterprise profile the draft is filed with (a pending link: with the user's own contact, from the draft)."""
    return filing_profile(await context.services.enterprises.of_user(update.effective_user.id), draft)


def flow_of(context: BotContext) -> dict:
    return context.user_data.setdefault("report", {})


async def current_draft(context: BotContext) -> DemandInfo | None:
    flow = context.user_data.get("report") or {}
    demand = await context.services.demands.get(flow["id"], with_history=False) if flow.get("id") else None
    return demand if demand is not None and demand.ticket is None else None


# ---------------------------------------------------------------------------- what comes next
async def advance(update: Update, context: BotContext, draft: DemandInfo | None = None) -> str | int:
    """Ask the next missing thing (or show the summary); return the state that waits for it. ``draft`` saves a
    reload when the caller has just written it."""
    flow = flow_of(context)
    draft = draft or await current_draft(context)
    if draft is None:
        context.user_data.pop("report", None)
        await update.effective_chat.send_message(context.t("report.gone"))
        return ConversationHandler.END
    enterprise = await profile_of(update, context, draft)
    asked = flow.setdefault("asked", [])
    if flow.get("editing"):
        return await show_summary(update, context, draft, enterprise)
    field = _first_missing(flow, asked, draft, enterprise)
    if field is None:
        return await show_summary(update, context, draft, enterprise)
    return await ask(update, context, field, draft)


def _first_missing(flow: dict, asked: list[str], draft: DemandInfo, enterprise: EnterpriseInfo | None) -> str | None:
    """The summary-card field to ask next, in asking order; None when everything is there."""
    if "kind" not in asked:
        return "kind"
    if draft.kind is DemandKind.TRAINING:
        for field in ("training_topic", "trainees", "preferred_dates"):
            if not getattr(draft, field):
                return field
    if enterprise is not None and enterprise.pending:  # the record is not his: only his own contact is asked
        missing = [f for f in ("contact_name", "phone") if not getattr(enterprise, f)]
        return missing[0] if missing else _demand_missing(flow, draft)
    if enterprise is None or not enterprise.name:
        return "name"
    if "credit_code" not in asked and not enterprise.credit_code and not enterprise.complete:
        return "credit_code"
    if "ent_kind" not in asked and not enterprise.complete:
        return "ent_kind"
    for field in ("region_code", "contact_name", "phone"):
        if not getattr(enterprise, field):
            return field
    return _demand_missing(flow, draft)


def _demand_missing(flow: dict, draft: DemandInfo) -> str | None:
    if not flow.get("described"):
        return "text"
    for field in ("industry", "urgency", "service_mode"):
        if not getattr(draft, field):
            return field
    return None


PROMPTS = {"kind": "report.ask_kind", "training_topic": "report.ask_training_topic", "trainees": "report.ask_trainees",
           "preferred_dates": "report.ask_preferred_dates", "name": "report.ask_name",
           "credit_code": "report.ask_credit_code", "ent_kind": "report.ask_ent_kind", "contact_name": "report.ask_contact",
           "urgency": "report.ask_urgency", "service_mode": "report.ask_mode"}
KEYBOARDS = {"kind": kind_keyboard, "credit_code": skip_keyboard, "ent_kind": enterprise_kind_keyboard,
             "urgency": urgency_keyboard, "service_mode": mode_keyboard}


async def ask(update: Update, context: BotContext, field: str, draft: DemandInfo | None = None) -> str:
    """Ask for one summary-card field (the first time, or again from its ✏️); return the state that waits."""
    if field == "region_code":
        await ask_region(update, context)
    elif field == "phone":
        await ask_phone(update, context)
    elif field == "industry":
        return await ask_industry(update, context, draft or await current_draft(context))
    elif field == "text":
        draft = draft or await current_draft(context)
        await update.effective_chat.send_message(
            context.t("report.ask_text", min=MIN_TEXT, max=MAX_TEXT),
            reply_markup=done_keyboard(context.lang) if len(draft.text) >= MIN_TEXT else None)
    else:
        keyboard = KEYBOARDS.get(field)
        await update.effective_chat.send_message(context.t(PROMPTS[field]),
                                                 reply_markup=keyboard(context.lang) if keyboard else None)
    return EDIT_STATES[field]


async def show_summary(update: Update, context: BotContext, draft: DemandInfo, enterprise: EnterpriseInfo | None) -> str:
    flow_of(context).pop("editing", None)
    text, markup = summary_card(draft, enterprise, context.services.regions, context.lang)
    await update.effective_chat.send_message(text, reply_markup=markup)
    return SUMMARY


async def ask_industry(update: Update, context: BotContext, draft: DemandInfo) -> str:
    prior = await context.services.industry.prior_for(update.effective_user.id)
    analysis = context.services.analyzer.analyse(draft.text, prior=prior)
    await industry_step.ask_industry(update, context, analysis, "demand")
    return INDUSTRY


def mark_asked(context: BotContext, name: str) -> None:
    asked = flow_of(context).setdefault("asked", [])
    if name not in asked:
        asked.append(name)


async def save(update: Update, context: BotContext, **values: object) -> DemandInfo | None:
    """Write draft fields and return the draft; None (after telling the user) when it is gone or submitted."""
    try:
        return await context.services.demands.update(flow_of(context)["id"], update.effective_user.id, **values)
    except (Refused, KeyError):
        await update.effective_chat.send_message(context.t("report.gone"))
        return None




async def show_card(update: Update, context: BotContext) -> str | int:
    """The summary card again (its ✏️ and 提交 buttons), as the draft now stands."""
    draft = await current_draft(context)
    if draft is None:
        return await advance(update, context)  # gone meanwhile: says so and ends
    return await show_summary(update, context, draft, await profile_of(update, context, draft))


def _asking(field: str):
    async def reask(update: Update, context: BotContext) -> str | int:
        if field in ("text", "industry") and await current_draft(context) is None:
            return await advance(update, context)  # the draft is gone: says so
        return await ask(update, context, field)

    return reask


# after a restart each step asks its question again (conversations/resume.py)
resume.register({**{state: _asking(field) for field, state in EDIT_STATES.items()}, SUMMARY: show_card})
