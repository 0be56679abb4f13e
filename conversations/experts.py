"""/experts — anyone browses the published 技术处方: section → division → region → craftsmen, a page at a time;
``/experts 热处理`` searches the specialities. Cards never carry contact details; staff get a button for the
phone and one to assign a service team, both checked on the server when pressed. /teams lists the service teams.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations.common import edit_message, refuse_non_staff, reject_too_long, tell_staff_only
from conversations.context import BotContext
from conversations.keyboards import page_count, page_nav, rows
from conversations.talent_views import card_of
from i18n import localise
from nlp.industry import catalogue
from services.industry import division_label
from services.talent import PAGE

PREFIX = "ex"
MAX_QUERY = 50
MAX_RESULTS = 10


def _staff_buttons(cards, context: BotContext) -> list[list[InlineKeyboardButton]]:
    if not context.is_staff:
        return []
    return [[InlineKeyboardButton(context.label("experts.contact", name=c.name), callback_data=f"{PREFIX}:c:{c.id}"),
             InlineKeyboardButton(context.label("experts.assign", name=c.name), callback_data=f"{PREFIX}:a:{c.id}")] for c in cards]


async def experts_command(update: Update, context: BotContext) -> None:
    query = " ".join(context.args or []).strip()
    if query:
        if await reject_too_long(update, context, query, MAX_QUERY):
            return
        cards = await context.services.talent.search(query, MAX_RESULTS)
        if not cards:
            await update.effective_message.reply_text(context.t("experts.none_found", query=query))
            return
        text = "\n\n".join([context.t("experts.found", query=query, count=len(cards))] + [card_of(c, context) for c in cards])
        markup = _staff_buttons(cards, context)
        await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(markup) if markup else None)
        return
    text, markup = await _sections(context)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _sections(context: BotContext) -> tuple[str, InlineKeyboardMarkup | None]:
    counts = await context.services.talent.division_counts()
    if not counts:
        return context.t("experts.empty"), None
    per_section: dict[str, int] = {}
    for division, count in counts.items():
        section = catalogue().divisions[division].section
        per_section[section] = per_section.get(section, 0) + count
    buttons = [InlineKeyboardButton(f"{localise(f'{s} ' + catalogue().sections[s].name, context.lang)} ({n})",
                                    callback_data=f"{PREFIX}:s:{s}") for s, n in sorted(per_section.items())]
    return context.t("experts.pick_section"), InlineKeyboardMarkup(rows(buttons, 1))


async def on_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    talent = context.services.talent
    action = parts[1] if len(parts) > 1 else ""
    if action == "top":
        await query.answer()
        await edit_message(update, *await _sections(context))
    elif action == "s" and len(parts) == 3 and parts[2] in catalogue().sections:
        await query.answer()
        counts = await talent.division_counts()
        divisions = [d for d in catalogue().sections[parts[2]].divisions if d in counts]
        buttons = [[InlineKeyboardButton(f"{localise(division_label(d), context.lang)} ({counts[d]})",
                                         callback_data=f"{PREFIX}:d:{d}")] for d in divisions]
        buttons.append([InlineKeyboardButton(context.t("industry.back"), callback_data=f"{PREFIX}:top")])
        await edit_message(update, context.t("experts.pick_division"), InlineKeyboardMarkup(buttons))
    elif action == "d" and len(parts) == 3 and parts[2] in catalogue().divisions:
        await query.answer()
        division = parts[2]
        counts = await talent.region_counts(division)
        regions = context.services.regions
        buttons = [InlineKeyboardButton(context.label("experts.all_regions", count=sum(counts.values())),
                                        callback_data=f"{PREFIX}:l:{division}:all:0")]
        buttons += [InlineKeyboardButton(f"{localise(regions.get(code).name, context.lang)} ({n})",
                                         callback_data=f"{PREFIX}:l:{division}:{code}:0")
                    for code, n in sorted(counts.items()) if regions.get(code)]
        keyboard = rows(buttons, 2)
        keyboard.append([InlineKeyboardButton(context.t("industry.back"),
                                              callback_data=f"{PREFIX}:s:{catalogue().divisions[division].section}")])
        await edit_message(update, context.t("experts.pick_region", division=localise(division_label(division), context.lang)),
                           InlineKeyboardMarkup(keyboard))
    elif action == "l" and len(parts) == 5 and parts[2] in catalogue().divisions and parts[4].isdigit():
        await query.answer()
        await edit_message(update, *await _listing(context, parts[2], None if parts[3] == "all" else parts[3], int(parts[4])))
    elif action == "c" and len(parts) == 3 and parts[2].isdigit():
        phone = await talent.contact(int(parts[2]), update.effective_user.id, context.role)
        if context.is_staff:
            await query.answer(context.t("experts.phone", phone=phone or "—"), show_alert=True)
        else:  # the service has logged the refusal
            await tell_staff_only(update, context)
    elif action == "a" and len(parts) == 3 and parts[2].isdigit():
        await _assign_menu(update, context, int(parts[2]))
    elif action == "at" and len(parts) == 4 and parts[2].isdigit() and (parts[3].isdigit() or parts[3] == "none"):
        team_id = int(parts[3]) if parts[3].isdigit() else None
        done = await talent.assign_team(int(parts[2]), team_id, update.effective_user.id, context.role)
        if not done and not context.is_staff:  # the service has logged the refusal
            await tell_staff_only(update, context)
            return
        if not done:
            await query.answer(context.t("button.stale"), show_alert=True)
            return
        await query.answer()
        card = await talent.card(int(parts[2]))
        await edit_message(update, context.t("experts.assigned", name=card.name, team=card.team_name or context.t("join.no_team")))
    else:
        await query.answer(context.t("button.stale"), show_alert=True)


async def _listing(context: BotContext, division: str, province: str | None, page: int) -> tuple[str, InlineKeyboardMarkup]:
    cards, total = await context.services.talent.browse(division, province, page)
    pages = page_count(total, PAGE)
    header = context.t("experts.list_title", division=localise(division_label(division), context.lang), total=total,
                       page=min(page, pages - 1) + 1, pages=pages)
    text = "\n\n".join([header] + [card_of(c, context) for c in cards])
    keyboard = _staff_buttons(cards, context)
    nav = page_nav(context.lang, page, pages, lambda n: f"{PREFIX}:l:{division}:{province or 'all'}:{n}")
    if nav:
        keyboard.append(nav)
    keyboard.append([InlineKeyboardButton(context.t("industry.back"), callback_data=f"{PREFIX}:d:{division}")])
    return text, InlineKeyboardMarkup(keyboard)


async def _assign_menu(update: Update, context: BotContext, craftsman_id: int) -> None:
    query = update.callback_query
    if not context.is_staff:
        await refuse_non_staff(update, context, "team.assign", f"craftsman:{craftsman_id}")
        return
    card = await context.services.talent.card(craftsman_id)
    if card is None:
        await query.answer(context.t("button.stale"), show_alert=True)
        return
    await query.answer()
    teams = await context.services.talent.teams_near(card.region_code)
    keyboard = [[InlineKeyboardButton(localise(t.name, context.lang), callback_data=f"{PREFIX}:at:{craftsman_id}:{t.id}")]
                for t in teams][:20]
    keyboard.append([InlineKeyboardButton(context.t("join.no_team"), callback_data=f"{PREFIX}:at:{craftsman_id}:none")])
    await update.effective_chat.send_message(context.t("experts.assign_ask", name=card.name),
                                             reply_markup=InlineKeyboardMarkup(keyboard))


async def teams_command(update: Update, context: BotContext) -> None:
    teams = await context.services.talent.teams()
    if not teams:
        await update.effective_message.reply_text(context.t("teams.empty"))
        return
    regions = context.services.regions
    lines = [context.t("teams.title", count=len(teams))]
    for team in teams:
        lines.append(context.t("teams.line", level=context.t(f"team.level.{team.level.value}"), name=localise(team.name, context.lang),
                               region=localise(regions.full_name(team.region_code) or "", context.lang), members=team.members))
    await update.effective_message.reply_text("\n".join(lines))


def handlers() -> list:
    return [CommandHandler("experts", experts_command), CommandHandler("teams", teams_command),
            CallbackQueryHandler(on_button, pattern=rf"^{PREFIX}:")]
