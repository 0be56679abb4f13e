"""/start: greet, ask consent (PIPL), the role, and the region (province → city → county).

Nothing is stored before consent. ``/start r_<region code>`` and ``/start t_<team id>`` (QR posters) preset
the region or service team; the user confirms it. States survive a restart (database persistence).
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.choices import YesNo
from buttons.people import Consent, OnboardingRole, UsePreset
from conversations import resume
from conversations.common import answer_stale, cancel_flow
from conversations.context import BotContext
from conversations.free_text import expect_button_or_answer
from conversations.join import invite_to_apply
from conversations.keyboards import role_keyboard, yes_no
from conversations.menu import help_text, set_staff_menu
from conversations.refusals import SETTINGS, refusal_text
from conversations.region_picker import ask_region, region_button, region_step_handlers
from db.models import CraftsmanStatus, Lang, Role
from i18n import localise
from nlp.replies import says_with_assent
from nlp.script import script_of
from services.audit import staff_role
from services.ids import parse_id
from services.results import Refused
from services.teams import get_team
from services.users import SELF_SERVICE_ROLES

# Conversation states
CONSENT, ROLE, REGION, PRESET = "onboarding.consent", "onboarding.role", "onboarding.region", "onboarding.preset"
DEEPLINK = re.compile(r"^(r|t)_(\d{1,12})$")


async def _preset_from_payload(context: BotContext, payload: str | None) -> dict | None:
    """Decode a deep-link payload into {"region": code, "team": id|None}; {} when it is invalid."""
    if not payload:
        return None
    match = DEEPLINK.match(payload)
    if match is None:
        return {}
    kind, value = match.groups()
    if kind == "r":
        return {"region": value, "team": None} if context.services.regions.get(value) else {}
    team_id = parse_id(value)  # a number past the id column's range is no team (not a database error)
    team = await get_team(context.services.db, team_id) if team_id is not None else None
    return {"region": team.region_code, "team": team.id, "team_name": team.name} if team else {}


def _region_name(context: BotContext, code: str | None) -> str:
    return context.services.regions.full_name(code, context.lang) or context.t("region.unset")


async def start(update: Update, context: BotContext) -> str | int:
    user = update.effective_user
    profile = context.profile
    preset = await _preset_from_payload(context, context.args[0] if context.args else None)
    flow = context.user_data["onboarding"] = {"preset": preset or None}
    if preset == {}:
        await update.effective_message.reply_text(context.t("deeplink.invalid"))
    kept = profile is not None and staff_role(profile.role)  # a staffer's region is not a poster's to move
    if profile is not None and profile.role is not None and profile.region_code and (not preset or kept):
        context.user_data.pop("onboarding", None)
        welcome = context.t(
            "start.welcome_back",
            name=user.first_name,
            role=context.t(f"role.{profile.role.value}"),
            region=_region_name(context, profile.region_code),
        )
        application = await _open_application(context, user.id)
        await update.effective_message.reply_text(welcome + (f"\n\n{context.t(application)}" if application else ""))
        return ConversationHandler.END
    if profile is None:
        await update.effective_message.reply_text(context.t("start.greeting", name=user.full_name))
        return await _ask_consent(update, context)
    flow["registered"] = True
    return await _next_after_role(update, context) if profile.role else await _ask_role(update, context)


async def _open_application(context: BotContext, user_id: int) -> str | None:
    """The line naming the person's craftsman application still open, if any: a /join form not submitted yet (its
    answers kept), or one submitted and waiting for review."""
    services = context.services
    if await services.forms.get(user_id, "join") is not None:
        return "start.join_unfinished"
    card = await services.talent.of_user(user_id)
    return "start.join_pending" if card is not None and card.status is CraftsmanStatus.PENDING else None


async def _ask_consent(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        context.t("consent.ask"), reply_markup=yes_no(Consent, context.t("consent.agree"), context.t("consent.decline"))
    )
    return CONSENT


async def consent(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    press = Consent.parse(query.data)
    return await _consented(update, context, press is not None and press.answer is YesNo.YES)


async def consent_typed(update: Update, context: BotContext) -> str | int:
    """A consent button's label typed instead of pressed, words of assent aside ("ok 同意", "不同意"): that answer;
    anything else is answered as at any button step."""
    text = update.effective_message.text or ""
    if says_with_assent(text, context.t("consent.decline")):
        return await _consented(update, context, False)
    if says_with_assent(text, context.t("consent.agree")):
        return await _consented(update, context, True)
    await expect_button_or_answer(update, context)
    return CONSENT


async def _consented(update: Update, context: BotContext, agreed: bool) -> str | int:
    if not agreed:
        context.user_data.clear()  # nothing about this user stays
        await update.effective_chat.send_message(context.t("consent.declined"))
        return ConversationHandler.END
    user = update.effective_user
    context.profile = await context.services.users.register(
        user.id,
        user.first_name,
        last_name=user.last_name,
        username=user.username,
        language_code=user.language_code,
        lang=Lang(script_of(context.lang).value),
    )
    if staff_role(context.role):  # admins from ADMIN_IDS keep their role and get their menu now
        await set_staff_menu(context.bot, user.id, context.profile.role)
        return await _next_after_role(update, context)
    return await _ask_role(update, context)


async def _ask_role(update: Update, context: BotContext) -> str:
    await update.effective_chat.send_message(
        context.t("role.ask"), reply_markup=role_keyboard(OnboardingRole, context.lang)
    )
    return ROLE


async def role(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    press = OnboardingRole.parse(query.data)
    value = press.role if press else ""
    if value not in {r.value for r in SELF_SERVICE_ROLES}:
        await answer_stale(update, context)
        return ROLE
    await query.answer()
    await query.edit_message_text(context.t("role.ask") + " " + context.t(f"role.{value}"))
    context.profile, apply = await context.services.users.choose_role(update.effective_user.id, Role(value))
    if apply:  # 劳模工匠 is granted by staff review: /join is offered once the region is set
        context.user_data.setdefault("onboarding", {})["apply"] = True
    return await _next_after_role(update, context)


async def _next_after_role(update: Update, context: BotContext) -> str | int:
    """The preset region or team to confirm (a QR poster's), else the region picker."""
    preset = (context.user_data.get("onboarding") or {}).get("preset")
    if preset:
        region = _region_name(context, preset["region"])
        text = (
            context.t("deeplink.team", team=localise(preset["team_name"], context.lang), region=region)
            if preset.get("team")
            else context.t("deeplink.region", region=region)
        )
        await update.effective_chat.send_message(
            text, reply_markup=yes_no(UsePreset, context.t("deeplink.confirm"), context.t("deeplink.change"))
        )
        return PRESET
    await ask_region(update, context)
    return REGION


async def preset_choice(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    preset = (context.user_data.get("onboarding") or {}).get("preset")
    press = UsePreset.parse(query.data)
    if press is not None and press.answer is YesNo.YES and preset:
        return await _finish(update, context, preset["region"], preset.get("team"))
    await ask_region(update, context)
    return REGION


async def region_chosen(update: Update, context: BotContext) -> str | int:
    code = await region_button(update, context)
    if code is None:
        return REGION
    return await _finish(update, context, code, None)


async def _finish(update: Update, context: BotContext, region_code: str, team_id: int | None) -> int:
    try:
        profile = await context.services.staffing.choose_region(
            update.effective_user.id, region_code, team_id, registering=True
        )
    except Refused as refused:  # a staffer's picker left open from before: her region stays as set for her
        await update.effective_chat.send_message(refusal_text(context, refused, SETTINGS))
        return ConversationHandler.END
    context.profile = profile
    flow = context.user_data.pop("onboarding", None) or {}
    role_name = context.t(f"role.{profile.role.value}") if profile.role else context.t("region.unset")
    await update.effective_chat.send_message(
        context.t("onboarding.done", role=role_name, region=_region_name(context, region_code))
        + "\n\n"
        + help_text(profile.role, context.lang)
    )
    if flow.get("apply"):
        await invite_to_apply(update, context)
    return ConversationHandler.END


# after a restart each step asks its question again (conversations/resume.py)
resume.register({CONSENT: _ask_consent, ROLE: _ask_role, PRESET: _next_after_role, REGION: ask_region})


def build() -> ConversationHandler:
    not_command = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("start", start)],
        states={
            CONSENT: [
                CallbackQueryHandler(consent, pattern=Consent.pattern()),
                MessageHandler(filters.TEXT & not_command, consent_typed),
                MessageHandler(not_command, expect_button_or_answer),
            ],
            ROLE: [
                CallbackQueryHandler(role, pattern=OnboardingRole.pattern()),
                MessageHandler(not_command, expect_button_or_answer),
            ],
            PRESET: [
                CallbackQueryHandler(preset_choice, pattern=UsePreset.pattern()),
                MessageHandler(not_command, expect_button_or_answer),
            ],
            REGION: region_step_handlers(region_chosen, registering=True),
        },
        fallbacks=[CommandHandler("cancel", cancel_flow)],
        allow_reentry=True,
        name="onboarding",
        persistent=True,
    )
