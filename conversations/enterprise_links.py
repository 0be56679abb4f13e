"""Pending enterprise links in the chat: a member of the enterprise (or staff) presses 确认 / 拒绝 on the notice;
staff see 未核实 on an unverified demand (in /queue and in its view) with the same buttons. Who may decide is
checked by services/enterprise_links.py on every press; the callback data only names whom and which enterprise."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from buttons.enterprise_links import DecideLink, Decision
from conversations.common import edit_message, press_of
from conversations.context import BotContext
from conversations.refusals import LINK, attempt
from services.enterprise_links import decision_buttons


async def decide(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = await press_of(update, context, DecideLink)
    if press is None:
        return
    accept = press.decision is Decision.CONFIRM
    result = await attempt(
        update,
        context,
        context.services.links.decide(
            update.effective_user.id, context.role, press.requester, press.enterprise_id, accept
        ),
        LINK,
    )
    if result is None:
        return
    await query.answer()
    done = context.t("link.done_confirmed" if accept else "link.done_refused", **result.values)
    await edit_message(update, query.message.text_html + "\n\n" + done)


async def unverified_mark(context: BotContext, demand_ids: list[int]) -> dict[int, str]:
    """The 未核实 mark to put before each of these demands that is unverified."""
    flagged = await context.services.links.unverified_among(demand_ids)
    return {demand_id: context.t("link.unverified_mark") + "\n" for demand_id in flagged}


async def flag_detail(context: BotContext, demand_id: int, text: str) -> tuple[str, InlineKeyboardMarkup | None]:
    """A demand's view for staff: marked 未核实 when it is, with 确认 / 拒绝 while its filer's link waits."""
    link = await context.services.links.of_demand(demand_id)
    if not link.unverified:
        return text, None
    text = context.t("link.unverified_mark") + "\n" + text
    if link.requester is None:
        return text, None
    row = [
        InlineKeyboardButton(context.label(b.key), callback_data=b.data)
        for b in decision_buttons(link.requester, link.enterprise_id, staff=True)
    ]
    return text, InlineKeyboardMarkup([row])


def handlers() -> list:
    return [CallbackQueryHandler(decide, pattern=DecideLink.pattern())]
