"""How /report is entered without the command, and what it does with text that is not for the draft.

Outside any conversation, typed text — or a photo's caption — that the router takes for a technical problem or
a training need starts a new draft at once when the evidence is strong (services/intake.py), the photo
attached. When it is weak, nothing is opened: the bot asks "这是需要劳模工匠帮助的技术难题吗？" with
是，提交技术难题 / 是培训需求 / 不是，我有别的问题 (the last answers the union matter the text is about after all,
or says it was not understood, either with the ask-staff button). The text (and the photo's file id) waits in the user's form draft
``intake`` in the database (services/forms.py), so a restart keeps it; the
buttons carry only the question's number, and a press acts only when it is that user's question still waiting.
A button's label typed instead of pressed (either script, punctuation aside: nlp/script.py says_label) is that
press, and the question's buttons go (as /my's 跳过 go on /cancel); typed with no question waiting it is never a
demand's text (a sentence about the matter is asked for). An answered question keeps its number (services/intake.py):
a late press on its buttons says it was answered and does nothing; a newer question takes the older's buttons away.

A kept draft is never added to from here: a new demand starts its own draft and the kept one stays (/report
offers the newest, /my lists them all). Inside /report, text that is plainly something else (a greeting, a
labour-rights or union question, a competition or course question) is answered as it would be outside, and the
flow stays at its step — only the description step takes free text into the draft. There, text is description
but for a greeting or a union question (answered, with ➕ 加入描述): a training need's description speaks of classes
(上课) and a problem's may name a competition, so the course and competition answers never take it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from buttons.forms import IntakeAnswer, ReportAside
from conversations import follow_up, typed_replies
from conversations.context import BotContext
from conversations.form_draft import drafted, restart
from conversations.free_text import route_text
from conversations.report.describe import add_text
from conversations.report.steps import DESCRIBE, form_of, go_on, note, progress_of
from conversations.report.views import done_keyboard
from conversations.union import answer_union, offer_staff
from db.models import DemandKind
from nlp.analyzer import Analysis
from nlp.intent import Intent, is_union_service
from nlp.script import says_label
from services.demand_form import FORM
from services.intake import (
    ANSWERED,
    DEMAND_INTENTS,
    WAITING,
    answered,
    asking,
    not_a_demand,
    press_on,
    sure_enough,
    waiting,
)
from services.validation import says_nothing

PENDING = "intake"  # the form draft of the question waiting for an answer {"n", "text", "photo"}
INTROS = {DemandKind.PROBLEM: "intent.problem", DemandKind.TRAINING: "intent.training"}
CHOICES = {"problem": DemandKind.PROBLEM, "training": DemandKind.TRAINING}
END = ConversationHandler.END


async def from_text(update: Update, context: BotContext) -> str | int:
    """Text typed outside any conversation: a label of the intake question's buttons is that button's answer."""
    action = _typed_label(update, context)
    if action is not None:
        return await _typed_answer(update, context, action)
    if await typed_replies.answered(update, context):  # the reply to an offer, a slot card, a question just filed
        return END
    analysis = await route_text(update, context)
    return END if analysis is None else await _file_or_ask(update, context, analysis, None)


async def from_stars(update: Update, context: BotContext) -> str | int:
    """Stars typed outside any conversation: a rating when a case waits for one (conversations/follow_up.py), else
    text like any other."""
    return END if await follow_up.typed_rating(update, context) else await from_text(update, context)


async def from_photo(update: Update, context: BotContext) -> str | int:
    """A photo sent outside any conversation: its caption is read like typed text; without one, a hint."""
    message = update.effective_message
    if not (message.caption or "").strip():
        await message.reply_text(context.t("intake.photo_no_caption"))
        return END
    analysis = await route_text(update, context)
    return END if analysis is None else await _file_or_ask(update, context, analysis, message.photo[-1].file_id)


async def _file_or_ask(update: Update, context: BotContext, analysis: Analysis, photo: str | None) -> str | int:
    kind = DemandKind.TRAINING if analysis.intent is Intent.TRAINING else DemandKind.PROBLEM
    if sure_enough(analysis):
        await update.effective_message.reply_text(context.t(INTROS[kind]))
        return await _file(update, context, kind, analysis.text, photo)
    forms, user_id = context.services.forms, update.effective_user.id
    kept = await _kept(context, user_id)
    asked = asking(kept, analysis.text, photo)  # a newer question retires the older
    await forms.put(user_id, PENDING, asked)
    buttons = [
        [InlineKeyboardButton(context.t(f"intake.{action}"), callback_data=IntakeAnswer(action, asked["n"]).data())]
        for action in (*CHOICES, "no")
    ]
    sent = await update.effective_message.reply_text(
        context.t("intake.question"), reply_markup=InlineKeyboardMarkup(buttons)
    )
    await forms.put(user_id, PENDING, {**asked, "message": sent.message_id})  # its buttons go when it is answered
    await _retire(update, context, waiting(kept))
    return END


async def _kept(context: BotContext, user_id: int) -> dict[str, Any] | None:
    draft = await context.services.forms.get(user_id, PENDING)
    return draft.answers if draft else None


async def _retire(update: Update, context: BotContext, question: Mapping[str, Any] | None) -> None:
    """The buttons of ``question`` (a question answered by typing, or retired by a newer one) go."""
    if question and question.get("message"):
        with contextlib.suppress(BadRequest):  # deleted, or too old to edit: a press answers on its own anyway
            await context.bot.edit_message_reply_markup(
                update.effective_chat.id, question["message"], reply_markup=None
            )


async def on_press(update: Update, context: BotContext) -> str | int:
    """是，提交技术难题 / 是培训需求 / 不是: only the presser's own question, and only while it waits."""
    query = update.callback_query
    press = IntakeAnswer.parse(query.data)
    user_id = update.effective_user.id
    pending = await _kept(context, user_id)
    state = press_on(pending, press.number) if press is not None and press.choice in (*CHOICES, "no") else None
    if press is None or pending is None or state != WAITING:
        await query.answer(context.t("intake.answered" if state == ANSWERED else "button.stale"), show_alert=True)
        return END
    await context.services.forms.put(user_id, PENDING, answered(pending))
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _answer(update, context, press.choice, pending)


def _typed_label(update: Update, context: BotContext) -> str | None:
    """The intake button whose label the text says (in either script, punctuation aside), if any."""
    text = update.effective_message.text or ""
    return next((a for a in (*CHOICES, "no") if says_label(text, context.t(f"intake.{a}"))), None)


async def _typed_answer(update: Update, context: BotContext, action: str) -> str | int:
    """A button's label typed: the press of the user's waiting question; with none waiting, never a demand's text
    (a label says nothing of the problem): asked to write the matter in a sentence or two."""
    user_id = update.effective_user.id
    pending = waiting(await _kept(context, user_id))
    if not pending:
        await update.effective_message.reply_text(context.t("intake.label_alone"))
        return END
    await context.services.forms.put(user_id, PENDING, answered(pending))
    await _retire(update, context, pending)
    return await _answer(update, context, action, pending)


async def _answer(update: Update, context: BotContext, action: str, pending: Mapping[str, Any]) -> str | int:
    """The intake question answered (pressed or typed) for its waiting ``pending`` text."""
    if action == "no":  # the union matter the text is about after all, or not understood: either way, ask staff
        analysis = not_a_demand(context.services.analyzer, pending["text"])
        if is_union_service(analysis.intent):
            await answer_union(update, context, analysis, lead=context.t("intake.not_filed"))
        else:
            await offer_staff(update, context, Intent.OTHER.value, analysis.text, context.t("intake.not_understood"))
        return END
    if context.role is None:  # unregistered since (roles are read from the database for every update)
        await update.effective_chat.send_message(context.t("help.not_registered"))
        return END
    await update.effective_chat.send_message(context.t(f"intake.filing_{action}"))
    return await _file(update, context, CHOICES[action], pending["text"], pending.get("photo"))


async def _file(update: Update, context: BotContext, kind: DemandKind, text: str, photo: str | None) -> str | int:
    """A new draft with ``text`` (and the photo); an empty old draft is replaced, a kept one stays as it is. The
    form's draft is opened here, not for every text that only might be a demand."""

    async def filed(update: Update, context: BotContext) -> str | int:
        return await _filed(update, context, kind, text, photo)

    return await drafted(FORM, filed, begins=True)(update, context)


async def _filed(update: Update, context: BotContext, kind: DemandKind, text: str, photo: str | None) -> str | int:
    services, user_id = context.services, update.effective_user.id
    old = await services.demands.draft_of(user_id)
    if old is not None and not old.has_content:
        await services.demands.discard(old.id, user_id)
    elif old is not None:
        await update.effective_chat.send_message(context.t("intake.older_draft_kept"))
    enterprise = await services.enterprises.of_user(user_id)
    draft = await services.demands.start_draft(user_id, kind, text, enterprise.id if enterprise else None)
    if photo:
        draft = await services.demands.add_attachment(draft.id, user_id, "photo", photo, None)
    restart(FORM, form_of(context).begin(draft, asked=("kind",)))
    return await go_on(update, context, draft)


# ---------------------------------------------------------------------------- inside /report
async def answered_elsewhere(update: Update, context: BotContext, describing: bool = False) -> bool:
    """Text inside /report that is plainly not an answer to the step (a greeting, a labour-rights question …):
    answer it as it would be answered outside, say the draft is kept, and return True. In the description step
    a greeting or union question is kept aside with a button that adds it after all (a description may mention 工伤);
    any other text there is description, and so is text that says nothing (refused there, services/validation.py)."""
    text = update.effective_message.text or ""
    if describing and says_nothing(text):  # "有问题有问题…", "好好好…": refused as description, not answered
        return False
    analysis = context.services.analyzer.analyse(text)
    if analysis.intent in (*DEMAND_INTENTS, Intent.OTHER):
        return False
    if describing and not (analysis.intent is Intent.GREETING or is_union_service(analysis.intent)):
        return False  # 「希望周末上课」, 「竞赛前解决」: said of the demand, part of its description
    await route_text(update, context, analysis)
    markup = None
    if describing:
        progress = progress_of()
        number = int(((progress.aside if progress else None) or {}).get("n", 0)) + 1
        note(context, aside={"n": number, "text": text})
        markup = InlineKeyboardMarkup(
            [
                [InlineKeyboardButton(context.t("report.aside_add"), callback_data=ReportAside(number).data())],
                *done_keyboard(context.lang).inline_keyboard,
            ]
        )
    await update.effective_message.reply_text(
        context.t("report.aside" if describing else "report.draft_still_here"), reply_markup=markup
    )
    return True


async def add_aside(update: Update, context: BotContext) -> str:
    """「加入描述」: the text kept aside goes into the description after all (the latest one, once)."""
    query = update.callback_query
    press = ReportAside.parse(query.data)
    progress = progress_of()
    aside = (progress.aside if progress else None) or {}
    if press is None or press.number != aside.get("n"):
        await query.answer(context.t("button.stale"), show_alert=True)
        return DESCRIBE
    note(context, aside=None)
    await query.answer()
    await query.edit_message_reply_markup(None)
    await add_text(update, context, aside["text"])
    return DESCRIBE


Handler = Callable[[Update, BotContext], Awaitable[object]]


def unless_elsewhere(callback: Handler, describing: bool = False) -> Handler:
    """``callback`` for text that belongs to the step; other text is answered and the step stays."""

    async def handler(update: Update, context: BotContext) -> object:
        if await answered_elsewhere(update, context, describing):
            return None
        return await callback(update, context)

    return handler
