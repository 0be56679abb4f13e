"""Union services in the chat: the answer to a member's own question (dues, welfare, wages …) with its source and
the ask-staff button (also under the reply to a message the bot did not understand); the press that files a consultation; staff's part in /queue (reply, as often as needed, or end it); the member's answer to a reply
(回复工会), which lands in the same consultation.

The question the member typed stays on the server: the button carries only a random id that names it in the
member's own user_data (``union_asks``), so a press from anyone else finds nothing and is refused and audited.
Before consent nothing is kept: the answer shows, and the button asks them to /start first.
"""

from __future__ import annotations

import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.union import AnswerConsultation, AskStaff, CloseConsultation, ReplyToUnion
from conversations import resume
from conversations.common import cancel_flow_of, expect_text, press_of, staff_press
from conversations.context import JUST_ASKED, BotContext
from conversations.refusals import ASK, CONSULTATION, FOLLOW_UP, attempt
from db.models import ConsultationStatus
from nlp.analyzer import Analysis
from nlp.intent import Intent
from services.consultations import ConsultationItem, quoted
from services.results import Refused
from services.union_answers import union_answer
from services.union_dues import monthly_dues
from services.validation import Invalid

ASKS = "union_asks"  # user_data: {token: {"topic", "question", "filed"}} — the member's recent answered questions
KEEP_ASKS = 5
NO_CONSENT = "-"
ANSWER, MEMBER_REPLY = "union.answer", "union.follow_up"
QUEUE_LINES = 10
SIGNED = "~"  # what separates a sent button's data from its signature (runtime/signing.py, not imported here)


async def answer_union(update: Update, context: BotContext, analysis: Analysis, lead: str | None = None) -> None:
    """The answer to a union matter, with the ask-staff button under it: the catalogue's, or for a member in Hong
    Kong, Macao or Taiwan the place's own labour authority (services/union_answers.py); ``lead``: a line before it."""
    topic = analysis.intent.value
    region = context.profile.region_code if context.profile is not None else None
    answer = union_answer(topic, region, context.services.regions)
    text = context.t(answer.key, **{name: context.label(key) for name, key in answer.labels.items()})
    dues = monthly_dues(analysis.text) if answer.mainland and analysis.intent is Intent.MEMBERSHIP else None
    if dues is not None:  # the wage the member named, worked out
        text = context.t("union.membership.dues_for", dues=f"{dues:,}") + "\n" + text
    if lead:
        text = lead + "\n\n" + text
    await offer_staff(update, context, topic, analysis.text, text)


async def offer_staff(update: Update, context: BotContext, topic: str, question: str, text: str) -> None:
    """Reply ``text`` with the ask-staff button, which files ``question`` under ``topic`` when pressed (a union
    matter, or ``other``: a message the bot did not understand)."""
    token = NO_CONSENT
    if context.profile is not None:
        asks = context.user_data.setdefault(ASKS, {})
        token = secrets.token_urlsafe(6)
        asks[token] = {"topic": topic, "question": question, "filed": None}
        for old in list(asks)[:-KEEP_ASKS]:
            asks.pop(old)
    button = InlineKeyboardButton(context.label("union.ask_button"), callback_data=AskStaff(token).data())
    await update.effective_message.reply_text(
        text, reply_markup=InlineKeyboardMarkup([[button]]), disable_web_page_preview=True
    )


# What pressing the ask-staff button again says, by the consultation's status: answered or closed, no reply will
# come, so the member is told they may write again; open (or gone), wait.
_FILED_KEY = {ConsultationStatus.ANSWERED: "union.ask_answered", ConsultationStatus.CLOSED: "union.ask_closed"}


async def ask_staff(update: Update, context: BotContext) -> None:
    """``AskStaff``: file the member's question (once) for union staff."""
    query = update.callback_query
    press = await press_of(update, context, AskStaff)
    if press is None:
        return
    if context.profile is None:
        await query.answer(context.t("union.ask_start_first"), show_alert=True)
        return
    asked = (context.user_data.get(ASKS) or {}).get(press.token)
    if asked is None:  # not a question this member was answered: someone else's button, or forged
        await context.services.audit.record(
            update.effective_user.id, "consultation.ask", "consultation:?", allowed=False
        )
        await query.answer(context.t("union.ask_unknown"), show_alert=True)
        return
    if asked["filed"] is not None:
        status = await context.services.consultations.status(update.effective_user.id, asked["filed"])
        await query.answer(
            context.t(_FILED_KEY.get(status, "union.already_asked"), number=asked["filed"]), show_alert=True
        )
        return
    result = await attempt(
        update,
        context,
        context.services.consultations.ask(update.effective_user.id, asked["topic"], asked["question"]),
        ASK,
    )
    if result is None:
        return
    asked["filed"] = result.values["id"]
    if not result.values["new"]:  # the same question is open already
        await query.answer(context.t("union.already_asked", number=asked["filed"]), show_alert=True)
        return
    await query.answer()
    await update.effective_chat.send_message(
        context.t("union.asked", number=asked["filed"], topic=context.label(f"union.topic.{asked['topic']}")),
        reply_markup=add_button(asked["filed"], context),
    )
    just_asked(context, asked["filed"])


def just_asked(context: BotContext, consultation_id: int) -> None:
    """Text typed next (and nothing else first) may add to consultation ``consultation_id`` (typed_replies.py)."""
    context.user_data[JUST_ASKED] = {"id": consultation_id, "at": context.services.clock.now().isoformat()}


# ---------------------------------------------------------------------- staff: the /queue section
async def consultation_section(update: Update, context: BotContext) -> bool:
    """The consultations still open in /queue, waiting ones first, then those staff replied to and have not ended
    (so ✅ 结束咨询 is at hand); returns whether any was listed."""
    try:
        waiting, answered, items = await context.services.consultations.open_items(
            update.effective_user.id, context.role, QUEUE_LINES
        )
    except Refused:  # not staff (audited): /queue has said so already
        return False
    if not waiting and not answered:
        return False
    titles = [context.t("union.queue_title", count=waiting)] if waiting else []
    if answered:
        titles.append(context.t("union.queue_answered", count=answered))
    await update.effective_chat.send_message("\n".join(titles))
    for item in items:
        await update.effective_chat.send_message(
            queue_text(item, context), reply_markup=staff_buttons(item.id, context)
        )
    return True


def queue_text(item: ConsultationItem, context: BotContext) -> str:
    """A /queue item: the question (its start, once replies follow), then the latest replies and follow-ups."""
    lines = [
        context.t(
            "union.queue_item",
            number=item.id,
            topic=context.label(f"union.topic.{item.topic}"),
            name=item.name,
            region=context.services.regions.full_name(item.region_code, context.lang) or "—",
            question=quoted(item.question) if item.thread else item.question,
        )
    ]
    for index, line in enumerate(item.thread, 1):  # the last one whole: it is what waits for an answer
        text = line.text if index == len(item.thread) else quoted(line.text)
        lines.append(context.t("union.thread_staff" if line.from_staff else "union.thread_member", text=text))
    return "\n".join(lines)


def staff_buttons(consultation_id: int, context: BotContext) -> InlineKeyboardMarkup:
    """✍️ 回复 and ✅ 结束咨询 for one consultation (a /queue item, and under staff's own reply)."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    context.label("union.answer_button"), callback_data=AnswerConsultation(consultation_id).data()
                ),
                InlineKeyboardButton(
                    context.label("union.close_button"), callback_data=CloseConsultation(consultation_id).data()
                ),
            ]
        ]
    )


async def answer_start(update: Update, context: BotContext) -> str | int:
    """``AnswerConsultation``: staff will type the reply, unless the consultation has ended (said at the press)."""
    press = await staff_press(
        update, context, AnswerConsultation, action="consultation.answer", target="consultation", answer=False
    )
    if press is None:
        return ConversationHandler.END
    consultation_id = press.consultation_id
    checking = context.services.consultations.may_answer(update.effective_user.id, context.role, consultation_id)
    if await attempt(update, context, checking, CONSULTATION) is None:
        return ConversationHandler.END
    await update.callback_query.answer()
    context.user_data["union_answer"] = {"id": consultation_id}
    await update.effective_chat.send_message(context.t("union.answer_ask", number=consultation_id))
    return ANSWER


async def answer_text(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    consultation_id = (context.user_data.get("union_answer") or {}).get("id")
    if not text:
        return ANSWER
    if consultation_id is None:
        return ConversationHandler.END
    try:
        result = await attempt(
            update,
            context,
            context.services.consultations.answer(update.effective_user.id, context.role, consultation_id, text),
            CONSULTATION,
        )
    except Invalid as exc:  # too long for the member's notice: nothing was stored or sent; staff may type it again
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return ANSWER
    context.user_data.pop("union_answer", None)
    if result is not None:
        await update.effective_message.reply_text(
            context.t(
                "union.answer_sent_reopened" if result.values.get("reopened") else "union.answer_sent",
                number=consultation_id,
            ),
            reply_markup=staff_buttons(consultation_id, context),
        )
    return ConversationHandler.END


async def close(update: Update, context: BotContext) -> None:
    """``CloseConsultation``: staff close it without an answer."""
    press = await press_of(update, context, CloseConsultation)
    if press is None:
        return
    closing = context.services.consultations.close(update.effective_user.id, context.role, press.consultation_id)
    if await attempt(update, context, closing, CONSULTATION) is not None:
        await update.callback_query.answer()
        await update.effective_chat.send_message(context.t("union.closed", number=press.consultation_id))


async def reask_answer(update: Update, context: BotContext) -> None:
    consultation_id = (context.user_data.get("union_answer") or {}).get("id")
    if consultation_id is not None:
        await update.effective_chat.send_message(context.t("union.answer_ask", number=consultation_id))


# ---------------------------------------------------------------------- the member answers staff's reply
async def follow_up_start(update: Update, context: BotContext) -> str | int:
    """``ReplyToUnion``: the member will type their answer, unless the consultation is not theirs (audited) or has
    ended (both said at the press)."""
    press = await press_of(update, context, ReplyToUnion, registered=True)
    if press is None:
        return ConversationHandler.END
    checking = context.services.consultations.may_follow_up(update.effective_user.id, press.consultation_id)
    result = await attempt(update, context, checking, FOLLOW_UP)
    if result is None:
        return ConversationHandler.END
    await update.callback_query.answer()
    context.user_data["union_follow_up"] = {"id": press.consultation_id, "adding": not result.values["replied"]}
    await update.effective_chat.send_message(_follow_up_question(context))
    return MEMBER_REPLY


def _follow_up_question(context: BotContext) -> str:
    """Staff replied: the member's reply is asked for; not yet (补充问题): what to add to the question."""
    waiting = context.user_data.get("union_follow_up") or {}
    key = "union.add_ask" if waiting.get("adding") else "union.follow_up_ask"
    return context.t(key, number=waiting.get("id"))


async def follow_up_text(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    consultation_id = (context.user_data.get("union_follow_up") or {}).get("id")
    if not text:
        return MEMBER_REPLY
    if consultation_id is None:
        return ConversationHandler.END
    if not await file_follow_up(update, context, consultation_id, text):
        return MEMBER_REPLY
    context.user_data.pop("union_follow_up", None)
    return ConversationHandler.END


async def file_follow_up(update: Update, context: BotContext, consultation_id: int, text: str) -> bool:
    """File the member's ``text`` in the consultation and say so (or why not); False when it was too long (nothing
    stored: the member may shorten it)."""
    following = context.services.consultations.follow_up(update.effective_user.id, consultation_id, text)
    try:
        result = await attempt(update, context, following, FOLLOW_UP)
    except Invalid as exc:
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return False
    if result is not None:
        number = result.values["number"]
        ended = result.values.get("ended")  # ended meanwhile: the text became a new consultation
        said = context.t("union.follow_up_refiled", ended=ended, number=number) if ended else None
        await update.effective_message.reply_text(
            said or context.t("union.follow_up_sent", number=number), reply_markup=add_button(number, context)
        )
    return True


def add_button(consultation_id: int, context: BotContext) -> InlineKeyboardMarkup:
    """补充问题 under the bot's "已把您的问题转给…" / "已转给…": the member adds to that open consultation (the button,
    or Telegram's reply to that message)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(context.label("union.add_button"), callback_data=ReplyToUnion(consultation_id).data())]]
    )


def replied_consultation(message: Message | None) -> int | None:
    """The consultation a message answers with Telegram's reply: the one named by the 回复工会 / 补充问题 button
    (ReplyToUnion) on the bot's message it replies to — staff's reply, or the bot's "已把您的问题转给…" / "已转给…"
    (Telegram hands back the replied message itself, so it is the bot's own message in this chat; the service checks
    whose consultation it is). None for any other message."""
    replied = message.reply_to_message if message is not None else None
    if replied is None or replied.reply_markup is None or not message.text:
        return None
    # the button's data as the bot wrote it, before runtime/signing.py appended "~signature"
    datas = [b.callback_data for row in replied.reply_markup.inline_keyboard for b in row]
    pressed = [ReplyToUnion.parse(d.rpartition(SIGNED)[0] or d) for d in datas if isinstance(d, str)]
    return next((press.consultation_id for press in pressed if press is not None), None)


class _RepliedToUnion(filters.MessageFilter):
    """A data filter (python-telegram-bot's way to hand a filter's finding to the handler): the consultation the
    message replies to, looked up once, arrives as ``context.replied_to`` (a list, as data filters' values merge)."""

    data_filter = True

    def filter(self, message: Message) -> dict[str, list[int]] | None:
        consultation_id = replied_consultation(message)
        return {"replied_to": [consultation_id]} if consultation_id is not None else None


async def follow_up_by_reply(update: Update, context: BotContext) -> None:
    """Text sent as a Telegram reply to a union message: the member's word in that consultation, filed as the
    button's would be, whatever step is open (that step keeps waiting for its own answer)."""
    await file_follow_up(update, context, context.replied_to[0], update.effective_message.text or "")


def reply_handler() -> MessageHandler:
    """Registered first in the default group (bot.py), before every conversation: a Telegram reply to a union message
    is never taken by an open step (/join stored "一万五" as the member's name)."""
    return MessageHandler(filters.TEXT & ~filters.COMMAND & _RepliedToUnion(), follow_up_by_reply)


async def reask_follow_up(update: Update, context: BotContext) -> None:
    if (context.user_data.get("union_follow_up") or {}).get("id") is not None:
        await update.effective_chat.send_message(_follow_up_question(context))


async def cancel(update: Update, context: BotContext) -> int:
    context.user_data.pop("union_follow_up", None)
    return await cancel_flow_of("union_answer")(update, context)


resume.register({ANSWER: reask_answer, MEMBER_REPLY: reask_follow_up})


def build() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(answer_start, pattern=AnswerConsultation.pattern()),
            CallbackQueryHandler(follow_up_start, pattern=ReplyToUnion.pattern()),
        ],
        states={
            ANSWER: [MessageHandler(text, answer_text), MessageHandler(~filters.COMMAND, expect_text)],
            MEMBER_REPLY: [MessageHandler(text, follow_up_text), MessageHandler(~filters.COMMAND, expect_text)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="union",
        persistent=True,
        # ✍️ 回复 on another consultation (or 回复工会 under another reply) while a text is awaited: that one is asked
        allow_reentry=True,
    )


def handlers() -> list:
    return [
        CallbackQueryHandler(ask_staff, pattern=AskStaff.pattern()),
        CallbackQueryHandler(close, pattern=CloseConsultation.pattern()),
    ]
