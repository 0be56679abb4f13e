"""回访 in the chat: the enterprise confirms a resolution (then rates it 1–5 stars and may add a comment) or
reopens it."""

from __future__ import annotations

from contextlib import suppress

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.follow_up import AddComment, ConfirmSolved, RateCase, Reopen, SkipComment
from conversations import resume
from conversations.common import answer_stale, cancel_flow_of, expect_text, press_of, reject_too_long
from conversations.context import BotContext
from conversations.refusals import attempt
from nlp.analyzer import shared_analyzer
from nlp.intent import UNION_SERVICES, Intent
from services.follow_up import MAX_COMMENT, read_stars, stars_buttons
from services.intake import sure_enough
from services.results import Refused
from services.validation import says_nothing

COMMENT, STARS = "follow.comment", "follow.stars"


def _stars(context: BotContext, demand_id: int, round_: int) -> InlineKeyboardMarkup:
    """The same 1–5 star row as the day-3 reminder's (``stars_buttons``)."""
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(context.label(b.key, **(b.values or {})), callback_data=b.data) for b in row]
            for row in stars_buttons(demand_id, round_)
        ]
    )


async def confirm(update: Update, context: BotContext) -> str | int:
    """``ConfirmSolved``: solved — ask for the stars (the rating closes the case), pressed or typed ("5", "五星")."""
    query = update.callback_query
    press = await press_of(update, context, ConfirmSolved)
    if press is None:
        return ConversationHandler.END
    confirming = context.services.follow_up.confirm(update.effective_user.id, press.demand_id, press.round)
    if await attempt(update, context, confirming) is None:
        return ConversationHandler.END  # a round reopened since (or an old button): 已失效
    await query.answer()
    context.user_data["follow"] = {"demand": press.demand_id, "round": press.round}
    await _ask_stars(update, context)
    return STARS


async def _ask_stars(update: Update, context: BotContext, key: str = "follow.ask_stars") -> None:
    follow = context.user_data.get("follow") or {}
    demand_id, round_ = follow.get("demand"), follow.get("round")
    markup = _stars(context, demand_id, round_) if demand_id is not None and round_ is not None else None
    await update.effective_chat.send_message(context.t(key), reply_markup=markup)


async def _reask_stars(update: Update, context: BotContext) -> None:
    """After a restart: the star question again, only while its round still waits (not once the case was reopened
    since); else it is dropped, and what the user types next is read as outside any question."""
    follow = context.user_data.get("follow") or {}
    demand_id = follow.get("demand")
    if demand_id is not None and await context.services.follow_up.still_asked(
        update.effective_user.id, demand_id, follow.get("round")
    ):
        await _ask_stars(update, context)
    else:
        context.user_data.pop("follow", None)


async def stars_text(update: Update, context: BotContext) -> str | int:
    """Text at the star question: "5", "５", "五星", "★★★★★" are that rating; anything else asks again — but for a
    union member's question, a competition or course question or a clear new problem (``Routed``), which are not
    this step's and go on to the handlers after it while the stars wait."""
    follow = context.user_data.get("follow") or {}
    if follow.get("demand") is None:  # the question was dropped (its round reopened): text as anywhere else
        from conversations.report.intake import from_stars  # here: intake imports this module

        await from_stars(update, context)
        return ConversationHandler.END
    stars = read_stars(update.effective_message.text or "")
    if stars is None:
        await _ask_stars(update, context, "follow.stars_again")
        return STARS
    return await _rated(update, context, follow["demand"], stars, follow.get("round", 0))


class Routed(filters.MessageFilter):
    """Text the free-text router answers on its own wherever it is typed: a union member's matter, a competition or
    course question, a technical problem or training need clear enough to file (services/intake.py)."""

    def filter(self, message: Message) -> bool:
        analysis = shared_analyzer().analyse(message.text or "")
        return analysis.intent in (*UNION_SERVICES, Intent.COMPETITION, Intent.COURSE) or sure_enough(analysis)


async def reopen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = await press_of(update, context, Reopen)
    if press is None:
        return
    reopening = context.services.follow_up.reopen(update.effective_user.id, press.demand_id, press.round)
    if await attempt(update, context, reopening) is None:
        return
    await query.answer()
    await update.effective_chat.send_message(context.t("follow.reopened"))


async def rate(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    press = RateCase.parse(query.data)
    if press is None or not 1 <= press.stars <= 5:
        await answer_stale(update, context)
        return ConversationHandler.END
    return await _rated(update, context, press.demand_id, press.stars, press.round)


async def _rated(update: Update, context: BotContext, demand_id: int, stars: int, round_: int) -> str | int:
    """Rate round ``round_`` of the case ``stars`` (pressed or typed), then ask for the optional comment."""
    rating = context.services.follow_up.rate(update.effective_user.id, demand_id, stars, round_)
    result = await attempt(update, context, rating)
    if result is None:
        context.user_data.pop("follow", None)
        return ConversationHandler.END
    if update.callback_query is not None:
        await update.callback_query.answer()
    context.user_data["follow"] = {"demand": demand_id, "ticket": result.values["ticket"]}
    return await _ask_comment(update, context)


async def _ask_comment(update: Update, context: BotContext) -> str:
    """Thanks for the stars, and the optional comment, with its 跳过 button."""
    ticket = (context.user_data.get("follow") or {}).get("ticket", "")
    await update.effective_chat.send_message(context.t("follow.thanks", ticket=ticket), reply_markup=_skip(context))
    return COMMENT


def _skip(context: BotContext) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(context.label("follow.skip"), callback_data=SkipComment().data())]]
    )


async def comment(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_COMMENT):
        return COMMENT
    if says_nothing(text):  # "²", "。", "好": not saved as the comment without a word
        await update.effective_message.reply_text(context.t("follow.comment_says_nothing"), reply_markup=_skip(context))
        return COMMENT
    demand_id = (context.user_data.pop("follow", None) or {}).get("demand")
    if demand_id is not None:
        with suppress(Refused):  # the rating is gone (erased meanwhile): nothing to add the comment to
            await context.services.follow_up.comment(update.effective_user.id, demand_id, text)
        await update.effective_message.reply_text(context.t("follow.comment_saved"))
    return ConversationHandler.END


async def skip(update: Update, context: BotContext) -> int:
    context.user_data.pop("follow", None)
    await update.callback_query.answer(context.t("follow.skipped"))
    return ConversationHandler.END


class TypedStars(filters.MessageFilter):
    """Text that reads as a rating ("5", "五星", "★★★★"): :func:`typed_rating` is asked first."""

    def filter(self, message: Message) -> bool:
        return read_stars(message.text or "") is not None


async def typed_rating(update: Update, context: BotContext) -> bool:
    """Stars typed outside any question (after the day-3 reminder, whose buttons are all that asks): the rating of
    the one case waiting for it, thanked with a ✍️ button for the optional comment (:func:`add_comment`); several
    waiting: which one is asked by their own buttons. With none waiting, a case that only asked 问题解决了吗？ is
    pointed at its ✅ / ↩️ buttons. False when no case waits at all: the text is free text as ever."""
    follow_up, user_id, message = context.services.follow_up, update.effective_user.id, update.effective_message
    awaiting = await follow_up.awaiting(user_id)
    waiting = awaiting.rating
    if not waiting:
        if awaiting.confirmation:  # only 问题解决了吗？ was asked: its buttons come first
            await message.reply_text(context.t("follow.confirm_first", tickets="、".join(awaiting.confirmation)))
        return bool(awaiting.confirmation)
    if len(waiting) > 1:
        await message.reply_text(context.t("follow.stars_which", count=len(waiting)))
        return True
    stars = read_stars(message.text or "") or 0
    [(demand_id, round_)] = waiting
    result = await attempt(update, context, follow_up.rate(user_id, demand_id, stars, round_))
    if result is not None:
        write = InlineKeyboardButton(context.label("follow.write_comment"), callback_data=AddComment(demand_id).data())
        await message.reply_text(
            context.t("follow.thanks_typed", ticket=result.values["ticket"]),
            reply_markup=InlineKeyboardMarkup([[write]]),
        )
    return True


async def add_comment(update: Update, context: BotContext) -> str | int:
    """``AddComment``: the optional comment after stars typed outside any question (the service keeps it only on
    the presser's own rating)."""
    press = await press_of(update, context, AddComment)
    if press is None:
        return ConversationHandler.END
    await update.callback_query.answer()
    context.user_data["follow"] = {"demand": press.demand_id}
    await update.effective_chat.send_message(context.t("follow.ask_comment", max=MAX_COMMENT))
    return COMMENT


# after a restart the step asks its question again (conversations/resume.py)
resume.register({COMMENT: _ask_comment, STARS: _reask_stars})


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(rate, pattern=RateCase.pattern()),
            CallbackQueryHandler(confirm, pattern=ConfirmSolved.pattern()),
            CallbackQueryHandler(add_comment, pattern=AddComment.pattern()),
        ],
        states={
            STARS: [  # a routed text is not this step's: the handlers after this one answer it, the stars wait
                MessageHandler(filters.TEXT & ~filters.COMMAND & (TypedStars() | ~Routed()), stars_text),
                CallbackQueryHandler(rate, pattern=RateCase.pattern()),
                CallbackQueryHandler(confirm, pattern=ConfirmSolved.pattern()),
                MessageHandler(~filters.COMMAND & ~filters.TEXT, expect_text),
            ],
            COMMENT: [
                MessageHandler(filters.TEXT & ~filters.COMMAND, comment),
                CallbackQueryHandler(skip, pattern=SkipComment.pattern()),
                MessageHandler(~filters.COMMAND, expect_text),
            ],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("follow"))],
        name="follow_up",
        persistent=True,
    )


def handlers() -> list:
    return [
        CallbackQueryHandler(reopen, pattern=Reopen.pattern()),
    ]
