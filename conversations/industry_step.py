"""The industry-confirmation step, reusable by any flow, and /classify to try it.

Confident prediction: "识别为：C32 …" with ✅确认 / ✏️修改. Otherwise (or after ✏️修改): the top three and
其他行业, which browses sections, then divisions. Each button (buttons/industry.py) names the proposal; the
proposal lives in the database, so the step survives a restart, and every press is checked there (whose it is,
whether it is settled) — the callback data proves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons import any_of, parse_any
from buttons.industry import (
    FAMILY,
    ConfirmIndustry,
    EditIndustry,
    IndustrySection,
    IndustrySections,
    PickBrowsedIndustry,
    PickTopIndustry,
)
from conversations.common import answer_stale, edit_message, reject_too_long
from conversations.context import BotContext
from conversations.keyboards import page_nav, paginate, rows
from conversations.refusals import INDUSTRY, attempt
from i18n import Raw, localise, t
from nlp.analyzer import Analysis
from nlp.industry import catalogue
from nlp.script import has_chinese
from services.industry import MAX_TEXT, Proposal, division_label

log = logging.getLogger(__name__)
PREFIX = FAMILY  # the flows that run the step (report.py) register ``^ind:`` for on_button, which answers the rest
ACTIONS = (ConfirmIndustry, EditIndustry, PickTopIndustry, IndustrySections, IndustrySection, PickBrowsedIndustry)
DIVISIONS_PER_PAGE = 16


def _label(code: str, lang: str) -> str:
    return division_label(code, lang)


def _reasons(reasons: list[str] | tuple[str, ...], lang: str) -> str:
    return localise(t("industry.separator", lang).join(reasons), lang) if reasons else t("industry.no_reasons", lang)


def _top_buttons(p: Proposal, lang: str) -> list[list[InlineKeyboardButton]]:
    buttons = [
        [InlineKeyboardButton(_label(code, lang), callback_data=PickTopIndustry(p.id, code).data())]
        for code in p.top_codes
    ]
    buttons.append([InlineKeyboardButton(t("industry.other", lang), callback_data=IndustrySections(p.id).data())])
    return buttons


def confident_view(p: Proposal, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "industry.confident", lang, label=_label(p.predicted, lang), reasons=_reasons(p.reasons_for(p.predicted), lang)
    )
    keyboard = [
        [
            InlineKeyboardButton(t("industry.confirm", lang), callback_data=ConfirmIndustry(p.id).data()),
            InlineKeyboardButton(t("industry.edit", lang), callback_data=EditIndustry(p.id).data()),
        ]
    ]
    return text, InlineKeyboardMarkup(keyboard)


def top_view(p: Proposal, lang: str, changing: bool = False) -> tuple[str, InlineKeyboardMarkup]:
    """The top three and 其他行业: the bot unsure, or (``changing``) the user changing the industry it recognised."""
    lines = "\n".join(
        t(
            "industry.candidate",
            lang,
            label=_label(code, lang),
            percent=round(score * 100),
            reasons=_reasons(reasons, lang),
        )
        for code, score, reasons in p.top
    )
    intro = "industry.change" if changing else "industry.unsure"
    return t(intro, lang, candidates=Raw(lines)), InlineKeyboardMarkup(_top_buttons(p, lang))


def section_picker(
    lang: str, section_data: Callable[[str], str], back_data: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The 20 GB/T 4754 sections as buttons (``section_data(code)`` opens one), and a back button if given.
    Shared by this step and by /join's industry choice."""
    buttons = [
        InlineKeyboardButton(s.label_in(lang), callback_data=section_data(s.code))
        for s in catalogue().sections.values()
    ]
    keyboard = rows(buttons, 2)
    if back_data is not None:
        keyboard.append([InlineKeyboardButton(t("industry.back", lang), callback_data=back_data)])
    return t("industry.pick_section", lang), InlineKeyboardMarkup(keyboard)


def division_picker(
    section: str, page: int, lang: str, pick_data: Callable[[str], str], page_data: Callable[[int], str], back_data: str
) -> tuple[str, InlineKeyboardMarkup]:
    """One page of ``section``'s divisions (``pick_data(code)`` picks one), previous / next, and back."""
    sec = catalogue().sections[section]
    page, pages, shown = paginate(sec.divisions, page, DIVISIONS_PER_PAGE)
    keyboard = rows([InlineKeyboardButton(_label(code, lang), callback_data=pick_data(code)) for code in shown], 1)
    nav = page_nav(lang, page, pages, page_data)
    if nav:
        keyboard.append(nav)
    keyboard.append([InlineKeyboardButton(t("industry.back", lang), callback_data=back_data)])
    return t("industry.pick_division", lang, section=sec.label_in(lang)), InlineKeyboardMarkup(keyboard)


def sections_view(p: Proposal, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    return section_picker(lang, lambda code: IndustrySection(p.id, code, 0).data())


def browse_view(p: Proposal, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    """Nothing in the text points to an industry: say so, and show the sections."""
    text, markup = sections_view(p, lang)
    clue = "industry.no_clue" if has_chinese(p.text) else "industry.no_clue_latin"  # the classifier reads Chinese
    return t(clue, lang) + "\n" + text, markup


def divisions_view(p: Proposal, section: str, page: int, lang: str) -> tuple[str, InlineKeyboardMarkup]:
    return division_picker(
        section,
        page,
        lang,
        lambda code: PickBrowsedIndustry(p.id, code).data(),
        lambda n: IndustrySection(p.id, section, n).data(),
        IndustrySections(p.id).data(),
    )


async def ask_industry(update: Update, context: BotContext, analysis: Analysis, purpose: str) -> Proposal:
    """Start the step for ``analysis`` (the user must be registered). Returns the stored proposal."""
    proposal = await context.services.industry.propose(update.effective_user.id, analysis, purpose)
    view = confident_view if proposal.confident else browse_view if proposal.browse else top_view
    text, markup = view(proposal, context.lang)
    await update.effective_message.reply_text(text, reply_markup=markup)
    return proposal


async def classify_command(update: Update, context: BotContext) -> None:
    if context.profile is None or context.profile.role is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return
    text = " ".join(context.args or []).strip()
    if not text:
        await update.effective_message.reply_text(context.t("industry.usage"))
        return
    if await reject_too_long(update, context, text, MAX_TEXT):
        return
    await ask_industry(update, context, context.services.analyzer.analyse(text), "classify")


async def on_button(update: Update, context: BotContext, purpose: str = "classify") -> Proposal | None:
    """Handle a press of the step's buttons (buttons/industry.py) for the flow serving ``purpose`` (the handler of
    :func:`handlers`, outside any flow: /classify's); return the proposal when this press settled it (the owning
    flow goes on). A proposal made for a flow that does not wait for it now (its question answered by a newer
    one) is refused as expired: its answer would be recorded nowhere."""
    query = update.callback_query
    press = parse_any(query.data, *ACTIONS)
    if press is None:
        log.info("malformed industry button", extra={"user_id": update.effective_user.id, "data": str(query.data)[:64]})
        await answer_stale(update, context)
        return None
    proposal = await attempt(
        update, context, context.services.industry.open(press.proposal_id, update.effective_user.id, purpose), INDUSTRY
    )
    if proposal is None:
        return None
    lang = context.lang
    if isinstance(press, ConfirmIndustry):
        return await _settle(update, context, proposal, proposal.predicted, "confirm", purpose)
    if isinstance(press, (PickTopIndustry, PickBrowsedIndustry)):
        via = "top3" if isinstance(press, PickTopIndustry) else "browse"
        return await _settle(update, context, proposal, press.division, via, purpose)
    if isinstance(press, IndustrySection) and press.section not in catalogue().sections:
        await answer_stale(update, context)
        return None
    await query.answer()
    if isinstance(press, EditIndustry):
        view = sections_view(proposal, lang) if proposal.browse else top_view(proposal, lang, changing=True)
        await edit_message(update, *view)
    elif isinstance(press, IndustrySections):
        await edit_message(update, *sections_view(proposal, lang))
    else:
        await edit_message(update, *divisions_view(proposal, press.section, press.page, lang))
    return None


async def _settle(
    update: Update, context: BotContext, proposal: Proposal, division: str, via: str, purpose: str
) -> Proposal | None:
    choice = context.services.industry.choose(proposal.id, update.effective_user.id, division, via, purpose)
    settled = await attempt(update, context, choice, INDUSTRY)
    if settled is None:
        return None
    await update.callback_query.answer()
    # thanks for helping the recognition only where there was one: a description without Chinese was never read
    saved = "industry.saved" if has_chinese(proposal.text) else "industry.saved_plain"
    await edit_message(update, context.t(saved, label=_label(division, context.lang)))
    return settled


def handlers() -> list:
    return [CommandHandler("classify", classify_command), CallbackQueryHandler(on_button, pattern=any_of(*ACTIONS))]
