"""The craftsman's side: answering an offer (接受 / 婉拒 with a reason), /tasks (open cases), /board (揭榜: open
demands in their industries, to volunteer for) and recording a resolution (solution, workers trained, benefit).

Whether the press is the craftsman's own is decided by the services against the database, never by the data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.booking import OfferSlots
from buttons.casework import AcceptOffer, DeclineOffer, ResolveCase, Volunteer
from conversations import resume
from conversations.common import cancel_flow_of, expect_text, press_of, reject_too_long
from conversations.context import BotContext
from conversations.refusals import BOARD, attempt
from db.models import MatchStatus
from nlp.industry import catalogue
from services.local_time import show
from services.resolution import MAX_SUMMARY
from services.resolution_figures import Figure, read_benefit, read_trained
from services.validation import has_words, says_nothing

DECLINE_REASON, SUMMARY, TRAINED, BENEFIT = "tasks.decline", "tasks.summary", "tasks.trained", "tasks.benefit"
MAX_REASON = 300


async def accept(update: Update, context: BotContext) -> None:
    """``AcceptOffer``: accept; the reply carries the enterprise's contact details and the slot button."""
    query = update.callback_query
    press = await press_of(update, context, AcceptOffer)
    if press is None:
        return
    result = await attempt(update, context, context.services.casework.accept(update.effective_user.id, press.match_id))
    if result is None:
        return
    await query.answer()
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton(context.label("booking.offer_slots"), callback_data=OfferSlots(result.match_id).data())]]
    )
    text = context.t("case.accepted_craftsman", **result.values)
    if result.values.get("leave"):  # accepted on leave: its slots come after it (services/slot_reading.py)
        text += "\n\n" + context.t("case.accepted_on_leave", until=result.values["leave"])
    sent = await update.effective_chat.send_message(text, reply_markup=keyboard)
    await context.services.copies.keep(sent.chat_id, sent.message_id, [result.demand_id] if result.demand_id else [])


async def accept_instead(update: Update, context: BotContext) -> int:
    """``AcceptOffer`` while the decline reason is asked for (or anything else of /tasks waits): accepted, and
    nothing waits any more."""
    context.user_data.pop("tasks", None)
    await accept(update, context)
    return ConversationHandler.END


async def decline_start(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    press = await press_of(update, context, DeclineOffer)
    if press is None:
        return ConversationHandler.END
    if (
        await attempt(update, context, context.services.casework.may_decline(query.from_user.id, press.match_id))
        is None
    ):
        return ConversationHandler.END  # accepted meanwhile, withdrawn, or not his: no reason to ask for
    await query.answer()
    context.user_data["tasks"] = {"match": press.match_id}
    await update.effective_chat.send_message(context.t("case.decline_ask"))
    return DECLINE_REASON


async def decline_reason(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_REASON):
        return DECLINE_REASON
    if not has_words(text):  # "😀" would reach staff as the reason: ask for words
        await update.effective_message.reply_text(context.t("case.decline_words"))
        return DECLINE_REASON
    match_id = (context.user_data.pop("tasks", None) or {}).get("match")
    if match_id is None:
        return ConversationHandler.END
    if (
        await attempt(update, context, context.services.casework.decline(update.effective_user.id, match_id, text))
        is not None
    ):
        await update.effective_message.reply_text(context.t("case.declined_done"))
    return ConversationHandler.END


# ---------------------------------------------------------------------- /tasks and /board
async def tasks_command(update: Update, context: BotContext) -> None:
    cases = await attempt(update, context, context.services.follow_up.cases(update.effective_user.id))
    if cases is None:
        return
    if not cases:
        await update.effective_message.reply_text(context.t("tasks.empty"))
        return
    tz = context.services.settings.tz
    lines, keyboard = [context.t("tasks.title", count=len(cases))], []
    for case in cases:
        lines.append(
            context.t(
                "tasks.item",
                ticket=case.ticket,
                status=context.label(
                    "tasks.awaiting_answer"  # the demand is 已匹配 to him: what it waits for is his answer
                    if case.match_status is MatchStatus.OFFERED
                    else f"demand.status.{case.demand_status.value}"
                ),
                summary=case.text[:120],
            )
        )
        if case.match_status is MatchStatus.OFFERED:
            keyboard.append(
                [
                    InlineKeyboardButton(
                        context.label("case.accept_ticket", ticket=case.ticket),
                        callback_data=AcceptOffer(case.match_id).data(),
                    ),
                    InlineKeyboardButton(
                        context.label("case.decline_ticket", ticket=case.ticket),
                        callback_data=DeclineOffer(case.match_id).data(),
                    ),
                ]
            )
            continue
        lines.append(
            context.t(
                "tasks.contact", enterprise=case.enterprise or "—", contact=case.contact or "—", phone=case.phone or "—"
            )
        )
        if case.booked_at is not None:
            lines.append(context.t("tasks.booked", at=show(case.booked_at, tz)))
        if case.demand_status.value != "resolved":
            keyboard.append(
                [
                    InlineKeyboardButton(
                        context.label("tasks.offer_slots", ticket=case.ticket),
                        callback_data=OfferSlots(case.match_id).data(),
                    ),
                    InlineKeyboardButton(
                        context.label("tasks.resolve", ticket=case.ticket),
                        callback_data=ResolveCase(case.match_id).data(),
                    ),
                ]
            )
    await update.effective_message.reply_text(
        "\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None
    )


async def board_command(update: Update, context: BotContext) -> None:
    items = await attempt(update, context, context.services.casework.board(update.effective_user.id))
    if items is None:
        return
    if not items:
        await update.effective_message.reply_text(context.t("board.empty"))
        return
    lines, keyboard = [context.t("board.title", count=len(items))], []
    for item in items:
        division = catalogue().division(item.industry or "")
        lines.append(
            context.t(
                "board.item",
                ticket=item.ticket,
                industry=division.label_in(context.lang) if division else "—",
                region=context.services.regions.full_name(item.region_code, context.lang) or "—",
                summary=item.text[:120],
                mark=context.label("board.volunteered") if item.volunteered else "",
            )
        )
        if not item.volunteered:
            keyboard.append(
                [
                    InlineKeyboardButton(
                        context.label("board.volunteer", ticket=item.ticket),
                        callback_data=Volunteer(item.demand_id).data(),
                    )
                ]
            )
    sent = await update.effective_message.reply_text(
        "\n\n".join(lines), reply_markup=InlineKeyboardMarkup(keyboard) if keyboard else None
    )
    await context.services.copies.keep(sent.chat_id, sent.message_id, [item.demand_id for item in items])


async def volunteer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = await press_of(update, context, Volunteer)
    if press is None:
        return
    if (
        await attempt(
            update, context, context.services.casework.volunteer(update.effective_user.id, press.demand_id), BOARD
        )
        is None
    ):
        return
    await query.answer(context.t("board.done"), show_alert=True)


# ---------------------------------------------------------------------- recording a resolution
async def resolve_start(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    press = await press_of(update, context, ResolveCase)
    if press is None:
        return ConversationHandler.END
    if (
        await attempt(
            update, context, context.services.follow_up.may_resolve(query.from_user.id, press.match_id, context.role)
        )
        is None
    ):
        return ConversationHandler.END  # the visit is still to come, or the case moved on: nothing to ask
    await query.answer()
    earlier = context.user_data.get("tasks") or {}
    if earlier.get("match") == press.match_id and earlier.get("summary"):  # typed before the step was set aside
        kept = context.t("aside.summary_kept", summary=earlier["summary"])
        if "trained" in earlier:
            await update.effective_chat.send_message(kept + "\n\n" + context.t("resolve.ask_benefit"))
            return BENEFIT
        await update.effective_chat.send_message(kept + "\n\n" + context.t("resolve.ask_trained"))
        return TRAINED
    context.user_data["tasks"] = {"match": press.match_id}
    await update.effective_chat.send_message(context.t("resolve.ask_summary", max=MAX_SUMMARY))
    return SUMMARY


async def resolve_summary(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_SUMMARY):
        return SUMMARY
    if says_nothing(text):  # asked again, with an example; nothing is recorded
        await update.effective_message.reply_text(context.t("resolve.summary_says_nothing"))
        return SUMMARY
    context.user_data.setdefault("tasks", {})["summary"] = text
    await update.effective_message.reply_text(context.t("resolve.ask_trained"))
    return TRAINED


async def resolve_trained(update: Update, context: BotContext) -> str | int:
    answers = context.user_data.setdefault("tasks", {})
    figure = read_trained(update.effective_message.text, answers.pop("large_trained", None))  # "12", "十二个"
    if not await figure_taken(update, context, figure, "large_trained", "resolve.trained_confirm"):
        return TRAINED
    answers["trained"] = figure.whole
    await update.effective_message.reply_text(context.t("resolve.ask_benefit"))
    return BENEFIT


async def figure_taken(update: Update, context: BotContext, figure: Figure, pending: str, confirm: str) -> bool:
    """A figure read: True when it is taken; else its refusal, or the question whether a large one is right (kept
    under ``pending`` until the next answer)."""
    if figure.refused is not None:
        await update.effective_message.reply_text(context.t(figure.refused.key, **figure.refused.values))
        return False
    if figure.large:
        context.user_data.setdefault("tasks", {})[pending] = str(figure.value)
        await update.effective_message.reply_text(context.t(confirm, value=shown(figure.amount)))
        return False
    return True


def shown(value: Decimal) -> str:
    """A figure as the confirmation question shows it: whole, or to the fen."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def reask_figure(question: str, pending: str, confirm: str) -> Callable[[Update, BotContext], Awaitable[None]]:
    """The re-ask after a restart of a figure's step: the confirmation of the large figure typed, if one waits for
    it (the bare question asked again read as if the figure were gone, though 确认 still took it)."""

    async def reask(update: Update, context: BotContext) -> None:
        waiting = (context.user_data.get("tasks") or {}).get(pending)
        text = context.t(confirm, value=shown(Decimal(waiting))) if waiting else context.t(question)
        await update.effective_chat.send_message(text)

    return reask


async def resolve_benefit(update: Update, context: BotContext) -> str | int:
    pending = context.user_data.setdefault("tasks", {}).pop("large_benefit", None)
    figure = read_benefit(update.effective_message.text, pending)  # "50,000", "一万五", "1.5万元"
    if not await figure_taken(update, context, figure, "large_benefit", "resolve.benefit_confirm"):
        return BENEFIT
    value = figure.amount
    answers = context.user_data.pop("tasks", None) or {}
    if "match" not in answers or "summary" not in answers:
        return ConversationHandler.END
    resolved = context.services.follow_up.resolve(  # staff record it for the craftsman (the role read again)
        update.effective_user.id, answers["match"], answers["summary"], answers.get("trained", 0), value, context.role
    )
    if await attempt(update, context, resolved) is not None:
        await update.effective_message.reply_text(context.t("resolve.done"))
    return ConversationHandler.END


async def reask_summary(update: Update, context: BotContext) -> None:
    await update.effective_chat.send_message(context.t("resolve.ask_summary", max=MAX_SUMMARY))


resume.register(
    {
        DECLINE_REASON: "case.decline_ask",
        SUMMARY: reask_summary,
        TRAINED: reask_figure("resolve.ask_trained", "large_trained", "resolve.trained_confirm"),
        BENEFIT: reask_figure("resolve.ask_benefit", "large_benefit", "resolve.benefit_confirm"),
    }
)


def build() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(decline_start, pattern=DeclineOffer.pattern()),
            CallbackQueryHandler(resolve_start, pattern=ResolveCase.pattern()),
            CallbackQueryHandler(accept_instead, pattern=AcceptOffer.pattern()),
        ],
        states={
            DECLINE_REASON: [MessageHandler(text, decline_reason), MessageHandler(~filters.COMMAND, expect_text)],
            SUMMARY: [MessageHandler(text, resolve_summary), MessageHandler(~filters.COMMAND, expect_text)],
            TRAINED: [MessageHandler(text, resolve_trained), MessageHandler(~filters.COMMAND, expect_text)],
            BENEFIT: [MessageHandler(text, resolve_benefit), MessageHandler(~filters.COMMAND, expect_text)],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("tasks"))],
        allow_reentry=True,  # a 婉拒 or 登记解决 pressed while another question of /tasks waits starts at that press
        name="tasks",
        persistent=True,
    )


def handlers() -> list:
    return [
        CommandHandler("tasks", tasks_command),
        CommandHandler("board", board_command),
        CallbackQueryHandler(volunteer, pattern=Volunteer.pattern()),
    ]
