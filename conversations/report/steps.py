"""/report's steps: the conversation states and how each question is asked. After every answer the handlers call
:func:`go_on` (the form engine's REPORT.go_on, conversations/form_draft.py), which asks for the next thing still
missing — the service decides what that is (services/demand_form.py: kind, training details, the enterprise
profile, the description, the industry, urgency, service mode) — or shows the summary card. The form's progress
lives in its draft's answers (the engine reads and writes them once per update), never in ``user_data``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ConversationHandler

from conversations import industry_step
from conversations.contact import ask_phone
from conversations.context import BotContext
from conversations.form_draft import answers, drop, known
from conversations.region_picker import ask_region
from conversations.report.views import (
    done_keyboard,
    enterprise_kind_keyboard,
    kind_keyboard,
    mode_keyboard,
    skip_keyboard,
    summary_card,
    urgency_keyboard,
)
from services.demand_form import FORM, PURPOSE, DemandForm, Progress, ReportState, description_fault
from services.demand_info import DemandInfo
from services.demands import MAX_TEXT, MIN_TEXT, Refused
from services.enterprises import EnterpriseInfo

# Conversation states
(
    RESUME,
    KIND,
    TOPIC,
    TRAINEES,
    DATES,
    ENT_NAME,
    ENT_CODE,
    ENT_KIND,
    ENT_REGION,
    CONTACT,
    PHONE,
    DESCRIBE,
    INDUSTRY,
    URGENCY,
    MODE,
    SUMMARY,
    DISCARD,
) = (
    f"report.{name}"
    for name in (
        "resume",
        "kind",
        "topic",
        "trainees",
        "dates",
        "ent_name",
        "ent_code",
        "ent_kind",
        "ent_region",
        "contact",
        "phone",
        "describe",
        "industry",
        "urgency",
        "mode",
        "summary",
        "discard",
    )
)
MAX_SHORT = 128
MAX_TRAINEES = 100_000


@dataclass(frozen=True)
class Question:
    """One /report question, declared once: the state that waits for its answer, its prompt and its buttons
    (no prompt: asked its own way, see :func:`ask`). The order they are asked in is the service's
    (services/demand_form.py); each ✏️ on the summary card asks its field's question again."""

    state: str
    prompt: str | None = None
    keyboard: Callable[[str], InlineKeyboardMarkup] | None = None


QUESTIONS = {
    "kind": Question(KIND, "report.ask_kind", kind_keyboard),
    "training_topic": Question(TOPIC, "report.ask_training_topic"),
    "trainees": Question(TRAINEES, "report.ask_trainees"),
    "preferred_dates": Question(DATES, "report.ask_preferred_dates"),
    "text": Question(DESCRIBE),  # its lengths, and 完成 once it is long enough
    "industry": Question(INDUSTRY),  # the industry step (conversations/industry_step.py)
    "urgency": Question(URGENCY, "report.ask_urgency", urgency_keyboard),
    "service_mode": Question(MODE, "report.ask_mode", mode_keyboard),
    "name": Question(ENT_NAME, "report.ask_name"),
    "credit_code": Question(ENT_CODE, "report.ask_credit_code", skip_keyboard),
    "ent_kind": Question(ENT_KIND, "report.ask_ent_kind", enterprise_kind_keyboard),
    "region_code": Question(ENT_REGION),  # the region picker
    "contact_name": Question(CONTACT, "report.ask_contact"),
    "phone": Question(PHONE),  # the phone step (conversations/contact.py)
}


def form_of(context: BotContext) -> DemandForm:
    return context.services.demand_form


def note(context: BotContext, asked: str | None = None, **changes: object) -> None:
    """Record the form's progress in its draft (written back once, after the handler: conversations/form_draft.py)."""
    form_of(context).note(answers(FORM), asked, **changes)


def progress_of() -> Progress | None:
    return Progress.read(answers(FORM))


async def current_draft(update: Update, context: BotContext) -> DemandInfo | None:
    """The draft /report is filling (None once it was submitted, discarded or expired, or no /report is open)."""
    return await form_of(context).draft(update.effective_user.id, answers(FORM))


async def profile_of(update: Update, context: BotContext, draft: DemandInfo | None) -> EnterpriseInfo | None:
    """The enterprise profile the draft is filed with (a pending link or a claim on another enterprise in this form:
    with the user's own contact, from the draft)."""
    return await form_of(context).profile(update.effective_user.id, answers(FORM), draft)


# ---------------------------------------------------------------------------- what comes next
async def read_state(update: Update, context: BotContext, draft: DemandInfo | None = None) -> ReportState | None:
    """REPORT's reads: the form as it stands (``draft``: the one just written, saves reading it again); what is
    missing is the service's answer (ReportState.missing, services/demand_form.py)."""
    return await form_of(context).state(update.effective_user.id, answers(FORM), draft)


async def gone(update: Update, context: BotContext) -> int:
    drop(FORM)
    await update.effective_chat.send_message(context.t("report.gone"))
    return ConversationHandler.END


async def go_on(update: Update, context: BotContext, draft: DemandInfo | None = None) -> str | int:
    """REPORT.go_on: ask the next missing thing (or show the summary); return the state that waits for it. REPORT
    is declared in flow.py, which imports the handlers that call this."""
    from conversations.report.flow import REPORT

    return await REPORT.go_on(update, context, draft)


async def ask(update: Update, context: BotContext, field: str, draft: DemandInfo | None = None) -> str:
    """Ask for one summary-card field (the first time, or again from its ✏️); return the state that waits."""
    if field == "region_code":
        await ask_region(update, context)
    elif field == "phone":
        await ask_phone(update, context)
    elif field == "industry":
        return await ask_industry(update, context, draft or await current_draft(update, context))
    elif field == "text":
        draft = draft or await current_draft(update, context)
        described = description_fault(draft.text) is None  # typed before the flow began (free text, a caption): kept
        await update.effective_chat.send_message(
            context.t("report.ask_more_text" if described else "report.ask_text", min=MIN_TEXT, max=MAX_TEXT),
            reply_markup=done_keyboard(context.lang) if described else None,
        )
    else:
        question = QUESTIONS[field]
        await update.effective_chat.send_message(
            context.t(question.prompt), reply_markup=question.keyboard(context.lang) if question.keyboard else None
        )
    return QUESTIONS[field].state


async def show_summary(update: Update, context: BotContext, state: ReportState) -> str:
    if state.progress.editing:
        note(context, editing=False)
    text, markup = summary_card(state.draft, state.enterprise, context.services.regions, context.lang)
    await update.effective_chat.send_message(text, reply_markup=markup)
    return SUMMARY


async def ask_industry(update: Update, context: BotContext, draft: DemandInfo) -> str:
    prior = await context.services.industry.prior_for(update.effective_user.id)
    analysis = context.services.analyzer.analyse(draft.text, prior=prior)
    await industry_step.ask_industry(update, context, analysis, PURPOSE)
    return INDUSTRY


async def mark_asked(update: Update, context: BotContext, name: str) -> None:
    note(context, asked=name)


async def save(update: Update, context: BotContext, **values: object) -> DemandInfo | None:
    """Write draft fields and return the draft; None (after telling the user) when it is gone or submitted."""
    user_id = update.effective_user.id
    try:
        progress = progress_of()
        if progress is None:
            raise KeyError("no report in progress")
        return await context.services.demands.update(progress.demand_id, user_id, **values)
    except (Refused, KeyError):
        await update.effective_chat.send_message(context.t("report.gone"))
        return None


async def show_card(update: Update, context: BotContext) -> str | int:
    """The summary card (its ✏️ and 提交 buttons), as the draft now stands (as go_on() read it, when it asks)."""
    state = known(FORM) or await read_state(update, context)
    if state is None:
        return await gone(update, context)
    return await show_summary(update, context, state)


async def edit_text(update: Update, context: BotContext) -> str:
    """✏️ on the description: the next text replaces it (report.ask_new_text); 完成 again, then what follows it."""
    note(context, replace_text=True, described=False)
    await update.effective_chat.send_message(context.t("report.ask_new_text", min=MIN_TEXT, max=MAX_TEXT))
    return DESCRIBE


def asking(field: str):
    """How a field's Step asks (from go_on(), with the state it read; again after a restart or from ✏️)."""

    async def reask(update: Update, context: BotContext) -> str | int:
        state: ReportState | None = known(FORM)
        draft = state.draft if state is not None else None
        if draft is None and field in ("text", "industry"):
            draft = await current_draft(update, context)
            if draft is None:
                return await gone(update, context)  # the draft is gone: says so
        return await ask(update, context, field, draft)

    return reask
