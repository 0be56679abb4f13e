"""/experts — anyone browses the published 技术处方: section → division → region → craftsmen, a page at a time;
``/experts 热处理`` searches the specialities. Cards never carry contact details; staff get a button for the
phone and one to assign a service team, both checked on the server when pressed. /teams lists the service teams.
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons.talent import (
    ALL_REGIONS,
    NO_TEAM,
    AssignTeam,
    ExpertAssign,
    ExpertContact,
    ExpertDivision,
    ExpertList,
    ExpertSection,
    ExpertSections,
)
from conversations.common import A, answer_stale, edit_message, press_of, reject_too_long
from conversations.context import BotContext
from conversations.keyboards import page_count, page_nav, rows
from conversations.refusals import answer_refusal, staff_gate
from conversations.talent_views import card_of
from i18n import localise
from nlp.industry import catalogue
from services.audit import staff_role
from services.ids import parse_id
from services.industry import division_label
from services.results import Refused
from services.talent import PAGE

MAX_QUERY = 50
MAX_RESULTS = 10


def _staff_buttons(cards, context: BotContext) -> list[list[InlineKeyboardButton]]:
    if not staff_role(context.role):
        return []
    return [
        [
            InlineKeyboardButton(
                context.label("experts.contact", name=c.name), callback_data=ExpertContact(c.id).data()
            ),
            InlineKeyboardButton(context.label("experts.assign", name=c.name), callback_data=ExpertAssign(c.id).data()),
        ]
        for c in cards
    ]


async def experts_command(update: Update, context: BotContext) -> None:
    query = " ".join(context.args or []).strip()
    if query:
        if await reject_too_long(update, context, query, MAX_QUERY):
            return
        cards = await context.services.talent.search(query, MAX_RESULTS)
        if not cards:
            await update.effective_message.reply_text(context.t("experts.none_found", query=query))
            return
        text = "\n\n".join(
            [context.t("experts.found", query=query, count=len(cards))] + [card_of(c, context) for c in cards]
        )
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
    buttons = [
        InlineKeyboardButton(
            f"{catalogue().sections[s].label_in(context.lang)} ({n})",
            callback_data=ExpertSection(s).data(),
        )
        for s, n in sorted(per_section.items())
    ]
    return context.t("experts.pick_section"), InlineKeyboardMarkup(rows(buttons, 1))


async def show_sections(update: Update, context: BotContext) -> None:
    await update.callback_query.answer()
    await edit_message(update, *await _sections(context))


async def _browse_press(update: Update, context: BotContext, kind: type[A], known: Callable[[A], bool]) -> A | None:
    """A browsing press naming what the catalogue ``known``s, the press answered; None (answered as expired) if not."""
    press = kind.parse(update.callback_query.data)
    if press is None or not known(press):
        await answer_stale(update, context)
        return None
    await update.callback_query.answer()
    return press


async def show_section(update: Update, context: BotContext) -> None:
    press = await _browse_press(update, context, ExpertSection, lambda p: p.section in catalogue().sections)
    if press is None:
        return
    counts = await context.services.talent.division_counts()
    divisions = [d for d in catalogue().sections[press.section].divisions if d in counts]
    buttons = [
        [
            InlineKeyboardButton(
                f"{division_label(d, context.lang)} ({counts[d]})", callback_data=ExpertDivision(d).data()
            )
        ]
        for d in divisions
    ]
    buttons.append([InlineKeyboardButton(context.t("industry.back"), callback_data=ExpertSections().data())])
    await edit_message(update, context.t("experts.pick_division"), InlineKeyboardMarkup(buttons))


async def show_division(update: Update, context: BotContext) -> None:
    press = await _browse_press(update, context, ExpertDivision, lambda p: p.division in catalogue().divisions)
    if press is None:
        return
    division = press.division
    counts = await context.services.talent.region_counts(division)
    regions = context.services.regions
    buttons = [
        InlineKeyboardButton(
            context.label("experts.all_regions", count=sum(counts.values())),
            callback_data=ExpertList(division, ALL_REGIONS, 0).data(),
        )
    ]
    buttons += [
        InlineKeyboardButton(
            f"{regions.name(code, context.lang)} ({n})",
            callback_data=ExpertList(division, code, 0).data(),
        )
        for code, n in sorted(counts.items())
        if regions.get(code)
    ]
    keyboard = rows(buttons, 2)
    keyboard.append(
        [
            InlineKeyboardButton(
                context.t("industry.back"), callback_data=ExpertSection(catalogue().divisions[division].section).data()
            )
        ]
    )
    await edit_message(
        update,
        context.t("experts.pick_region", division=division_label(division, context.lang)),
        InlineKeyboardMarkup(keyboard),
    )


async def show_list(update: Update, context: BotContext) -> None:
    press = await _browse_press(update, context, ExpertList, lambda p: p.division in catalogue().divisions)
    if press is None:
        return
    province = None if press.province == ALL_REGIONS else press.province
    await edit_message(update, *await _listing(context, press.division, province, press.page))


async def contact(update: Update, context: BotContext) -> None:
    press = await press_of(update, context, ExpertContact)
    if press is None:
        return
    try:
        phone = await context.services.talent.staff_contact(press.craftsman_id, update.effective_user.id, context.role)
    except Refused as exc:  # the service has logged the refusal
        await answer_refusal(update, context, exc)
        return
    await update.callback_query.answer(context.t("experts.phone", phone=phone or "—"), show_alert=True)


async def assign_menu(update: Update, context: BotContext) -> None:
    press = await press_of(update, context, ExpertAssign)
    if press is not None:
        await _assign_menu(update, context, press.craftsman_id)


async def assign_team(update: Update, context: BotContext) -> None:
    query, talent = update.callback_query, context.services.talent
    press = AssignTeam.parse(query.data)
    team_id = None if press is None or press.team == NO_TEAM else parse_id(press.team)
    if press is None or (team_id is None and press.team != NO_TEAM):
        await answer_stale(update, context)
        return
    try:
        done = await talent.staff_assign_team(press.craftsman_id, team_id, update.effective_user.id, context.role)
    except Refused as exc:  # the service has logged the refusal
        await answer_refusal(update, context, exc)
        return
    if not done:
        await answer_stale(update, context)
        return
    await query.answer()
    card = await talent.card(press.craftsman_id)
    await edit_message(
        update, context.t("experts.assigned", name=card.name, team=card.team_name or context.t("join.no_team"))
    )


async def _listing(
    context: BotContext, division: str, province: str | None, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    cards, total = await context.services.talent.browse(division, province, page)
    pages = page_count(total, PAGE)
    header = context.t(
        "experts.list_title",
        division=division_label(division, context.lang),
        total=total,
        page=min(page, pages - 1) + 1,
        pages=pages,
    )
    text = "\n\n".join([header] + [card_of(c, context) for c in cards])
    keyboard = _staff_buttons(cards, context)
    nav = page_nav(context.lang, page, pages, lambda n: ExpertList(division, province or ALL_REGIONS, n).data())
    if nav:
        keyboard.append(nav)
    keyboard.append([InlineKeyboardButton(context.t("industry.back"), callback_data=ExpertDivision(division).data())])
    return text, InlineKeyboardMarkup(keyboard)


async def _assign_menu(update: Update, context: BotContext, craftsman_id: int) -> None:
    query = update.callback_query
    if not await staff_gate(update, context, "team.assign", f"craftsman:{craftsman_id}"):
        return
    card = await context.services.talent.card(craftsman_id)
    if card is None:
        await answer_stale(update, context)
        return
    await query.answer()
    teams = await context.services.talent.teams_near(card.region_code)
    keyboard = [
        [InlineKeyboardButton(localise(t.name, context.lang), callback_data=AssignTeam(craftsman_id, str(t.id)).data())]
        for t in teams
    ][:20]
    keyboard.append(
        [InlineKeyboardButton(context.t("join.no_team"), callback_data=AssignTeam(craftsman_id, NO_TEAM).data())]
    )
    await update.effective_chat.send_message(
        context.t("experts.assign_ask", name=card.name), reply_markup=InlineKeyboardMarkup(keyboard)
    )


async def teams_command(update: Update, context: BotContext) -> None:
    teams = await context.services.talent.teams()
    if not teams:
        await update.effective_message.reply_text(context.t("teams.empty"))
        return
    regions = context.services.regions
    lines = [context.t("teams.title", count=len(teams))]
    for team in teams:
        lines.append(
            context.t(
                "teams.line",
                level=context.t(f"team.level.{team.level.value}"),
                name=localise(team.name, context.lang),
                region=regions.full_name(team.region_code, context.lang) or "",
                members=team.members,
            )
        )
    await update.effective_message.reply_text("\n".join(lines))


def handlers() -> list:
    return [
        CommandHandler("experts", experts_command),
        CommandHandler("teams", teams_command),
        CallbackQueryHandler(show_sections, pattern=ExpertSections.pattern()),
        CallbackQueryHandler(show_section, pattern=ExpertSection.pattern()),
        CallbackQueryHandler(show_division, pattern=ExpertDivision.pattern()),
        CallbackQueryHandler(show_list, pattern=ExpertList.pattern()),
        CallbackQueryHandler(contact, pattern=ExpertContact.pattern()),
        CallbackQueryHandler(assign_menu, pattern=ExpertAssign.pattern()),
        CallbackQueryHandler(assign_team, pattern=AssignTeam.pattern()),
    ]
