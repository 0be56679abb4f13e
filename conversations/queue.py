"""Staff: /queue (new demands with their top 3 candidates and reasons), offering a demand to a craftsman, searching
for another one by name or speciality, escalating to the provincial team with a note, confirming 揭榜 volunteers,
and /match_all (the whole queue assigned at once, shown for confirmation).

The role is checked by the services on every command and press; callback data only names what to act on.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.queue import (
    CallCraftsman,
    ConfirmVolunteer,
    Escalate,
    FindCraftsman,
    MatchAllPlan,
    OfferTo,
    PhoneOutcome,
    PlanAnswer,
    ShowQueueItem,
)
from conversations import resume
from conversations.casework_views import queue_item_view
from conversations.common import cancel_flow_of, expect_text, press_of, reject_too_long, staff_press
from conversations.context import BotContext
from conversations.enterprise_links import unverified_mark
from conversations.queue_phone import answer_row, offer_answers, record_answer
from conversations.refusals import attempt
from conversations.union import consultation_section
from services.audit import staff_role
from services.casework import MAX_NOTE
from services.results import Reason
from services.staff_queue import Found

FIND, ESCALATE = "queue.find", "queue.escalate"
MAX_QUERY = 50
PLAN_LINES = 30
PHONE = "case.refused.no_account"  # 📞 致电 says what a 派给 to him would: not linked, please phone him at …


async def queue_command(update: Update, context: BotContext) -> None:
    items = await attempt(update, context, context.services.casework.queue(update.effective_user.id, context.role))
    if items is None:
        return
    # members' consultations first: a few short items a person waits on, not after every demand card
    consultations = await consultation_section(update, context)
    if items:
        await update.effective_message.reply_text(context.t("queue.title", count=len(items)))
        marks = await unverified_mark(context, [item.demand_id for item in items])
        for item in items:
            text, markup = queue_item_view(item, context)
            sent = await update.effective_chat.send_message(marks.get(item.demand_id, "") + text, reply_markup=markup)
            await context.services.copies.keep(sent.chat_id, sent.message_id, [item.demand_id])
    if not items:  # after consultations listed, "empty" alone read as if they were not there
        await update.effective_message.reply_text(context.t("queue.no_demands" if consultations else "queue.empty"))


async def show(update: Update, context: BotContext) -> None:
    """``ShowQueueItem``: one demand with fresh candidates."""
    query = update.callback_query
    press = await press_of(update, context, ShowQueueItem)
    if press is None:
        return
    item = await attempt(
        update, context, context.services.casework.queue_item(update.effective_user.id, context.role, press.demand_id)
    )
    if item is None:
        return
    await query.answer()
    text, markup = queue_item_view(item, context)
    marks = await unverified_mark(context, [item.demand_id])
    sent = await update.effective_chat.send_message(marks.get(item.demand_id, "") + text, reply_markup=markup)
    await context.services.copies.keep(sent.chat_id, sent.message_id, [item.demand_id])


async def offer(update: Update, context: BotContext) -> None:
    """``OfferTo``: offer the demand to that craftsman; ``CallCraftsman``: the phone of a candidate without
    Telegram, said once as a message staff can copy."""
    query = update.callback_query
    press = await press_of(update, context, OfferTo, CallCraftsman)
    if not isinstance(press, OfferTo | CallCraftsman):  # None: answered as expired
        return
    casework = context.services.casework
    act, key = (casework.offer, "queue.offered") if isinstance(press, OfferTo) else (casework.phone_to_call, PHONE)
    result = await attempt(
        update, context, act(update.effective_user.id, context.role, press.demand_id, press.craftsman_id)
    )
    if result is None:
        return
    if result.values.get("again"):  # the phone was given in an earlier message: said once (hostile4 item 6)
        await query.answer(context.t("queue.call_given", **result.values), show_alert=True)
    else:
        await query.answer()
        await update.effective_chat.send_message(context.t(key, **result.values))
    if isinstance(press, CallCraftsman):  # then the card gets his answer's buttons (conversations/queue_phone.py)
        await offer_answers(update, context, press, result.values["name"], result.values["declined"])


async def confirm_volunteer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = await press_of(update, context, ConfirmVolunteer)
    if press is None:
        return
    result = await attempt(
        update,
        context,
        context.services.casework.confirm_volunteer(update.effective_user.id, context.role, press.match_id),
    )
    if result is None:
        return
    await query.answer()
    await update.effective_chat.send_message(context.t("queue.volunteer_confirmed", **result.values))


# ---------------------------------------------------------------------- search and escalate: one typed answer
async def _ask(
    update: Update, context: BotContext, kind: type[FindCraftsman | Escalate], key: str, state: str, action: str
) -> str | int:
    press = await staff_press(update, context, kind, action=action, target="demand", answer=False)
    if press is None:
        return ConversationHandler.END
    casework = context.services.casework  # another region's demand is refused now, not once the note is typed
    if (
        await attempt(
            update, context, casework.may_escalate(update.effective_user.id, context.role, press.demand_id, action)
        )
        is None
    ):
        return ConversationHandler.END
    await update.callback_query.answer()
    context.user_data["queue"] = {"demand": press.demand_id}
    await update.effective_chat.send_message(context.t(key))
    return state


async def find_start(update: Update, context: BotContext) -> str | int:
    return await _ask(update, context, FindCraftsman, "queue.find_ask", FIND, "queue.find")


async def escalate_start(update: Update, context: BotContext) -> str | int:
    return await _ask(update, context, Escalate, "queue.escalate_ask", ESCALATE, "demand.escalate")


async def find_text(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_QUERY):
        return FIND
    demand_id = (context.user_data.get("queue") or {}).get("demand")
    if demand_id is None or not staff_role(context.role):
        context.user_data.pop("queue", None)
        return ConversationHandler.END
    cards = await context.services.talent.search(text, limit=8)
    if not cards:
        await update.effective_message.reply_text(context.t("queue.find_none", query=text))
        return FIND
    context.user_data.pop("queue", None)
    found = await attempt(
        update, context, context.services.casework.standing(update.effective_user.id, context.role, demand_id, cards)
    )
    if found is None:
        return ConversationHandler.END
    keyboard = [[button] for f in found if (button := _found_button(demand_id, f, context)) is not None]
    lines = [context.t("queue.find_title")] + [_found_line(f, context) for f in found]
    await update.effective_message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard))
    return ConversationHandler.END


def _found_line(f: Found, context: BotContext) -> str:
    """ "• 周建华：铝型材挤压、…（在办 4/4 件）⛔ 已满，暂不能派单": his load as the queue's cards show it, and why not."""
    c = f.card
    why = context.label(f"queue.found_{f.refusal.value}") if f.refusal is not None else ""
    if f.refusal is None and c.user_id is None and not f.has_phone:
        why = context.label("match.reason.unreachable")
    load = context.label("match.reason.load", load=f.load, capacity=c.capacity)
    return context.t("queue.found_line_load", name=c.name, skills="、".join(c.specialities[:4]), load=load, why=why)


def _found_button(demand_id: int, f: Found, context: BotContext) -> InlineKeyboardButton | None:
    """派给 when it can be offered; 📞 致电 for one without Telegram (as on the cards); nothing that could only fail."""
    c = f.card
    if f.refusal is not None:
        return None
    if c.user_id is not None:
        label = context.label("queue.offer_found", name=c.name, workplace=c.workplace)
        return InlineKeyboardButton(label, callback_data=OfferTo(demand_id, c.id).data())
    if f.has_phone:
        label = context.label("queue.call_found", name=c.name, workplace=c.workplace)
        return InlineKeyboardButton(label, callback_data=CallCraftsman(demand_id, c.id).data())
    return None


async def escalate_note(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_NOTE):
        return ESCALATE
    demand_id = (context.user_data.pop("queue", None) or {}).get("demand")
    if demand_id is None:
        return ConversationHandler.END
    result = await attempt(
        update, context, context.services.casework.escalate(update.effective_user.id, context.role, demand_id, text)
    )
    if result is not None:
        await update.effective_message.reply_text(context.t("queue.escalated", team=result.values["team"] or "—"))
    return ConversationHandler.END


# ---------------------------------------------------------------------- /match_all
async def match_all(update: Update, context: BotContext) -> None:
    plan = await attempt(update, context, context.services.casework.plan_all(update.effective_user.id, context.role))
    if plan is None:
        return
    if not plan.pairs and not plan.unassigned:
        await update.effective_message.reply_text(context.t("queue.empty"))
        return
    context.user_data["match_all"] = [[p.demand_id, p.craftsman_id] for p in plan.pairs]
    tickets = await context.services.casework.tickets([p.demand_id for p in plan.pairs] + plan.unassigned)
    lines = [
        context.t(
            "plan.title",
            assigned=len(plan.online),  # only what ✅ can offer; phone-only picks are counted apart
            total=len(plan.pairs) + len(plan.unassigned),
            score=f"{plan.online_total:.2f}",
        )
    ]
    if plan.by_phone:  # ✅ offers only to craftsmen with an account; the others are for staff to phone
        lines[0] += context.t("plan.by_phone", count=len(plan.by_phone))
    lines += [
        context.t("plan.line", ticket=tickets.get(p.demand_id, ""), name=p.name, score=f"{p.score:.2f}")
        + ("" if p.online else context.label("match.reason.no_account"))
        for p in plan.pairs[:PLAN_LINES]
    ]
    if len(plan.pairs) > PLAN_LINES:
        lines.append(context.t("plan.more", count=len(plan.pairs) - PLAN_LINES))
    if plan.unassigned:
        lines.append(context.t("plan.unassigned", tickets="、".join(tickets.get(d, "") for d in plan.unassigned[:20])))
    keyboard = (
        [
            [
                InlineKeyboardButton(
                    context.label("plan.confirm"), callback_data=MatchAllPlan(PlanAnswer.APPLY).data()
                ),
                InlineKeyboardButton(
                    context.label("plan.discard"), callback_data=MatchAllPlan(PlanAnswer.DISCARD).data()
                ),
            ]
        ]
        if plan.pairs
        else None
    )
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None
    )


async def match_all_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = MatchAllPlan.parse(query.data)
    pairs = context.user_data.pop("match_all", None)
    if press is None or press.answer is PlanAnswer.DISCARD or pairs is None:
        await query.answer(
            context.t("plan.discarded" if pairs is not None else "button.stale"), show_alert=pairs is None
        )
        return
    result = await attempt(
        update,
        context,
        context.services.casework.apply_plan(update.effective_user.id, context.role, [tuple(p) for p in pairs]),
    )
    if result is None:
        return
    await query.answer()
    tickets = await context.services.casework.tickets([demand_id for demand_id, _ in result.by_hand])
    lines = [context.t("plan.offered", count=result.done)]
    if result.changed:
        lines.append(context.t("plan.changed", count=result.changed))
    lines += [
        context.t(f"plan.by_hand.{r.reason.value}", ticket=tickets.get(demand_id, ""), **r.values)
        for demand_id, r in result.by_hand
    ]
    picked = dict(map(tuple, pairs))
    keyboard = [  # as on the queue card after 📞 致电: his answer recorded from here (conversations/queue_phone.py)
        answer_row(CallCraftsman(demand_id, picked[demand_id]), r.values["name"], context, tickets.get(demand_id))
        for demand_id, r in result.by_hand
        if r.reason is Reason.NO_ACCOUNT and demand_id in picked
    ]
    await update.effective_chat.send_message(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None
    )


resume.register({FIND: "queue.find_ask", ESCALATE: "queue.escalate_ask"})


def build() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(find_start, pattern=FindCraftsman.pattern()),
            CallbackQueryHandler(escalate_start, pattern=Escalate.pattern()),
        ],
        states={
            FIND: [MessageHandler(text, find_text), MessageHandler(~filters.COMMAND, expect_text)],
            ESCALATE: [MessageHandler(text, escalate_note), MessageHandler(~filters.COMMAND, expect_text)],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("queue"))],
        name="queue",
        persistent=True,
        # 🔍/⬆️ on any card while a search or a note is awaited: the press is handled and the wait ends (without
        # it, the entry point is not looked at in a state and the press was answered as expired)
        allow_reentry=True,
    )


def handlers() -> list:
    return [
        CommandHandler("queue", queue_command),
        CommandHandler("match_all", match_all),
        CallbackQueryHandler(show, pattern=ShowQueueItem.pattern()),
        CallbackQueryHandler(offer, pattern=OfferTo.pattern()),
        CallbackQueryHandler(offer, pattern=CallCraftsman.pattern()),
        CallbackQueryHandler(record_answer, pattern=PhoneOutcome.pattern()),
        CallbackQueryHandler(confirm_volunteer, pattern=ConfirmVolunteer.pattern()),
        CallbackQueryHandler(match_all_button, pattern=MatchAllPlan.pattern()),
    ]
