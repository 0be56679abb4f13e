"""/report's button questions answered by typing. A button's label typed instead of pressed is that press (in
either script or English, punctuation and emoji aside: nlp/script.py says_label, as the intake question and the
event forms read them): the description's 完成, and each choice question's buttons. At the urgency and the service
mode an everyday phrasing that says one choice and no other is read too (services/choice_words.py) and said back;
anything else is asked again naming the choices in words."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update

from conversations.context import BotContext
from conversations.form_draft import Handler
from conversations.report.describe import finish_description
from conversations.report.intake import unless_elsewhere
from db.models import DemandKind, EnterpriseKind
from nlp.script import says_label
from services import choice_words
from services.choice_words import Words
from services.demands import SERVICE_MODES, URGENCIES

Chosen = Callable[[Update, BotContext, str, str], Awaitable[object]]


@dataclass(frozen=True)
class Choice:
    action: str  # what the buttons' press names (rp:<action>)
    values: tuple[str, ...]
    labels: str  # catalogue prefix of the buttons' labels: "<labels>.<value>"
    words: Words | None = None  # everyday phrasings read as a choice


CHOICES = {
    "kind": Choice("kind", tuple(k.value for k in DemandKind), "demand.kind"),
    "urgency": Choice("urgency", URGENCIES, "demand.urgency", choice_words.URGENCY),
    "service_mode": Choice("mode", SERVICE_MODES, "demand.mode", choice_words.SERVICE_MODE),
    "ent_kind": Choice("entkind", tuple(k.value for k in EnterpriseKind), "enterprise.kind"),
}


def typed_choice(field: str, chosen: Chosen) -> Handler:
    """Text at ``field``'s choice question: a label or a plain phrasing is its choice (``chosen`` goes on);
    text plainly about something else is answered as such; the rest is asked again, the choices named."""
    choice = CHOICES[field]

    async def again(update: Update, context: BotContext) -> None:
        names = context.t("industry.separator").join(context.t(f"{choice.labels}.{v}") for v in choice.values)
        await update.effective_message.reply_text(context.t("report.choose_in_words", choices=names))

    unclear = unless_elsewhere(again)

    async def typed(update: Update, context: BotContext) -> object:
        text = update.effective_message.text or ""
        value = next((v for v in choice.values if says_label(text, context.t(f"{choice.labels}.{v}"))), None)
        if value is None and choice.words is not None:
            value = choice_words.read_choice(text, choice.words)
            if value is not None:
                label = context.t(f"{choice.labels}.{value}")
                await update.effective_message.reply_text(context.t("report.typed_choice", choice=label))
        if value is None:
            return await unclear(update, context)
        return await chosen(update, context, choice.action, value)

    return typed


def typed_done(describe: Handler) -> Handler:
    """Text at the description: 完成 typed is the 完成 press; any other text goes to ``describe``."""

    async def typed(update: Update, context: BotContext) -> object:
        if not says_label(update.effective_message.text or "", context.t("report.done_button")):
            return await describe(update, context)

        async def refuse(text: str) -> None:
            await update.effective_message.reply_text(text)

        async def accept() -> None:
            return None

        return await finish_description(update, context, refuse, accept, "report.gone")

    return typed
