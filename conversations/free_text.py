"""Free text sent outside any conversation: the intent router decides what it is, and each intent gets its answer.

A technical problem or a training need is handed back to the caller (/report's entry points in
conversations/report/intake.py), which starts the demand flow with the text filled in, or asks first when the
evidence is weak; a union matter (dues, welfare, wages, contracts, work injury …) gets its answer with the source
and the ask-staff button (conversations/union.py), never a craftsman; a text not understood is said to be so, with
the same button (it may be a question only a person can answer). A text with no words (emoji, punctuation, a lone number or date) gets a hint
of what the bot can do and no ask-staff button: there is nothing in it for staff to answer.
"""

from __future__ import annotations

from telegram import Update

from conversations.common import expect_button, reject_too_long
from conversations.context import BotContext
from conversations.union import answer_union, offer_staff
from db.models import Role
from nlp.analyzer import Analysis
from nlp.intent import Intent, is_union_service
from services.industry import MAX_TEXT
from services.intake import employer_reading, union_floor
from services.validation import has_words

ANSWERS = {
    Intent.GREETING: "intent.greeting",
    Intent.COMPETITION: "intent.competition",
    Intent.COURSE: "intent.course",
}


async def route_text(update: Update, context: BotContext, analysis: Analysis | None = None) -> Analysis | None:
    """Answer the text (or a photo's caption); return its analysis when it is a problem or training need a
    registered user can file. ``analysis``: the text's, when the caller has it already."""
    text = update.effective_message.text or update.effective_message.caption or ""
    if len(text) > MAX_TEXT:  # no question is open: too long for a message to the bot, not "send it again"
        await update.effective_message.reply_text(context.t("fallback.too_long", max=MAX_TEXT, length=len(text)))
        return None
    if not has_words(text):  # emoji, punctuation, a lone number or date: what the bot can do, nothing for staff
        await update.effective_message.reply_text(context.t("fallback.no_words"))
        return None
    if analysis is None:  # outside any flow: an employer's fault beside wages is the fault, asked about
        analyser = context.services.analyzer
        analysis = analyser.analyse(text, union_floor=union_floor(context.role))
        if context.role is Role.ENTERPRISE:
            analysis = employer_reading(analyser, analysis)
    if is_union_service(analysis.intent):
        await answer_union(update, context, analysis)
        return None
    if analysis.intent is Intent.OTHER:  # not understood: it may still be a question for union staff
        await offer_staff(update, context, Intent.OTHER.value, text, context.t("fallback.not_understood"))
        return None
    if analysis.intent in ANSWERS:
        await update.effective_message.reply_text(context.t(ANSWERS[analysis.intent]))
        return None
    if context.profile is None or context.profile.role is None:
        await update.effective_message.reply_text(context.t("intent.unregistered"))
        return None
    return analysis


async def expect_button_or_answer(update: Update, context: BotContext) -> None:
    """Something typed where a step waits for a button press (a /settings step, /start's consent): a member's own
    question (dues, wages, a contract …) is answered as it would be outside the menu, and that answer is all (the
    menu still waits: "click the buttons above" would point at the answer's own button); anything else is pointed to the
    menu's buttons."""
    text = update.effective_message.text or ""
    if text and not await reject_too_long(update, context, text, MAX_TEXT):
        analysis = context.services.analyzer.analyse(text, union_floor=union_floor(context.role))
        if is_union_service(analysis.intent):
            await answer_union(update, context, analysis)
            return
    await expect_button(update, context)
