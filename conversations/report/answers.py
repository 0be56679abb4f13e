"""/report's typed answers: the training details and the enterprise profile, each read, checked and saved by
one small handler (a wrong answer is explained and the question stays); the flow then asks for what is missing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ConversationHandler

from conversations.common import reject_too_long
from conversations.contact import read_phone
from conversations.context import BotContext
from conversations.form_draft import answers
from conversations.region_picker import region_button
from conversations.report.steps import (
    CONTACT,
    DATES,
    ENT_CODE,
    ENT_NAME,
    ENT_REGION,
    MAX_SHORT,
    MAX_TRAINEES,
    PHONE,
    TOPIC,
    TRAINEES,
    form_of,
    go_on,
    mark_asked,
    save,
)
from conversations.report.views import skip_keyboard
from services.demand_form import FORM
from services.enterprises import EnterpriseInfo, Link, PendingLink
from services.everyday import count
from services.intake import reads_as_description
from services.local_time import with_dates_read
from services.validation import Invalid, credit_code, has_words


async def _text(update: Update, context: BotContext, limit: int = MAX_SHORT, name: bool = False) -> str | None:
    """The typed answer, or None after explaining what is wrong; a ``name`` (the enterprise's, the contact's) needs
    words: "？？？" or "😀" names nothing (services/validation.py has_words)."""
    text = (update.effective_message.text or "").strip()
    if not text:
        await update.effective_message.reply_text(context.t("expect.text"))
        return None
    if await reject_too_long(update, context, text, limit):
        return None
    if name and not has_words(text):
        await update.effective_message.reply_text(context.t("input.no_words"))
        return None
    return text


async def _trainees(update: Update, context: BotContext) -> int | None:
    text = (update.effective_message.text or "").strip()
    number = count(text, 1, MAX_TRAINEES)  # "50", "五十人", "大约50人"
    if number is None:
        await update.effective_message.reply_text(context.t("report.trainees_invalid", max=MAX_TRAINEES))
        return None
    if text != str(number):  # "二十来个吧": said back as the number it is recorded as
        await update.effective_message.reply_text(context.t("report.trainees_read", count=number))
    return number


def _draft_field(field: str, state: str, read: Callable[[Update, BotContext], Awaitable[object | None]]):
    """The handler of one typed draft answer (the training details): ``read`` returns the value (or None after
    explaining what is wrong, and the question stays); the value is written to the draft and the flow goes on."""

    async def answer(update: Update, context: BotContext) -> str | int:
        value = await read(update, context)
        if value is None:
            return state
        draft = await save(update, context, **{field: value})
        return await go_on(update, context, draft) if draft else ConversationHandler.END

    return answer


topic = _draft_field("training_topic", TOPIC, lambda update, context: _text(update, context, 256))
trainees = _draft_field("trainees", TRAINEES, _trainees)


async def _preferred_dates(update: Update, context: BotContext) -> str | None:
    """As typed, with the date it names when it names one ("下周二下午两点（2026-11-24 14:00）")."""
    text = await _text(update, context, 200)
    if not text:
        return None
    services = context.services
    try:
        return with_dates_read(text, services.settings.tz, services.clock.now())
    except Invalid as exc:  # "3点" or a time already past: asked again, with an example still to come
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return None


dates = _draft_field("preferred_dates", DATES, _preferred_dates)


OWN_CONTACT = {"contact_name": "contact_name", "phone": "contact_phone"}  # profile field → the draft's own


def _profile_field(field: str, state: str, read: Callable[[Update, BotContext], Awaitable[object | None]]):
    """The handler of one enterprise-profile answer: ``read`` returns the value (or None after explaining what
    is wrong, and the question stays); the value is saved to the profile and the flow goes on."""

    async def answer(update: Update, context: BotContext) -> str | int:
        value = await read(update, context)
        if value is None:
            return state
        try:
            info, link = await form_of(context).set_profile(update.effective_user.id, answers(FORM), field, value)
            await tell_link(update, context, info, link, by_name=True)
        except PendingLink:  # his link waits: his contact goes on his demand, the record stays as it is
            if field not in OWN_CONTACT:
                await update.effective_message.reply_text(context.t("report.pending_no_edit"))
            elif await save(update, context, **{OWN_CONTACT[field]: value}) is None:
                return ConversationHandler.END
        return await go_on(update, context)

    return answer


async def _name(update: Update, context: BotContext) -> str | None:
    """The enterprise's name. A problem description typed here (services/intake.py reads_as_description) is kept as
    the draft's description and the name asked again; the same text typed again is taken as the name after all."""
    text = (update.effective_message.text or "").strip()
    if text and reads_as_description(text, context.services.analyzer.analyse):
        form = form_of(context)
        draft = await form.draft(update.effective_user.id, answers(FORM))
        if draft is not None and text not in draft.text:
            try:
                await form.describe(update.effective_user.id, answers(FORM), text)
            except ValueError:  # the description is full: read as a name like any other text
                pass
            else:
                await update.effective_message.reply_text(context.t("report.name_is_description"))
                return None
    return await _text(update, context, MAX_SHORT, name=True)


enterprise_name = _profile_field("name", ENT_NAME, _name)
contact = _profile_field("contact_name", CONTACT, lambda update, context: _text(update, context, 64, name=True))
enterprise_region = _profile_field("region_code", ENT_REGION, region_button)
phone_answer = _profile_field("phone", PHONE, read_phone)


async def enterprise_code(update: Update, context: BotContext) -> str | int:
    text = await _text(update, context, 40)
    if text is None:
        return ENT_CODE
    try:
        code = credit_code(text)
    except Invalid as exc:
        await update.effective_message.reply_text(
            context.t(exc.key, **exc.values) + "\n" + context.t("validate.credit_retry"),
            reply_markup=skip_keyboard(context.lang),
        )
        return ENT_CODE
    info, link = await form_of(context).set_profile(update.effective_user.id, answers(FORM), "credit_code", code)
    await tell_link(update, context, info, link, by_name=False)
    await mark_asked(update, context, "credit_code")
    return await go_on(update, context)


async def tell_link(update: Update, context: BotContext, info: EnterpriseInfo, link: Link, by_name: bool) -> None:
    """What naming an enterprise in the pool did (nothing to say for the user's own record): linked, a link that
    waits for its members or for staff, or — a verified member of her own — a claim asked for when she submits.
    The enterprise is named as its people typed it."""
    if link is Link.OWN:
        return
    services, name = context.services, info.name
    lines = [context.t("report.ident.by_name" if by_name else "report.ident.by_code", name=name)]
    if link is Link.LINKED:
        lines.append(context.t("report.ident.linked"))
    else:
        who = "members" if await services.enterprises.has_members(info.id) else "staff"
        if link is Link.CLAIM:
            own = await services.enterprises.of_user(update.effective_user.id)
            lines.append(context.t("report.ident.claim", own=own.name if own else "", name=name))
        lines.append(context.t(f"report.ident.pending_{who}"))
        lines.append(context.t("report.ident.file_now"))
    await update.effective_message.reply_text("\n".join(lines))
