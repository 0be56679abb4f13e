"""The questions of /join, each step's prompt in one place: the step handlers (conversations/join.py) ask them as the
applicant goes on, and the same functions ask them again after a restart (conversations/resume.py). The answers so
far are the ``join`` form's draft in the database (conversations/form_draft.py), open while a step runs."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from buttons import Action
from buttons.forms import (
    JoinCapacity,
    JoinHonour,
    JoinIndustry,
    JoinMode,
    JoinRegionPreset,
    JoinSections,
    JoinSpecialitiesDone,
    JoinSubmit,
    JoinTeam,
    YesNo,
)
from conversations.common import reject_too_long
from conversations.contact import ask_phone
from conversations.context import BotContext
from conversations.form_draft import answers
from conversations.keyboards import rows, toggle_buttons
from conversations.region_picker import ask_region
from conversations.talent_views import card_text
from i18n import localise
from services.demands import SERVICE_MODES
from services.industry import division_label
from services.join_form import application_from, typed
from services.profile_form import read_capacity
from services.talent import HONOURS, MAX_SPECIALITIES, MAX_SPECIALITY
from services.validation import Invalid

NAME, HONOUR, WORKPLACE, SPECIALITY, INDUSTRY, REGION, TEAM, CAPACITY, MODES, PHONE, CONFIRM = (
    f"join.{s}"
    for s in (
        "name",
        "honours",
        "workplace",
        "specialities",
        "industries",
        "region",
        "team",
        "capacity",
        "modes",
        "phone",
        "confirm",
    )
)
CAPACITIES = (1, 2, 3, 5, 8)


FORM = "join"


def flow_of(context: BotContext) -> dict:
    """The applicant's answers so far (the ``join`` draft, open while the step's handler runs)."""
    return answers(FORM)


def toggles(
    flow_values: list[str], options: tuple[str, ...], label_prefix: str, press: type[Action], context: BotContext
) -> InlineKeyboardMarkup:
    """✅/▫️ per option and 下一步: the data of ``press`` (``<its prefix>:<option>``, ``<its prefix>:done``)."""
    return toggle_buttons(
        press.prefix,
        [(o, context.label(f"{label_prefix}.{o}")) for o in options],
        flow_values,
        context.label("join.next"),
    )


async def ask_name(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(context.t("join.intro") + "\n\n" + context.t("join.ask_name"))
    return NAME


def _multi_select(key: str, options: tuple[str, ...], label_prefix: str, press: type[Action], state: str):
    """A question answered by ticking several buttons (``join.ask_<key>``), ticked as the flow now stands."""

    async def ask(update: Update, context: BotContext) -> str:
        # read, not stored: asked is not answered (a draft taken up again asks it again until 下一步 or a tick)
        chosen = flow_of(context).get(key, [])
        await update.effective_chat.send_message(
            context.t(f"join.ask_{key}"), reply_markup=toggles(chosen, options, label_prefix, press, context)
        )
        return state

    return ask


ask_honours = _multi_select("honours", HONOURS, "honour", JoinHonour, HONOUR)


async def ask_workplace(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(context.t("join.ask_workplace"))
    return WORKPLACE


async def ask_specialities(update: Update, context: BotContext) -> str:
    """The question; once some are noted, the list so far with its 下一步 button."""
    current = flow_of(context).setdefault("specialities", [])
    if not current:
        await update.effective_chat.send_message(
            context.t("join.ask_specialities", max=MAX_SPECIALITIES, length=MAX_SPECIALITY)
        )
        return SPECIALITY
    listing = "\n".join(f"• {s}" for s in current)
    done = InlineKeyboardMarkup(
        [[InlineKeyboardButton(context.t("join.next"), callback_data=JoinSpecialitiesDone().data())]]
    )
    await update.effective_chat.send_message(
        context.t("join.specialities_noted", listing=listing, count=len(current), max=MAX_SPECIALITIES),
        reply_markup=done,
    )
    return SPECIALITY


def industry_view(context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    flow = flow_of(context)
    flow.setdefault("suggested", [])
    flow.setdefault("divisions", flow["suggested"][:1])  # the likeliest suggestion ticked
    options = list(dict.fromkeys(flow["suggested"] + flow["divisions"]))
    buttons = [
        InlineKeyboardButton(
            ("✅ " if d in flow["divisions"] else "▫️ ") + division_label(d, context.lang),
            callback_data=JoinIndustry(d).data(),
        )
        for d in options
    ]
    keyboard = rows(buttons, 1)
    keyboard.append([InlineKeyboardButton(context.t("industry.other"), callback_data=JoinSections().data())])
    keyboard.append([InlineKeyboardButton(context.t("join.next"), callback_data=JoinIndustry("done").data())])
    return context.t("join.ask_industries"), InlineKeyboardMarkup(keyboard)


async def ask_industries(update: Update, context: BotContext) -> str:
    text, markup = industry_view(context)
    await update.effective_chat.send_message(text, reply_markup=markup)
    return INDUSTRY


async def ask_join_region(update: Update, context: BotContext) -> str:
    region = context.profile.region_code if context.profile else None
    if region:
        flow_of(context)["region"] = region
        name = context.services.regions.full_name(region, context.lang) or ""
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        context.t("deeplink.confirm"), callback_data=JoinRegionPreset(YesNo.YES).data()
                    ),
                    InlineKeyboardButton(context.t("deeplink.change"), callback_data=JoinRegionPreset(YesNo.NO).data()),
                ]
            ]
        )
        await update.effective_chat.send_message(context.t("join.region_preset", region=name), reply_markup=keyboard)
    else:
        await ask_region(update, context)
    return REGION


async def ask_team(update: Update, context: BotContext) -> str:
    region = flow_of(context).get("region") or (context.profile.region_code if context.profile else None) or ""
    teams = await context.services.talent.teams_near(region)
    keyboard = [
        [InlineKeyboardButton(localise(t.name, context.lang), callback_data=JoinTeam(str(t.id)).data())]
        for t in teams[:20]
    ]
    keyboard.append([InlineKeyboardButton(context.t("join.no_team"), callback_data=JoinTeam("none").data())])
    await update.effective_chat.send_message(context.t("join.ask_team"), reply_markup=InlineKeyboardMarkup(keyboard))
    return TEAM


async def ask_capacity(update: Update, context: BotContext) -> str:
    keyboard = rows([InlineKeyboardButton(str(n), callback_data=JoinCapacity(n).data()) for n in CAPACITIES], 5)
    await update.effective_chat.send_message(
        context.t("join.ask_capacity"), reply_markup=InlineKeyboardMarkup(keyboard)
    )
    return CAPACITY


ask_modes = _multi_select("modes", SERVICE_MODES, "demand.mode", JoinMode, MODES)


async def typed_capacity(update: Update, context: BotContext) -> bool:
    """A number typed at the capacity question: stored when services/profile_form.py's rule takes it, else the
    range said (False)."""
    try:
        flow_of(context)["capacity"] = read_capacity(update.effective_message.text or "")
    except Invalid as exc:
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return False
    return True


async def ask_join_phone(update: Update, context: BotContext) -> str:
    await ask_phone(update, context, "join.ask_phone")
    return PHONE


async def show_application(update: Update, context: BotContext, edits: list[InlineKeyboardButton]) -> str:
    """The application as staff will see it, with ✏️ per answer and 提交 (nothing, when the flow is gone: 提交
    says so)."""
    try:
        app = application_from(flow_of(context))
    except Invalid:
        return CONFIRM
    teams = {t.id: t.name for t in await context.services.talent.teams()}
    text = card_text(
        app.name,
        app.workplace,
        app.honours,
        app.specialities,
        app.divisions,
        app.region_code,
        teams.get(app.team_id),
        app.capacity,
        app.service_modes,
        context,
    )
    keyboard = InlineKeyboardMarkup(
        [
            *rows(edits, 3),
            [InlineKeyboardButton(context.t("join.submit"), callback_data=JoinSubmit().data())],
        ]
    )
    await update.effective_chat.send_message(context.t("join.confirm") + "\n\n" + text, reply_markup=keyboard)
    return CONFIRM


async def typed_text(update: Update, context: BotContext, limit: int) -> str | None:
    text = (update.effective_message.text or "").strip()
    if await reject_too_long(update, context, text, limit):
        return None
    return text or None


async def worded(update: Update, context: BotContext, field: str, limit: int) -> str | None:
    """A typed name or workplace; None once one without words (only emoji, punctuation, digits) is answered."""
    text = await typed_text(update, context, limit)
    if text is None:
        return None
    try:
        return typed(field, text)
    except Invalid as exc:
        await no_words(update, context, exc)
        return None


async def no_words(update: Update, context: BotContext, exc: Invalid) -> None:
    what = context.label(f"join.field.{exc.values['field']}")
    await update.effective_message.reply_text(context.t(exc.key, what=what))
