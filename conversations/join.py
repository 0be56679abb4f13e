"""/join — a model worker or craftsman applies to the talent pool (人才资源库).

Name, honours (multi-select), workplace, specialities (the 技术处方, one short line each), industries suggested
by the classifier from the specialities (ticked, the user confirms or changes them), region, service team,
capacity, service modes and phone; then the application waits in the staff review queue.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.forms import (
    JoinBegin,
    JoinCapacity,
    JoinEdit,
    JoinHonour,
    JoinIndustry,
    JoinMode,
    JoinRegionPreset,
    JoinSection,
    JoinSections,
    JoinSpecialitiesDone,
    JoinSubmit,
    JoinTeam,
    YesNo,
)
from conversations.common import edit_message, expect_text
from conversations.contact import read_phone
from conversations.context import BotContext
from conversations.form_draft import Flow, Step, button_step, drafted, drop, take_up, typed_step
from conversations.industry_step import division_picker, section_picker
from conversations.join_steps import (
    CAPACITIES,
    CAPACITY,
    CONFIRM,
    FORM,
    HONOUR,
    INDUSTRY,
    MODES,
    NAME,
    PHONE,
    REGION,
    SPECIALITY,
    TEAM,
    WORKPLACE,
    ask_capacity,
    ask_honours,
    ask_industries,
    ask_join_phone,
    ask_join_region,
    ask_modes,
    ask_name,
    ask_specialities,
    ask_team,
    ask_workplace,
    flow_of,
    industry_view,
    no_words,
    show_application,
    toggles,
    typed_capacity,
    worded,
)
from conversations.region_picker import ask_region, region_button, region_step_handlers
from db.models import CraftsmanStatus
from nlp.industry import catalogue
from services.demands import SERVICE_MODES
from services.join_form import (
    MAX_DIVISIONS,
    MAX_NAME,
    MAX_WORKPLACE,
    add_specialities,
    application_from,
    application_missing,
    toggle,
)
from services.talent import HONOURS, speciality_lines
from services.validation import Invalid


async def invite_to_apply(update: Update, context: BotContext) -> None:
    """Someone picked 劳模工匠 (in /start or /settings): the role comes with staff approval of an application,
    which this button begins (an entry point of this conversation, like /join)."""
    role = context.profile.role if context.profile and context.profile.role else None
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(context.t("join.begin_button"), callback_data=JoinBegin().data())]]
    )
    await update.effective_chat.send_message(
        context.t("role.craftsman_review", role=context.t(f"role.{role.value}") if role else context.t("region.unset")),
        reply_markup=keyboard,
    )


async def begin(update: Update, context: BotContext) -> str | int:
    """The invitation's button: the same as typing /join."""
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await start(update, context)


async def start(update: Update, context: BotContext) -> str | int:
    if context.profile is None or context.profile.role is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return ConversationHandler.END
    mine = await context.services.talent.of_user(update.effective_user.id)
    if mine is not None and mine.status is CraftsmanStatus.APPROVED:
        await update.effective_message.reply_text(context.t("join.already_published"))
        return ConversationHandler.END
    if mine is not None and mine.status is CraftsmanStatus.PENDING:
        await update.effective_message.reply_text(context.t("join.pending"))
        return ConversationHandler.END
    await take_up(update, context, FORM, {}, "/join")
    return await JOIN.go_on(update, context)


async def name(update: Update, context: BotContext) -> str:
    text = await worded(update, context, "name", MAX_NAME)
    if text is None:
        return NAME
    flow_of(context)["name"] = text
    return await JOIN.go_on(update, context)


async def _toggle(
    update: Update,
    context: BotContext,
    key: str,
    options: tuple[str, ...],
    label_prefix: str,
    kind: type[JoinHonour] | type[JoinMode],
    prompt: str,
) -> str | None:
    """A multi-select press: "done" returns "done" (the caller goes on); any other known value is ticked or
    unticked in ``flow[key]`` and the keyboard redrawn (returns None)."""
    query = update.callback_query
    press = kind.parse(query.data)
    value = press.value if press is not None else ""
    flow = flow_of(context)
    if value == "done":
        flow.setdefault(key, [])
        return "done"
    if value not in options:
        await query.answer(context.t("button.stale"), show_alert=True)
        return None
    chosen = flow[key] = toggle(flow.get(key, []), value)
    await query.answer()
    await edit_message(update, context.t(prompt), toggles(chosen, options, label_prefix, kind, context))
    return None


async def honour(update: Update, context: BotContext) -> str | None:
    if await _toggle(update, context, "honours", HONOURS, "honour", JoinHonour, "join.ask_honours") != "done":
        return None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await JOIN.go_on(update, context)


async def workplace(update: Update, context: BotContext) -> str:
    text = await worded(update, context, "workplace", MAX_WORKPLACE)
    if text is None:
        return WORKPLACE
    flow_of(context)["workplace"] = text
    return await JOIN.go_on(update, context)


async def speciality(update: Update, context: BotContext) -> str:
    lines = speciality_lines(update.effective_message.text or "")
    flow = flow_of(context)
    try:
        flow["specialities"] = add_specialities(flow.get("specialities", []), lines)
    except Invalid as exc:
        if exc.key == "join.no_words":
            await no_words(update, context, exc)
        else:
            await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return SPECIALITY
    return await ask_specialities(update, context)


async def specialities_done(update: Update, context: BotContext) -> str | None:
    query = update.callback_query
    flow = flow_of(context)
    if not flow.get("specialities"):
        await query.answer(context.t("join.specialities_empty"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow["suggested"] = context.services.analyzer.suggest_divisions(flow["specialities"])
    return await JOIN.go_on(update, context)


async def industry(update: Update, context: BotContext) -> str | None:
    """Toggle a division, browse sections (``secs``, ``sec:<S>:<page>``) or go on (``i:done``)."""
    query = update.callback_query
    ticked, section = JoinIndustry.parse(query.data), JoinSection.parse(query.data)
    value = ticked.value if ticked is not None else None
    flow = flow_of(context)
    chosen = flow.setdefault("divisions", [])
    if value == "done":
        if not chosen:
            await query.answer(context.t("join.industries_empty"), show_alert=True)
            return None
        await query.answer()
        await query.edit_message_reply_markup(None)
        return await JOIN.go_on(update, context)
    await query.answer()
    if value in catalogue().divisions:
        flow["divisions"] = toggle(chosen, value, MAX_DIVISIONS)
        await edit_message(update, *industry_view(context))
    elif JoinSections.parse(query.data) is not None:
        await edit_message(
            update, *section_picker(context.lang, lambda code: JoinSection(code, 0).data(), JoinIndustry("back").data())
        )
    elif section is not None and section.section in catalogue().sections and section.page >= 0:
        code = section.section
        await edit_message(
            update,
            *division_picker(
                code,
                section.page,
                context.lang,
                lambda d: JoinIndustry(d).data(),
                lambda n: JoinSection(code, n).data(),
                JoinSections().data(),
            ),
        )
    else:  # "back", or anything else: the ticked list again
        await edit_message(update, *industry_view(context))
    return None


async def region_preset(update: Update, context: BotContext) -> str:
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    press = JoinRegionPreset.parse(query.data)
    if press is not None and press.answer is YesNo.YES and flow_of(context).get("region"):
        return await JOIN.go_on(update, context)
    await ask_region(update, context)
    return REGION


async def region_chosen(update: Update, context: BotContext) -> str:
    code = await region_button(update, context)
    if code is None:
        return REGION
    flow_of(context)["region"] = code
    return await JOIN.go_on(update, context)


async def team(update: Update, context: BotContext) -> str | None:
    query = update.callback_query
    press = JoinTeam.parse(query.data)
    value = press.value if press is not None else ""
    teams = {str(t.id): t for t in await context.services.talent.teams()}
    if value != "none" and value not in teams:
        await query.answer(context.t("button.stale"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow_of(context)["team"] = int(value) if value != "none" else None
    return await JOIN.go_on(update, context)


async def capacity(update: Update, context: BotContext) -> str | None:
    if update.callback_query is None:  # a number typed instead of pressed (services/profile_form.py's rule)
        return await JOIN.go_on(update, context) if await typed_capacity(update, context) else None
    query = update.callback_query
    press = JoinCapacity.parse(query.data)
    if press is None or press.capacity not in CAPACITIES:
        await query.answer(context.t("button.stale"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow_of(context)["capacity"] = press.capacity
    return await JOIN.go_on(update, context)


async def modes(update: Update, context: BotContext) -> str | None:
    if await _toggle(update, context, "modes", SERVICE_MODES, "demand.mode", JoinMode, "join.ask_modes") != "done":
        return None
    query = update.callback_query
    if not flow_of(context).get("modes"):
        await query.answer(context.t("join.modes_empty"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await JOIN.go_on(update, context)


async def phone(update: Update, context: BotContext) -> str:
    number = await read_phone(update, context)
    if number is None:
        return PHONE
    flow_of(context)["phone"] = number
    return await JOIN.go_on(update, context)


async def submit(update: Update, context: BotContext) -> int:
    query = update.callback_query
    services = context.services
    try:
        application = application_from(flow_of(context))
    except Invalid:  # the flow was lost (e.g. pressed twice): nothing to file
        await query.answer(context.t("button.stale"), show_alert=True)
        return ConversationHandler.END
    try:
        await services.talent.apply(update.effective_user.id, application)
    except ValueError:
        await query.answer(context.t("join.already_published"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    await edit_message(update, query.message.text_html + "\n\n" + context.t("join.submitted"))
    drop(FORM)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    drop(FORM)
    await update.effective_message.reply_text(context.t("cancel.done"))
    return ConversationHandler.END


async def _show_application(update: Update, context: BotContext) -> str:
    return await show_application(update, context, JOIN.edit_buttons(context))


# /join, declared once: each step's question, what it takes, its answer (services/join_form.py) and its ✏️ label
CAPACITY_TAKES = button_step(FORM, capacity, JoinCapacity, typed=capacity)
JOIN = Flow(
    form=FORM,
    steps=(
        Step(NAME, ask_name, typed_step(FORM, name), "name", "join.field.name"),
        Step(HONOUR, ask_honours, button_step(FORM, honour, JoinHonour), "honours", "join.field.honours"),
        Step(WORKPLACE, ask_workplace, typed_step(FORM, workplace), "workplace", "join.field.workplace"),
        Step(
            SPECIALITY,
            ask_specialities,
            (
                CallbackQueryHandler(drafted(FORM, specialities_done), pattern=JoinSpecialitiesDone.pattern()),
                *typed_step(FORM, speciality),
            ),
            "specialities",
            "join.field.specialities",
            clears=("specialities", "suggested", "divisions"),
        ),
        Step(
            INDUSTRY,
            ask_industries,
            button_step(FORM, industry, JoinIndustry, JoinSections, JoinSection),
            "divisions",
            "join.field.divisions",
        ),
        Step(
            REGION,
            ask_join_region,
            (
                CallbackQueryHandler(drafted(FORM, region_preset), pattern=JoinRegionPreset.pattern()),
                *region_step_handlers(drafted(FORM, region_chosen)),
            ),
            "region",
            "join.field.region",
        ),
        Step(TEAM, ask_team, button_step(FORM, team, JoinTeam), "team", "join.field.team"),
        Step(CAPACITY, ask_capacity, CAPACITY_TAKES, "capacity", "join.field.capacity"),
        Step(MODES, ask_modes, button_step(FORM, modes, JoinMode), "modes", "join.field.modes"),
        Step(
            PHONE,
            ask_join_phone,
            (
                MessageHandler(filters.CONTACT | filters.TEXT & ~filters.COMMAND, drafted(FORM, phone)),
                MessageHandler(~filters.COMMAND, expect_text),
            ),
            "phone",
            "join.field.phone",
        ),
    ),
    summary=Step(CONFIRM, _show_application, button_step(FORM, submit, JoinSubmit)),
    missing=application_missing,
    edit=JoinEdit,
)


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[
            CommandHandler("join", drafted(FORM, start)),
            CallbackQueryHandler(drafted(FORM, begin), pattern=JoinBegin.pattern()),
        ],
        states=JOIN.states(),
        fallbacks=[CommandHandler("cancel", drafted(FORM, cancel))],
        name="join",
        persistent=True,
        allow_reentry=True,  # /join in the middle of /join goes on from the answers kept (as after /start)
    )
