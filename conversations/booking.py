"""专家问诊预约 in the chat: the craftsman types the slots on offer and the place or link; the enterprise picks one
with a button; either side cancels or asks to reschedule from the appointment message."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.booking import CancelAppointment, OfferSlots, PickSlot, Reschedule
from conversations import resume
from conversations.common import cancel_flow_of, expect_text, press_of, reject_too_long
from conversations.context import BotContext
from conversations.refusals import attempt
from services.booking import MAX_SLOTS
from services.local_time import parse_moment, show
from services.time_checks import example
from services.validation import Invalid

SLOTS, PLACE = "booking.slots", "booking.place"
MAX_PLACE = 256


async def offer_start(update: Update, context: BotContext) -> str | int:
    """``OfferSlots``: ask for the slots (ownership is checked when they are sent)."""
    query = update.callback_query
    press = await press_of(update, context, OfferSlots)
    if press is None:
        return ConversationHandler.END
    await query.answer()
    context.user_data["booking"] = {"match": press.match_id}
    await update.effective_chat.send_message(ask_slots(context))
    return SLOTS


async def slots_text(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if await reject_too_long(update, context, text, 600):
        return SLOTS
    services = context.services
    tz, now = services.settings.tz, services.clock.now()
    answers = context.user_data.setdefault("booking", {})
    kept, read, again = list(answers.get("kept") or []), [], []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        try:  # "2026-12-03 14:00", "12月3日下午2点", "下周二上午" (09:00, said below); "3点" or a past time: asked again
            found = parse_moment(line, tz, now, future=True)
        except Invalid as exc:
            again.append(context.t("everyday.slot_again", line=line) + "\n" + context.t(exc.key, **exc.values))
            continue
        if found.at.isoformat() in kept:  # the same time again ("11-27 09:00" twice, or written two ways): one slot
            continue
        kept.append(found.at.isoformat())
        key = "everyday.read_assumed" if found.assumed else "everyday.read"
        read.append(
            context.t(
                key, value=line, when=show(found.at, tz), hour=found.assumed.strftime("%H:%M") if found.assumed else ""
            )
        )
    if again and len(kept) < MAX_SLOTS:  # the lines read are kept; only the others are asked again
        answers["kept"] = kept
        await update.effective_message.reply_text(
            "\n\n".join([*again, "\n".join([*read, context.t("everyday.slots_kept", count=len(kept))])])
        )
        return SLOTS
    if not kept or len(kept) > MAX_SLOTS:
        answers.pop("kept", None)
        await update.effective_message.reply_text(ask_slots(context))
        return SLOTS
    answers["slots"] = kept
    answers.pop("kept", None)
    await update.effective_message.reply_text("\n".join(read) + "\n\n" + context.t("booking.ask_place"))
    return PLACE


async def place_text(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if not text or await reject_too_long(update, context, text, MAX_PLACE):
        return PLACE
    answers = context.user_data.pop("booking", None) or {}
    if "match" not in answers or not answers.get("slots"):
        return ConversationHandler.END
    link = text if text.lower().startswith(("http://", "https://")) else None
    done = await attempt(
        update,
        context,
        context.services.booking.offer_slots(
            update.effective_user.id,
            answers["match"],
            [datetime.fromisoformat(s) for s in answers["slots"]],
            None if link else text,
            link,
        ),
    )
    if done is not None:
        key = "booking.slots_sent_reschedule" if done.values["booked"] else "booking.slots_sent"
        await update.effective_message.reply_text(context.t(key, **done.values))
    return ConversationHandler.END


async def pick(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = await press_of(update, context, PickSlot)
    if press is None:
        return
    result = await attempt(
        update, context, context.services.booking.pick(update.effective_user.id, press.appointment_id)
    )
    if result is None:
        return
    await query.answer(context.t("booking.picked", **result.values))


async def cancel(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = await press_of(update, context, CancelAppointment)
    if press is None:
        return
    result = await attempt(
        update, context, context.services.booking.cancel(update.effective_user.id, press.appointment_id)
    )
    if result is None:
        return
    await query.answer()
    await update.effective_chat.send_message(context.t("booking.cancelled", **result.values))


async def reschedule(update: Update, context: BotContext) -> str | int:
    """``Reschedule``: the enterprise asks the craftsman for new slots; the craftsman offers them."""
    query = update.callback_query
    press = await press_of(update, context, Reschedule)
    if press is None:
        return ConversationHandler.END
    result = await attempt(
        update, context, context.services.booking.ask_reschedule(update.effective_user.id, press.appointment_id)
    )
    if result is None:
        return ConversationHandler.END
    await query.answer()
    if result.values["side"] == "craftsman":
        context.user_data["booking"] = {"match": result.match_id}
        await update.effective_chat.send_message(ask_slots(context))
        return SLOTS
    await update.effective_chat.send_message(context.t("booking.reschedule_sent"))
    return ConversationHandler.END


async def reask_slots(update: Update, context: BotContext) -> None:
    kept = (context.user_data.get("booking") or {}).get("kept") or []
    text = ask_slots(context)
    if kept:
        text += "\n" + context.t("everyday.slots_kept", count=len(kept))
    await update.effective_chat.send_message(text)


def ask_slots(context: BotContext) -> str:
    """The slots question, its example a time still to come (from the clock, in the deployment's zone)."""
    services = context.services
    return context.t("booking.ask_slots", max=MAX_SLOTS, **example(services.clock.now(), services.settings.tz))


resume.register({SLOTS: reask_slots, PLACE: "booking.ask_place"})


def build() -> ConversationHandler:
    text = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[
            CallbackQueryHandler(offer_start, pattern=OfferSlots.pattern()),
            CallbackQueryHandler(reschedule, pattern=Reschedule.pattern()),
        ],
        states={
            SLOTS: [MessageHandler(text, slots_text), MessageHandler(~filters.COMMAND, expect_text)],
            PLACE: [MessageHandler(text, place_text), MessageHandler(~filters.COMMAND, expect_text)],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("booking"))],
        name="booking",
        persistent=True,
    )


def handlers() -> list:
    return [
        CallbackQueryHandler(pick, pattern=PickSlot.pattern()),
        CallbackQueryHandler(cancel, pattern=CancelAppointment.pattern()),
    ]
