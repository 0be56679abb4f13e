"""How the service flow reads in a chat: candidates with their reasons, queue entries."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from buttons.booking import OfferSlots
from buttons.casework import ResolveCase
from buttons.queue import CallCraftsman, ConfirmVolunteer, Escalate, FindCraftsman, OfferTo
from conversations.context import BotContext
from nlp.industry import catalogue
from services.staff_queue import QueueItem
from services.talent_index import Candidate, Reasons, told_apart

SUMMARY = 160


def reason_text(r: Reasons, context: BotContext) -> str:
    """ "同属C32 有色金属冶炼和压延加工业；擅长：铝型材挤压、喷涂与阳极氧化；同市；在办 1/3 件"."""
    parts = []
    if r.division and catalogue().division(r.division):
        parts.append(context.label("match.reason.division", label=catalogue().division(r.division).label))
    elif r.section and r.section in catalogue().sections:
        parts.append(context.label("match.reason.section", section=catalogue().sections[r.section].label))
    if r.skills:
        parts.append(context.label("match.reason.skills", skills="、".join(r.skills)))
    if r.region:
        parts.append(context.label(f"match.reason.{r.region}"))
    parts.append(context.label("match.reason.load", load=r.load, capacity=r.capacity))
    if r.rating is not None:
        parts.append(context.label("match.reason.rating", rating=r.rating, count=r.ratings))
    if r.mode:
        parts.append(context.label("match.reason.mode", mode=context.label(f"demand.mode.{r.mode}")))
    return context.label("match.reason.separator").join(parts)


def candidate_line(n: int, c: Candidate, context: BotContext) -> str:
    account = (
        ""
        if c.user_id
        else context.label("match.reason.no_account")
        if c.has_phone
        else context.label("match.reason.unreachable")
    )
    return context.t(
        "queue.candidate",
        n=n,
        name=c.name,
        score=f"{c.score:.2f}",
        reasons=reason_text(c.reasons, context),
        account=account,
    )


def offer_label(
    c: Candidate, workplace: str | None, region: str | None, context: BotContext, verb: str = "queue.offer"
) -> str:
    """派给 (``verb`` queue.offer; 📞 致电 with queue.call) and the candidate's name, with what tells him from a namesake
    in the same list (services/talent_index.py)."""
    if workplace is None:
        return context.label(f"{verb}_to", name=c.name)
    if region is None:
        return context.label(f"{verb}_found", name=c.name, workplace=workplace)
    place = context.services.regions.full_name(region, context.lang) or region
    return context.label(f"{verb}_placed", name=c.name, workplace=workplace, region=place)


def candidate_button(
    demand_id: int, c: Candidate, apart: tuple[str | None, str | None], context: BotContext
) -> InlineKeyboardButton | None:
    """派给 for a craftsman with a Telegram account; 📞 致电 (his phone, for staff to call) for one without; nothing
    for one nobody can reach (his line says so)."""
    if c.user_id is not None:
        return InlineKeyboardButton(
            offer_label(c, *apart, context), callback_data=OfferTo(demand_id, c.craftsman_id).data()
        )
    if c.has_phone:
        return InlineKeyboardButton(
            offer_label(c, *apart, context, verb="queue.call"),
            callback_data=CallCraftsman(demand_id, c.craftsman_id).data(),
        )
    return None


def item_header(item: QueueItem, context: BotContext) -> str:
    """The card's first lines: ticket, state, industry, region, summary."""
    division = catalogue().division(item.industry or "")
    return context.t(
        "queue.item",
        ticket=item.ticket,
        status=context.label(f"demand.status.{item.status.value}"),
        urgent="🔴" if item.urgency == "urgent" else "",
        industry=division.label_in(context.lang) if division else "—",
        region=context.services.regions.full_name(item.region_code, context.lang) or "—",
        summary=item.text[:SUMMARY],
    )


def taken_view(item: QueueItem, name: str, context: BotContext) -> str:
    """The card of a demand ``name`` has taken (a phone answer recorded): its state and who has it, no candidates."""
    return item_header(item, context).rpartition("\n")[0] + "\n" + context.t("queue.taken_by", name=name)


def acting_for_rows(match_id: int, name: str, context: BotContext) -> list[list[InlineKeyboardButton]]:
    """Staff's buttons for a case whose craftsman ``name`` has no Telegram (services/stand_in.py): his own steps,
    pressed for him after phoning him — the slots and place (a reschedule too), and the result. Who may press them
    is checked on the server at every press."""
    return [
        [
            InlineKeyboardButton(
                context.label("staff.offer_slots_for", name=name), callback_data=OfferSlots(match_id).data()
            )
        ],
        [
            InlineKeyboardButton(
                context.label("staff.resolve_for", name=name), callback_data=ResolveCase(match_id).data()
            )
        ],
    ]


def queue_item_view(item: QueueItem, context: BotContext) -> tuple[str, InlineKeyboardMarkup]:
    lines = [item_header(item, context)]
    lines += [candidate_line(n, c, context) for n, c in enumerate(item.candidates, start=1)]
    if not item.candidates:
        lines.append(context.t("queue.no_candidates"))
    lines += [context.t("queue.volunteer", name=name) for _, name in item.volunteers]
    buttons = (
        candidate_button(item.demand_id, c, apart, context)
        for c, apart in zip(item.candidates, told_apart(item.candidates), strict=True)
    )
    keyboard = [[button] for button in buttons if button is not None]
    keyboard += [
        [
            InlineKeyboardButton(
                context.label("queue.confirm_volunteer_named", name=name),
                callback_data=ConfirmVolunteer(match_id).data(),
            )
        ]
        for match_id, name in item.volunteers
    ]
    keyboard.append(
        [
            InlineKeyboardButton(context.label("queue.find"), callback_data=FindCraftsman(item.demand_id).data()),
            InlineKeyboardButton(context.label("queue.escalate"), callback_data=Escalate(item.demand_id).data()),
        ]
    )
    return "\n".join(lines), InlineKeyboardMarkup(keyboard)
