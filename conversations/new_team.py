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
from services.results import Reason, Refused

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
    await query.answer()
    await query.edit_message_reply_markup(None)
    context.user_data.setdefault("newteam", {})["level"] = value
    await ask_region(update, context)
    return REGION


async def region(update: Update, context: BotContext) -> str | int:
    code = await region_button(update, context)
    if code is None:
        return REGION
    flow = context.user_data.pop("newteam", None) or {}
    if "name" not in flow or "level" not in flow:
        return ConversationHandler.END
    try:
        team = await context.services.talent.create_team(
            update.effective_user.id, context.role, flow["name"], TeamLevel(flow["level"]), code
        )
    except Refused as exc:  # a name already taken (said in the chat), or no longer staff (audited by the service)
        if exc.reason is Reason.ALREADY:
            await update.effective_chat.send_message(refusal_text(context, exc, TEAMS))
        else:
            await answer_refusal(update, context, exc, TEAMS)
        return ConversationHandler.END
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
resume.register({LEVEL: _ask_level, REGION: ask_region})


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
    )
