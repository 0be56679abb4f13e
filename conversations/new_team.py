"""/newteam <name> — staff create a service team (劳模工匠技术服务队) at one of the four levels, in a region."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.people import TeamLevelChoice
from conversations import resume
from conversations.common import answer_stale, cancel_flow_of, expect_button, reject_too_long
from conversations.context import BotContext
from conversations.keyboards import choice_buttons
from conversations.refusals import TEAMS, answer_refusal, refusal_text, staff_gate
from conversations.region_picker import ask_region, region_button, region_step_handlers
from db.models import TeamLevel
from services.results import Refused
from services.teams import PLACE_LEVEL, team_name
from services.validation import Invalid

LEVEL, REGION = "newteam.level", "newteam.region"
MAX_NAME = 128


async def start(update: Update, context: BotContext) -> str | int:
    if not await staff_gate(update, context, "team.create"):
        return ConversationHandler.END
    name = " ".join(context.args or []).strip()
    if not name:
        await update.effective_message.reply_text(context.t("teams.usage"))
        return ConversationHandler.END
    if await reject_too_long(update, context, name, MAX_NAME):
        return ConversationHandler.END
    try:
        team_name(name)
    except Invalid as exc:
        await update.effective_message.reply_text(context.t(exc.key))
        return ConversationHandler.END
    context.user_data["newteam"] = {"name": name}
    return await _ask_level(update, context)


async def _ask_level(update: Update, context: BotContext) -> str:
    name = (context.user_data.get("newteam") or {}).get("name", "")
    await update.effective_chat.send_message(
        context.t("teams.ask_level", name=name),
        reply_markup=choice_buttons(
            TeamLevelChoice, [(level.value, context.t(f"team.level.{level.value}")) for level in TeamLevel], width=2
        ),
    )
    return LEVEL


async def level(update: Update, context: BotContext) -> str | None:
    query = update.callback_query
    press = TeamLevelChoice.parse(query.data)
    value = press.level if press else ""
    if value not in {lv.value for lv in TeamLevel}:
        await answer_stale(update, context)
        return None
    try:  # a level whose teams cannot lie in the staffer's region (a provincial one for a city's) is refused here
        start_at = await context.services.talent.team_start(update.effective_user.id, context.role, TeamLevel(value))
    except Refused as exc:
        await answer_refusal(update, context, exc, TEAMS)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow = context.user_data.setdefault("newteam", {})
    flow["level"], flow["start"] = value, start_at
    return await _ask_place(update, context)


def _stop_at(context: BotContext) -> tuple[str, str]:
    """The level the team's place is picked at, and the question that asks for it."""
    level = TeamLevel((context.user_data.get("newteam") or {}).get("level", TeamLevel.CITY.value))
    return PLACE_LEVEL[level], f"teams.ask_place.{PLACE_LEVEL[level]}"


async def _ask_place(update: Update, context: BotContext) -> str:
    stop_at, question = _stop_at(context)
    start_at = (context.user_data.get("newteam") or {}).get("start")
    await ask_region(update, context, start_at, question, stop_at)
    return REGION


async def region(update: Update, context: BotContext) -> str | int:
    stop_at, question = _stop_at(context)
    code = await region_button(update, context, question, stop_at)
    if code is None:
        return REGION
    flow = context.user_data.get("newteam") or {}
    if "name" not in flow or "level" not in flow:
        context.user_data.pop("newteam", None)
        return ConversationHandler.END
    try:
        team = await context.services.talent.create_team(
            update.effective_user.id, context.role, flow["name"], TeamLevel(flow["level"]), code
        )
    except Invalid as exc:  # a place not of the team's level: asked again
        await update.effective_chat.send_message(context.t(exc.key, level=context.t(f"team.level.{flow['level']}")))
        return await _ask_place(update, context)
    except Refused as exc:  # a name taken, a place outside her region, no longer staff (audited by the service)
        context.user_data.pop("newteam", None)
        await update.effective_chat.send_message(refusal_text(context, exc, TEAMS))  # the press is answered
        return ConversationHandler.END
    context.user_data.pop("newteam", None)
    await update.effective_chat.send_message(
        context.t(
            "teams.created",
            name=team.name,
            level=context.t(f"team.level.{team.level.value}"),
            region=context.services.regions.full_name(code, context.lang) or "",
        )
    )
    return ConversationHandler.END


# after a restart each step asks its question again (conversations/resume.py)
resume.register({LEVEL: _ask_level, REGION: _ask_place})


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("newteam", start)],
        states={
            LEVEL: [
                CallbackQueryHandler(level, pattern=TeamLevelChoice.pattern()),
                MessageHandler(~filters.COMMAND, expect_button),
            ],
            REGION: region_step_handlers(region),
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("newteam"))],
        name="newteam",
        persistent=True,
        allow_reentry=True,  # /newteam again (another name, after a refused level) starts over
    )
