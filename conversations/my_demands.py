"""/my — the user's own demands, newest first: a page of lines, a detail view, and withdrawal with a reason.
Staff open any demand from their notice (``OpenDemand``); the role is checked on the server for every press."""

from __future__ import annotations

import contextlib

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.casework import ResolveCase
from buttons.demands import MyDemand, MyDemandsPage, OpenDemand, WithdrawDemand, WithdrawReason, WithdrawWithoutWords
from conversations import resume
from conversations.casework_views import acting_for_rows
from conversations.common import A, answer_stale, cancel_flow_of, edit_message, expect_text, press_of, reject_too_long
from conversations.context import BotContext
from conversations.enterprise_links import flag_detail
from conversations.keyboards import page_count, page_nav
from conversations.refusals import DEMAND, answer_refusal
from conversations.report.views import NEXT_STEP, demand_detail, demand_line
from db.models import DemandStatus
from services.audit import staff_role
from services.demand_info import DemandInfo
from services.demands import MAX_REASON, OPEN_STATUSES, PAGE, WITHDRAW_REASONS
from services.results import Refused
from services.withdrawal import words_pending

OTHER, OTHER_WORDS, WORDS_KEY = "other", "my.other_words", "withdraw"  # 其他原因: its words are asked (optional)

# what the union does next, as staff read a demand (the enterprise reads NEXT_STEP's words in /my)
STAFF_NEXT_STEP = {
    status: f"demand.staff_next.{status.value}"
    for status in (
        DemandStatus.SUBMITTED,
        DemandStatus.ESCALATED,
        DemandStatus.MATCHED,
        DemandStatus.ACCEPTED,
        DemandStatus.SCHEDULED,
        DemandStatus.IN_SERVICE,
        DemandStatus.RESOLVED,
    )
}


async def _page_view(context: BotContext, user_id: int, page: int) -> tuple[str, InlineKeyboardMarkup | None]:
    demands = context.services.demands
    items, total = await demands.of_user(user_id, page)
    if not total:
        return context.t("my.empty"), None
    pages = page_count(total, PAGE)
    if not items and page:  # the list shrank (a draft expired): show the last page
        page = pages - 1
        items, total = await demands.of_user(user_id, page)
    tz = context.services.settings.tz
    lines = [context.t("my.title", total=total, page=page + 1, pages=pages)]
    waiting = await demands.slots_waiting([d.id for d in items])
    lines += [
        f"{i}. " + demand_line(d, context.lang, tz, next_step(d, waiting))
        for i, d in enumerate(items, start=page * PAGE + 1)
    ]
    keyboard = [
        [InlineKeyboardButton(f"{i}. {d.ticket or context.t('my.draft')}", callback_data=MyDemand(d.id, page).data())]
        for i, d in enumerate(items, start=page * PAGE + 1)
    ]
    nav = page_nav(context.lang, page, pages, lambda n: MyDemandsPage(n).data())
    if nav:
        keyboard.append(nav)
    return "\n\n".join(lines), InlineKeyboardMarkup(keyboard)


async def my_command(update: Update, context: BotContext) -> None:
    if context.profile is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return
    text, markup = await _page_view(context, update.effective_user.id, 0)
    await update.effective_message.reply_text(text, reply_markup=markup)


def next_step(d: DemandInfo, waiting: set[int]) -> dict[DemandStatus, str]:
    """The enterprise's next-step words for ``d``: pick a time while slots of it are on offer (``waiting``)."""
    return {**NEXT_STEP, d.status: "my.next.pick_slot"} if d.id in waiting else NEXT_STEP


async def _detail(context: BotContext, d: DemandInfo, with_contact: bool, for_staff: bool = False) -> str:
    enterprise = await context.services.enterprises.get(d.enterprise_id) if d.enterprise_id else None
    steps = STAFF_NEXT_STEP if for_staff else next_step(d, await context.services.demands.slots_waiting([d.id]))
    return demand_detail(
        d,
        enterprise,
        context.services.regions,
        context.lang,
        context.services.settings.tz,
        with_contact,
        steps,
    )


async def show_page(update: Update, context: BotContext) -> None:
    press = await press_of(update, context, MyDemandsPage)
    if press is None:
        return
    await update.callback_query.answer()
    await edit_message(update, *await _page_view(context, update.effective_user.id, press.page))


async def _own_demand(update: Update, context: BotContext, demand_id: int) -> DemandInfo | None:
    """The presser's own demand, or None with the refusal answered (someone else's, gone)."""
    try:
        return await context.services.demands.own_view(demand_id, update.effective_user.id)
    except Refused as exc:
        await answer_refusal(update, context, exc, DEMAND)
        return None


async def _own_press(update: Update, context: BotContext, kind: type[A]) -> tuple[A, DemandInfo] | None:
    """The press of ``kind`` and the presser's own demand it names, the press answered; None when either is not
    (answered as expired, or refused)."""
    press = await press_of(update, context, kind)
    if press is None:
        return None
    demand = await _own_demand(update, context, press.demand_id)  # type: ignore[attr-defined]
    if demand is None:
        return None
    await update.callback_query.answer()
    return press, demand


async def show_demand(update: Update, context: BotContext) -> None:
    found = await _own_press(update, context, MyDemand)
    if found is None:
        return
    press, demand = found
    keyboard = [  # ✅ 已解决 / ↩️ 未解决 of a resolved case, 🔁 改期 / ❌ 取消预约 of a visit to come (the notices' own)
        [InlineKeyboardButton(context.label(b.key, **(b.values or {})), callback_data=b.data) for b in row]
        for row in await context.services.demands.owner_actions(demand.id, update.effective_user.id)
    ]
    if demand.status in OPEN_STATUSES:
        keyboard.append(
            [InlineKeyboardButton(context.t("my.withdraw"), callback_data=WithdrawDemand(demand.id).data())]
        )
    keyboard.append([InlineKeyboardButton(context.t("my.back"), callback_data=MyDemandsPage(press.page).data())])
    text = await _detail(context, demand, with_contact=True)
    if demand.status is DemandStatus.DRAFT:
        text += "\n\n" + context.t("my.next.draft")
    await edit_message(update, text, InlineKeyboardMarkup(keyboard))


async def ask_reason(update: Update, context: BotContext) -> None:
    found = await _own_press(update, context, WithdrawDemand)
    if found is None:
        return
    demand = found[1]
    keyboard = [
        [InlineKeyboardButton(context.t(f"my.reason.{r}"), callback_data=WithdrawReason(demand.id, r).data())]
        for r in WITHDRAW_REASONS
    ]
    keyboard.append([InlineKeyboardButton(context.t("my.back"), callback_data=MyDemand(demand.id, 0).data())])
    await edit_message(update, context.t("my.withdraw_ask", ticket=demand.ticket or ""), InlineKeyboardMarkup(keyboard))


async def withdraw(update: Update, context: BotContext) -> str | int:
    """``WithdrawReason``: withdraw with the chosen reason — or, for 其他原因, first ask it in words (optional)."""
    query = update.callback_query
    press = WithdrawReason.parse(query.data)
    if press is None or press.reason not in WITHDRAW_REASONS:
        await answer_stale(update, context)
        return ConversationHandler.END
    demand = await _own_demand(update, context, press.demand_id)
    if demand is None:
        return ConversationHandler.END
    if press.reason == OTHER:
        await query.answer()
        context.user_data[WORDS_KEY] = {"demand": demand.id, "messages": [query.message.message_id]}
        await edit_message(update, context.t("my.other_reason_ask", max=MAX_REASON), _skip_words(context, demand.id))
        return OTHER_WORDS
    await _withdraw(update, context, demand.id, context.t(f"my.reason.{press.reason}"))
    return ConversationHandler.END


def _skip_words(context: BotContext, demand_id: int) -> InlineKeyboardMarkup:
    label = context.t("my.other_reason_skip")
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=WithdrawWithoutWords(demand_id).data())]])


async def other_words(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_REASON):
        return OTHER_WORDS
    demand_id = (context.user_data.pop(WORDS_KEY, None) or {}).get("demand")
    if demand_id is not None:
        reason = context.t("my.reason_in_words", reason=context.t(f"my.reason.{OTHER}"), words=text)
        await _withdraw(update, context, demand_id, reason)
    return ConversationHandler.END


async def skip_words(update: Update, context: BotContext) -> str | int:
    """``WithdrawWithoutWords``: withdraw for 其他原因 without saying more (also from the question after a restart),
    only while that demand's question is open; an old 跳过 (answered, /cancel'led) is answered as expired."""
    pending = context.user_data.get(WORDS_KEY)
    press = WithdrawWithoutWords.parse(update.callback_query.data)
    if press is None or not words_pending(pending, press.demand_id):
        await answer_stale(update, context)
        return OTHER_WORDS if pending else ConversationHandler.END
    context.user_data.pop(WORDS_KEY, None)
    await _withdraw(update, context, press.demand_id, context.t(f"my.reason.{OTHER}"))
    return ConversationHandler.END


async def cancel_words(update: Update, context: BotContext) -> int:
    """/cancel of the question for 其他原因's words: its 跳过 buttons go (an old one would answer as expired)."""
    for message_id in (context.user_data.get(WORDS_KEY) or {}).get("messages", []):
        with contextlib.suppress(BadRequest):  # deleted, or too old to edit: a press answers as expired anyway
            await context.bot.edit_message_reply_markup(update.effective_chat.id, message_id, reply_markup=None)
    return await cancel_flow_of(WORDS_KEY)(update, context)


async def _withdraw(update: Update, context: BotContext, demand_id: int, reason: str) -> None:
    """Withdraw the presser's demand (checked again by the service: his own, still open) and say so."""
    query = update.callback_query
    try:
        done = await context.services.demands.withdraw(demand_id, update.effective_user.id, reason)
    except Refused as exc:
        await answer_refusal(update, context, exc, DEMAND)
        return
    words = context.t("my.withdrawn", ticket=done.ticket or "")
    if query is not None:
        await query.answer()
        await edit_message(update, words)
    else:
        await update.effective_message.reply_text(words)


async def reask_words(update: Update, context: BotContext) -> None:
    pending = context.user_data.get(WORDS_KEY) or {}
    demand_id = pending.get("demand")
    markup = _skip_words(context, demand_id) if demand_id is not None else None
    sent = await update.effective_chat.send_message(
        context.t("my.other_reason_ask", max=MAX_REASON), reply_markup=markup
    )
    if demand_id is not None:  # /cancel takes this 跳过 away too
        pending["messages"] = [*pending.get("messages", []), sent.message_id]


resume.register({OTHER_WORDS: reask_words})


def build() -> ConversationHandler:
    """/my's withdrawal: the reason, and for 其他原因 the words (optional)."""
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(withdraw, pattern=WithdrawReason.pattern())],
        states={
            OTHER_WORDS: [
                MessageHandler(text, other_words),
                CallbackQueryHandler(skip_words, pattern=WithdrawWithoutWords.pattern()),
                MessageHandler(~filters.COMMAND, expect_text),
            ]
        },
        fallbacks=[CommandHandler("cancel", cancel_words)],
        name="withdraw",
        persistent=True,
    )


async def staff_view(update: Update, context: BotContext) -> None:
    """``OpenDemand`` from a staff notice: the whole demand, contact details and attachments included — always in
    the staffer's private chat (a press in the staff group must not post a phone to the group)."""
    query = update.callback_query
    press = await press_of(update, context, OpenDemand)
    user_id = update.effective_user.id
    if press is None:
        return
    try:
        demand = await context.services.demands.staff_view(press.demand_id, user_id, context.role)
    except Refused as exc:
        await answer_refusal(update, context, exc, DEMAND)
        return
    text, markup = await flag_detail(
        context, demand.id, await _detail(context, demand, with_contact=True, for_staff=staff_role(context.role))
    )
    markup = await _resolve_button(context, demand.id, markup)
    try:
        sent = await context.bot.send_message(user_id, text, reply_markup=markup)
        await context.services.copies.keep(user_id, sent.message_id, [demand.id])  # erasure edits it
        for item in demand.attachments:
            send = context.bot.send_photo if item.kind == "photo" else context.bot.send_document
            await send(user_id, item.file_id, caption=item.caption, parse_mode=None)
    except Forbidden:  # they never started the bot (or blocked it): it cannot write to them first
        await query.answer(context.t("demand.start_private_first"), show_alert=True)
        return
    private = update.effective_chat is None or update.effective_chat.id == user_id
    await query.answer(None if private else context.t("demand.sent_privately"))


async def _resolve_button(
    context: BotContext, demand_id: int, markup: InlineKeyboardMarkup | None
) -> InlineKeyboardMarkup | None:
    """A case in service gets staff's 登记解决 (``ResolveCase``: the craftsman's own conversation, which asks the
    summary and figures and records them for him, checked again on the server: staff, the case's region); a case
    whose craftsman has no Telegram, the buttons to act for him (his slots too: services/stand_in.py)."""
    match_id = await context.services.follow_up.case_to_resolve(demand_id)
    if match_id is None:
        return markup
    phone_case = await context.services.booking.phone_case(demand_id)
    rows = (
        acting_for_rows(phone_case[0], phone_case[1], context)
        if phone_case is not None
        else [[InlineKeyboardButton(context.label("staff.resolve_case"), callback_data=ResolveCase(match_id).data())]]
    )
    return InlineKeyboardMarkup([*(markup.inline_keyboard if markup else ()), *rows])


def handlers() -> list:
    return [
        CommandHandler("my", my_command),
        CallbackQueryHandler(show_page, pattern=MyDemandsPage.pattern()),
        CallbackQueryHandler(show_demand, pattern=MyDemand.pattern()),
        CallbackQueryHandler(ask_reason, pattern=WithdrawDemand.pattern()),
        CallbackQueryHandler(skip_words, pattern=WithdrawWithoutWords.pattern()),  # after the conversation ended
        CallbackQueryHandler(staff_view, pattern=OpenDemand.pattern()),
    ]
