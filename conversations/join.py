"""/join — a model worker or craftsman applies to the talent pool (人才资源库).

Name, honours (multi-select), workplace, specialities (the 技术处方, one short line each), industries suggested
by the classifier from the specialities (ticked, the user confirms or changes them), region, service team,
capacity, service modes and phone; then the application waits in the staff review queue.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations.common import cancel_flow_of, edit_message, expect_button, expect_text, reject_too_long
from conversations.contact import read_phone
from conversations.context import BotContext
from conversations.industry_step import division_picker, section_picker
from conversations.join_steps import (
    CAPACITIES,
    CAPACITY,
    CONFIRM,
    HONOUR,
    INDUSTRY,
    MODES,
    NAME,
    PHONE,
    PREFIX,
    REGION,
    SPECIALITY,
    TEAM,
    WORKPLACE,
    application_of,
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
    show_application,
    toggles,
)
from conversations.region_picker import ask_region, region_button, region_step_handlers
from db.models import CraftsmanStatus
from nlp.industry import catalogue
from services.demands import SERVICE_MODES
from services.talent import HONOURS, MAX_SPECIALITIES, MAX_SPECIALITY, speciality_lines

MAX_DIVISIONS = 8


async def invite_to_apply(update: Update, context: BotContext) -> None:
    """Someone picked 劳模工匠 (in /start or /settings): the role comes with staff approval of an application,
    which this button begins (an entry point of this conversation, like /join)."""
    role = context.profile.role if context.profile and context.profile.role else None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(context.t("join.begin_button"), callback_data=f"{PREFIX}:begin")]])
    await update.effective_chat.send_message(
        context.t("role.craftsman_review", role=context.t(f"role.{role.value}") if role else context.t("region.unset")),
        reply_markup=keyboard)


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
    context.user_data["join"] = {"honours": [], "specialities": [], "divisions": [], "modes": []}
    return await ask_name(update, context)


async def _typed(update: Update, context: BotContext, limit: int) -> str | None:
    text = (update.effective_message.text or "").strip()
    if await reject_too_long(update, context, text, limit):
        return None
    return text or None


async def name(update: Update, context: BotContext) -> str:
    text = await _typed(update, context, 64)
    if text is None:
        return NAME
    flow_of(context)["name"] = text
    return await ask_honours(update, context)


async def _toggle(update: Update, context: BotContext, key: str, options: tuple[str, ...], label_prefix: str,
                  action: str, prompt: str) -> str | None:
    """A multi-select press: "done" returns "done" (the caller goes on); any other known value is ticked or
    unticked in ``flow[key]`` and the keyboard redrawn (returns None)."""
    query = update.callback_query
    value = (query.data or "").removeprefix(f"{PREFIX}:{action}:")
    chosen = flow_of(context).setdefault(key, [])
    if value == "done":
        return "done"
    if value not in options:
        await query.answer(context.t("button.stale"), show_alert=True)
        return None
    chosen.remove(value) if value in chosen else chosen.append(value)
    await query.answer()
    await edit_message(update, context.t(prompt), toggles(chosen, options, label_prefix, action, context))
    return None


async def honour(update: Update, context: BotContext) -> str | None:
    if await _toggle(update, context, "honours", HONOURS, "honour", "h", "join.ask_honours") != "done":
        return None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await ask_workplace(update, context)


async def workplace(update: Update, context: BotContext) -> str:
    text = await _typed(update, context, 128)
    if text is None:
        return WORKPLACE
    flow_of(context)["workplace"] = text
    return await ask_specialities(update, context)


async def speciality(update: Update, context: BotContext) -> str:
    lines = speciality_lines(update.effective_message.text or "")
    flow = flow_of(context)
    current = flow.setdefault("specialities", [])
    too_long = [line for line in lines if len(line) > MAX_SPECIALITY]
    if too_long:
        await update.effective_message.reply_text(context.t("join.speciality_too_long", length=MAX_SPECIALITY))
        return SPECIALITY
    added = [line for line in lines if line not in current][:MAX_SPECIALITIES - len(current)]
    current.extend(added)
    return await ask_specialities(update, context)


async def specialities_done(update: Update, context: BotContext) -> str | None:
    query = update.callback_query
    flow = flow_of(context)
    if not flow.get("specialities"):
        await query.answer(context.t("join.specialities_empty"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    suggested = context.services.analyzer.suggest_divisions(flow["specialities"])
    flow["suggested"], flow["divisions"] = suggested, suggested[:1]
    return await ask_industries(update, context)


async def industry(update: Update, context: BotContext) -> str | None:
    """Toggle a division, browse sections (``secs``, ``sec:<S>:<page>``) or go on (``i:done``)."""
    query = update.callback_query
    parts = (query.data or "").split(":")
    flow = flow_of(context)
    chosen = flow.setdefault("divisions", [])
    if parts[1] == "i" and len(parts) == 3 and parts[2] == "done":
        if not chosen:
            await query.answer(context.t("join.industries_empty"), show_alert=True)
            return None
        await query.answer()
        await query.edit_message_reply_markup(None)
        await ask_join_region(update, context)
        return REGION
    await query.answer()
    if parts[1] == "i" and len(parts) == 3 and parts[2] in catalogue().divisions:
        if parts[2] in chosen:
            chosen.remove(parts[2])
        elif len(chosen) < MAX_DIVISIONS:
            chosen.append(parts[2])
        await edit_message(update, *industry_view(context))
    elif parts[1] == "secs":
        await edit_message(update, *section_picker(context.lang, lambda code: f"{PREFIX}:sec:{code}:0", f"{PREFIX}:i:back"))
    elif parts[1] == "sec" and len(parts) == 4 and parts[2] in catalogue().sections and parts[3].isdigit():
        section = parts[2]
        await edit_message(update, *division_picker(section, int(parts[3]), context.lang, lambda code: f"{PREFIX}:i:{code}",
                                                    lambda n: f"{PREFIX}:sec:{section}:{n}", f"{PREFIX}:secs"))
    else:  # "back", or anything else: the ticked list again
        await edit_message(update, *industry_view(context))
    return None


async def region_preset(update: Update, context: BotContext) -> str:
    query = update.callback_query
    await query.answer()
    await query.edit_message_reply_markup(None)
    if query.data == f"{PREFIX}:rg:yes" and flow_of(context).get("region"):
        return await ask_team(update, context)
    await ask_region(update, context)
    return REGION


async def region_chosen(update: Update, context: BotContext) -> str:
    code = await region_button(update, context)
    if code is None:
        return REGION
    flow_of(context)["region"] = code
    return await ask_team(update, context)


async def team(update: Update, context: BotContext) -> str | None:
    query = update.callback_query
    value = (query.data or "").removeprefix(f"{PREFIX}:t:")
    teams = {str(t.id): t for t in await context.services.talent.teams()}
    if value != "none" and value not in teams:
        await query.answer(context.t("button.stale"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow_of(context)["team"] = int(value) if value != "none" else None
    return await ask_capacity(update, context)


async def capacity(update: Update, context: BotContext) -> str | None:
    query = update.callback_query
    value = (query.data or "").removeprefix(f"{PREFIX}:c:")
    if not value.isdigit() or int(value) not in CAPACITIES:
        await query.answer(context.t("button.stale"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    flow_of(context)["capacity"] = int(value)
    return await ask_modes(update, context)


async def modes(update: Update, context: BotContext) -> str | None:
    if await _toggle(update, context, "modes", SERVICE_MODES, "demand.mode", "m", "join.ask_modes") != "done":
        return None
    query = update.callback_query
    if not flow_of(context).get("modes"):
        await query.answer(context.t("join.modes_empty"), show_alert=True)
        return None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await ask_join_phone(update, context)


async def phone(update: Update, context: BotContext) -> str:
    number = await read_phone(update, context)
    if number is None:
        return PHONE
    flow_of(context)["phone"] = number
    return await show_application(update, context)


async def submit(update: Update, context: BotContext) -> int:
    query = update.callback_query
    services = context.services
    try:
        await services.talent.apply(update.effective_user.id, application_of(flow_of(context)))
    except ValueError:
        await query.answer(context.t("join.already_published"), show_alert=True)
        return ConversationHandler.END
    except KeyError:  # the flow was lost (e.g. pressed twice): nothing to file
        await query.answer(context.t("button.stale"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    await edit_message(update, query.message.text_html + "\n\n" + context.t("join.submitted"))
    context.user_data.pop("join", None)
    return ConversationHandler.END


def build() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    other = ~filters.COMMAND
    typed = lambda callback: [MessageHandler(text, callback), MessageHandler(other, expect_text)]  # noqa: E731
    button = lambda callback, pattern: [CallbackQueryHandler(callback, pattern=pattern),  # noqa: E731
                                        MessageHandler(other, expect_button)]
    return ConversationHandler(
        entry_points=[CommandHandler("join", start), CallbackQueryHandler(begin, pattern=rf"^{PREFIX}:begin$")],
        states={
            NAME: typed(name),
            HONOUR: button(honour, rf"^{PREFIX}:h:"),
            WORKPLACE: typed(workplace),
            SPECIALITY: [CallbackQueryHandler(specialities_done, pattern=rf"^{PREFIX}:s:done$"), *typed(speciality)],
            INDUSTRY: button(industry, rf"^{PREFIX}:(i|secs|sec)(:|$)"),
            REGION: [CallbackQueryHandler(region_preset, pattern=rf"^{PREFIX}:rg:(yes|no)$"),
                     *region_step_handlers(region_chosen)],
            TEAM: button(team, rf"^{PREFIX}:t:"),
            CAPACITY: button(capacity, rf"^{PREFIX}:c:"),
            MODES: button(modes, rf"^{PREFIX}:m:"),
            PHONE: [MessageHandler(filters.CONTACT | text, phone), MessageHandler(other, expect_text)],
            CONFIRM: button(submit, rf"^{PREFIX}:submit$"),
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("join"))],
        name="join",
        persistent=True,
    )
