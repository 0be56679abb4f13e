"""/report — 企业点菜: an enterprise files a technical problem or a training need.

The draft is a ``demands`` row from the first answer on, so nothing typed is lost: a restart, /cancel ("keep the
draft") or leaving mid-flow all keep it, and /report offers to continue it. After each answer the form engine's
REPORT.go_on asks for the next thing still missing — kind, training details, the enterprise profile (asked once, reused),
the description (text, photos, documents until 完成), the industry (the classifier proposes, the user confirms),
urgency and service mode — then shows the summary card, where ✏️ re-asks one field and 提交 files it.
Free text and captioned photos outside any conversation enter here too (conversations/report_intake.py: straight
in when the evidence is strong, asked first when it is weak).
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons import Action
from buttons.forms import (
    REPORT_CHOICES,
    IntakeAnswer,
    ReportAside,
    ReportDescribed,
    ReportDiscard,
    ReportEdit,
    ReportResume,
    ReportSkipCode,
    ReportSubmit,
    YesNo,
)
from conversations import follow_up, industry_step, resume
from conversations.common import answer_stale, edit_message, expect_button, expect_text, keep_choice
from conversations.context import BotContext
from conversations.form_draft import Flow, Handler, Step, answers, drafted, drafted_all, drop, restart
from conversations.region_picker import region_step_handlers
from conversations.report import intake
from conversations.report.answers import (
    contact,
    dates,
    enterprise_code,
    enterprise_name,
    enterprise_region,
    phone_answer,
    tell_link,
    topic,
    trainees,
)
from conversations.report.describe import describe_file, describe_other, describe_text, finish_description
from conversations.report.intake import unless_elsewhere
from conversations.report.steps import (
    DISCARD,
    QUESTIONS,
    RESUME,
    SUMMARY,
    asking,
    current_draft,
    edit_text,
    form_of,
    go_on,
    gone,
    mark_asked,
    profile_of,
    read_state,
    save,
    show_card,
)
from conversations.report.typed import typed_choice, typed_done
from conversations.report.views import RECORD_FIELDS
from db.models import DemandKind, EnterpriseKind
from services.demand_form import FORM, PURPOSE
from services.demand_info import DemandInfo
from services.demands import SERVICE_MODES, URGENCIES, Refused
from services.enterprises import PendingLink

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- entry
async def start(update: Update, context: BotContext) -> str | int:
    if context.profile is None or context.profile.role is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return ConversationHandler.END
    draft = await context.services.demands.draft_of(update.effective_user.id)
    if draft is not None and draft.has_content:
        kept = await context.services.forms.get(update.effective_user.id, FORM)  # begins: not read before
        restart(FORM, form_of(context).take_up(draft, kept.answers if kept is not None else None))
        await update.effective_message.reply_text(
            context.t("report.resume_ask", preview=draft.text[:40] or context.t(f"demand.kind.{draft.kind.value}")),
            reply_markup=_resume_keyboard(context),
        )
        return RESUME
    return await _new(update, context, draft)


async def _new(
    update: Update, context: BotContext, old: DemandInfo | None = None, kind: DemandKind | None = None, text: str = ""
) -> str:
    services, user_id = context.services, update.effective_user.id
    if old is not None:
        await services.demands.discard(old.id, user_id)
    enterprise = await services.enterprises.of_user(user_id)
    draft = await services.demands.start_draft(user_id, kind, text, enterprise.id if enterprise else None)
    restart(FORM, form_of(context).begin(draft, asked=("kind",) if kind else ()))
    return await go_on(update, context, draft)


async def _answered(
    update: Update, context: BotContext, kind: type[ReportResume] | type[ReportDiscard]
) -> tuple[bool, DemandInfo | None]:
    """A yes/no press, answered and its buttons removed: (whether it said yes, the draft still open)."""
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    press = kind.parse(query.data)
    return press is not None and press.answer is YesNo.YES, await current_draft(update, context)


async def resume_choice(update: Update, context: BotContext) -> str | int:
    yes, draft = await _answered(update, context, ReportResume)
    if yes and draft is not None:
        return await go_on(update, context, draft)
    return await _new(update, context, draft)


# ---------------------------------------------------------------------------- buttons
async def on_choice(update: Update, context: BotContext) -> str | int:
    """kind / urgency / mode / enterprise kind buttons; the value is checked against the allowed set."""
    query = update.callback_query
    press = next((p for kind in REPORT_CHOICES if (p := kind.parse(query.data)) is not None), None)
    action = press.prefix.removeprefix("rp:") if press is not None else ""
    value = getattr(press, "value", "")
    allowed = {
        "kind": {k.value for k in DemandKind},
        "urgency": set(URGENCIES),
        "mode": set(SERVICE_MODES),
        "entkind": {k.value for k in EnterpriseKind},
    }
    if value not in allowed.get(action, ()):
        await query.answer(context.t("button.stale"), show_alert=True)
        return None  # stay in the state
    await query.answer()
    await keep_choice(update)
    return await chosen(update, context, action, value)


async def chosen(update: Update, context: BotContext, action: str, value: str) -> str | int:
    """A choice question answered (pressed, or typed: conversations/report/typed.py) with an allowed ``value``."""
    if action == "entkind":
        try:
            await form_of(context).set_profile(update.effective_user.id, answers(FORM), "kind", EnterpriseKind(value))
        except PendingLink:
            await update.effective_chat.send_message(context.t("report.pending_no_edit"))
        await mark_asked(update, context, "ent_kind")
    else:
        field = {"kind": "kind", "urgency": "urgency", "mode": "service_mode"}[action]
        draft = await save(update, context, **{field: DemandKind(value) if action == "kind" else value})
        if draft is None:
            return ConversationHandler.END
        await mark_asked(update, context, action)
        return await go_on(update, context, draft)
    return await go_on(update, context)


async def skip_code(update: Update, context: BotContext) -> str | int:
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    named = await context.services.enterprises.without_code(update.effective_user.id)
    if named is not None:  # the exact name of an enterprise in the pool: that one, never a look-alike
        await tell_link(update, context, *named, by_name=True)
    await mark_asked(update, context, "credit_code")
    return await go_on(update, context)


async def described(update: Update, context: BotContext) -> str | int:
    query = update.callback_query

    async def refuse(text: str) -> None:
        await query.answer(text, show_alert=True)

    async def accept() -> None:
        await query.answer()
        await query.edit_message_reply_markup(None)

    return await finish_description(update, context, refuse, accept, "button.stale")


async def industry_button(update: Update, context: BotContext) -> str | int | None:
    proposal = await industry_step.on_button(update, context, PURPOSE)
    if proposal is None:
        return None
    try:  # the service says whether this proposal gives the demand its industry
        draft = await form_of(context).industry_chosen(update.effective_user.id, answers(FORM), proposal)
    except (Refused, KeyError):
        await update.effective_chat.send_message(context.t("report.gone"))
        return ConversationHandler.END
    return await go_on(update, context, draft)


async def may_edit(update: Update, context: BotContext) -> bool:
    """REPORT's guard before ✏️: the draft is still there, and the enterprise's record is edited only by its own
    people (an old card, or data made up, from someone whose link is pending or who named another enterprise in this
    draft: refused)."""
    press = ReportEdit.parse(update.callback_query.data)
    if await current_draft(update, context) is None:
        await answer_stale(update, context)
        return False
    if press is not None and press.field in RECORD_FIELDS:
        enterprise = await profile_of(update, context, None)  # a claim in this draft: the claimed one, pending
        if enterprise is not None and enterprise.pending:
            await update.callback_query.answer(context.t("report.pending_no_edit"), show_alert=True)
            return False
    return True


async def submit(update: Update, context: BotContext) -> str | int | None:
    query = update.callback_query
    services, user_id = context.services, update.effective_user.id
    draft = await current_draft(update, context)
    enterprise = await profile_of(update, context, draft)
    if draft is None or enterprise is None:
        await query.answer(context.t("report.already_submitted"), show_alert=True)
        drop(FORM)
        return ConversationHandler.END
    try:
        unverified = await services.links.flag_draft(draft.id, user_id, enterprise.id)
        info = await services.demands.submit(draft.id, user_id, enterprise)
        await form_of(context).submitted(user_id, enterprise, answers(FORM))  # before drop(): its claim
    except Refused:
        await query.answer(context.t("report.already_submitted"), show_alert=True)
        return ConversationHandler.END
    except ValueError:  # something went missing (e.g. an old card): ask it again
        await query.answer()
        return await go_on(update, context)
    drop(FORM)  # written with the submission, in the update's one transaction
    await query.answer()
    done = context.t("report.submitted", ticket=info.ticket)
    if unverified:
        await services.links.filed_unverified(info)
        done += "\n" + context.t("report.submitted_unverified")
    await edit_message(update, query.message.text_html + "\n\n" + done)
    return ConversationHandler.END


# ---------------------------------------------------------------------------- leaving
async def cancel(update: Update, context: BotContext) -> str | int:
    draft = await current_draft(update, context)
    if draft is not None and draft.has_content:
        await update.effective_message.reply_text(
            context.t("report.discard_ask"), reply_markup=_discard_keyboard(context)
        )
        return DISCARD
    if draft is not None:
        await context.services.demands.discard(draft.id, update.effective_user.id)
    drop(FORM)
    await update.effective_message.reply_text(context.t("cancel.done"))
    return ConversationHandler.END


async def discard_choice(update: Update, context: BotContext) -> int:
    yes, draft = await _answered(update, context, ReportDiscard)
    if yes and draft is not None:
        await context.services.demands.discard(draft.id, update.effective_user.id)
        await update.effective_chat.send_message(context.t("report.discarded"))
    else:
        await update.effective_chat.send_message(context.t("report.kept"))
    drop(FORM)
    return ConversationHandler.END


def _resume_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    return yes_no_of(ReportResume, context.t("report.resume_yes"), context.t("report.resume_no"))


def _discard_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    return yes_no_of(ReportDiscard, context.t("report.discard_yes"), context.t("report.discard_no"))


def yes_no_of(press: type[ReportResume] | type[ReportDiscard], yes: str, no: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=press(YesNo.YES).data()),
                InlineKeyboardButton(no, callback_data=press(YesNo.NO).data()),
            ]
        ]
    )


async def reask_resume(update: Update, context: BotContext) -> None:
    draft = await current_draft(update, context)
    if draft is not None:
        await update.effective_chat.send_message(
            context.t("report.resume_ask", preview=draft.text[:40] or context.t(f"demand.kind.{draft.kind.value}")),
            reply_markup=_resume_keyboard(context),
        )


async def reask_discard(update: Update, context: BotContext) -> None:
    await update.effective_chat.send_message(context.t("report.discard_ask"), reply_markup=_discard_keyboard(context))


resume.register(drafted_all(FORM, {RESUME: reask_resume, DISCARD: reask_discard}))  # the steps': REPORT.states()


TEXT, OTHER = filters.TEXT & ~filters.COMMAND, ~filters.COMMAND
WAIT_BUTTON = (MessageHandler(TEXT, unless_elsewhere(expect_button)), MessageHandler(OTHER, expect_button))
PRESSES = tuple(CallbackQueryHandler(drafted(FORM, on_choice), pattern=kind.pattern()) for kind in REPORT_CHOICES)


def _choice(field: str) -> tuple[BaseHandler, ...]:
    """A choice question: its buttons (any choice's, checked by on_choice), or its answer typed."""
    return *PRESSES, MessageHandler(TEXT, drafted(FORM, typed_choice(field, chosen))), WAIT_BUTTON[1]


def _typed(callback: Handler) -> tuple[BaseHandler, ...]:
    """A typed answer; text that is plainly something else (a greeting, a wage question) is answered as such."""
    return MessageHandler(TEXT, drafted(FORM, unless_elsewhere(callback))), MessageHandler(OTHER, expect_text)


def _pressed(callback: Handler, kind: type[Action] | str) -> CallbackQueryHandler:
    return CallbackQueryHandler(drafted(FORM, callback), pattern=kind if isinstance(kind, str) else kind.pattern())


TAKES: dict[str, tuple[BaseHandler, ...]] = {  # each summary-card field's answers (with the form's draft open)
    "kind": _choice("kind"),
    "training_topic": (MessageHandler(TEXT, drafted(FORM, topic)), MessageHandler(OTHER, expect_text)),  # a 课程?
    "trainees": _typed(trainees),
    "preferred_dates": _typed(dates),
    "text": (
        _pressed(described, ReportDescribed),
        _pressed(intake.add_aside, ReportAside),
        MessageHandler(TEXT, drafted(FORM, typed_done(unless_elsewhere(describe_text, describing=True)))),
        MessageHandler(filters.PHOTO | filters.Document.ALL, drafted(FORM, describe_file)),
        MessageHandler(OTHER, describe_other),
    ),
    "industry": (_pressed(industry_button, rf"^{industry_step.PREFIX}:"), *WAIT_BUTTON),
    "urgency": _choice("urgency"),
    "service_mode": _choice("service_mode"),
    "name": _typed(enterprise_name),
    "credit_code": (_pressed(skip_code, ReportSkipCode), *_typed(enterprise_code)),
    "ent_kind": _choice("ent_kind"),
    "region_code": tuple(region_step_handlers(drafted(FORM, enterprise_region))),
    "contact_name": _typed(contact),
    "phone": (MessageHandler(filters.CONTACT, drafted(FORM, phone_answer)), *_typed(phone_answer)),
}
REEDIT = {"text": edit_text}  # ✏️ on the description: the next text replaces it
AFTER_EDIT = ("text", "industry")  # their ✏️ goes through the steps after them, not straight back to the card
# /report on the one form engine: a Step per summary-card field (steps.QUESTIONS: its state and how it is asked);
# what is missing is the service's (ReportState.missing, read once per step and handed to the step's question);
# ✏️ on the card is the engine's edit, after may_edit; 提交 files it
REPORT = Flow(
    FORM,
    tuple(
        Step(q.state, asking(f), TAKES[f], f, f"field.{f}", reedit=REEDIT.get(f), back=f not in AFTER_EDIT)
        for f, q in QUESTIONS.items()
    ),
    None,
    summary=Step(SUMMARY, show_card, (_pressed(submit, ReportSubmit), *WAIT_BUTTON)),
    edit=ReportEdit,
    guard=may_edit,
    editing="editing",
    reads=read_state,
    gone=gone,
)


def build() -> ConversationHandler:
    private = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE  # free text and photos: not the staff group
    report = CommandHandler("report", drafted(FORM, start, begins=True))
    return ConversationHandler(
        entry_points=[
            report,
            MessageHandler(TEXT & private & follow_up.TypedStars(), intake.from_stars),  # a rating, if one waits
            MessageHandler(TEXT & private, intake.from_text),  # the draft is opened when one is filed
            MessageHandler(filters.PHOTO & private, intake.from_photo),
            CallbackQueryHandler(intake.on_press, pattern=IntakeAnswer.pattern()),
        ],
        states={
            RESUME: [_pressed(resume_choice, ReportResume), *WAIT_BUTTON],
            **REPORT.states(),
            DISCARD: [_pressed(discard_choice, ReportDiscard), *WAIT_BUTTON],
        },
        fallbacks=[CommandHandler("cancel", drafted(FORM, cancel)), report],
        name="report",
        persistent=True,
    )
