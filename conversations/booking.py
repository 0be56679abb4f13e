"""专家问诊预约 in the chat: the craftsman types the slots on offer and the place or link; the enterprise picks one
with a button; either side cancels or asks to reschedule from the appointment message."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.booking import AskOtherTimes, CancelAppointment, OfferSlots, PickSlot, Reschedule, SlotsEnough
from conversations import resume
from conversations.common import answer_stale, cancel_flow_of, expect_text, press_of, reject_too_long
from conversations.context import BotContext
from conversations.refusals import attempt
from services.choice_words import says_enough
from services.local_time import show
from services.slot_reading import MAX_SLOTS, SlotLine
from services.time_checks import example
from services.validation import Invalid

SLOTS, PLACE = "booking.slots", "booking.place"
MAX_PLACE = 256


async def offer_start(update: Update, context: BotContext) -> str | int:
    """``OfferSlots``: ask for the slots — the craftsman's, or staff's for a craftsman without Telegram (checked
    now, and again when they are sent: services/stand_in.py); slots typed for the same case before the step was
    set aside (conversations/one_step.py) are offered back and the place asked for."""
    query = update.callback_query
    press = await press_of(update, context, OfferSlots)
    if press is None:
        return ConversationHandler.END
    may = context.services.booking.may_offer(update.effective_user.id, press.match_id, context.role)
    allowed = await attempt(update, context, may)
    if allowed is None:
        return ConversationHandler.END  # not his (audited), the case moved on, or a craftsman with Telegram
    await query.answer()
    earlier = context.user_data.get("booking") or {}
    if earlier.get("match") == press.match_id and earlier.get("slots"):  # typed before the step was set aside
        tz = context.services.settings.tz
        slots = "、".join(show(datetime.fromisoformat(s), tz) for s in earlier["slots"])
        kept = context.t("aside.slots_kept", slots=slots)
        await update.effective_chat.send_message(kept + "\n\n" + context.t("booking.ask_place"))
        return PLACE
    context.user_data["booking"] = {"match": press.match_id}
    acting = (
        context.t("booking.ask_slots_for", name=allowed.values["name"]) + "\n\n" if allowed.values["acting"] else ""
    )
    await update.effective_chat.send_message(acting + ask_slots(context))
    return SLOTS


async def slots_text(update: Update, context: BotContext) -> str | int:
    """The slots typed, one a line: every line that cannot be used is named with its reason; while there is room
    for more slots those lines are asked again (the others kept), else the place is asked for."""
    text = (update.effective_message.text or "").strip()
    if await reject_too_long(update, context, text, 600):
        return SLOTS
    answers = context.user_data.setdefault("booking", {})
    if "match" not in answers:
        return ConversationHandler.END
    if says_enough(text):  # "就这两个吧，没别的了", 完成: the slots read so far
        return await _enough(update, context, answers)
    kept = [datetime.fromisoformat(s) for s in answers.get("kept") or []]
    booking, user_id = context.services.booking, update.effective_user.id
    reading = await booking.read_slots(user_id, answers["match"], text, kept, context.role)
    read = [read_line(context, slot) for slot in reading.read]
    unusable = [(slot.line, slot.refused) for slot in reading.unusable if slot.refused is not None]
    slots = [at.isoformat() for at in reading.slots]
    if reading.ask_again:  # the lines read are kept; only the others are asked again
        answers["kept"] = slots
        again = [unused(context, "everyday.slot_again", line, why) for line, why in unusable]
        count = context.t("everyday.slots_kept", count=len(slots))
        enough = InlineKeyboardButton(
            context.t("booking.slots_enough"), callback_data=SlotsEnough(answers["match"]).data()
        )
        await update.effective_message.reply_text(
            "\n\n".join([*again, "\n".join([*read, count])]),
            reply_markup=InlineKeyboardMarkup([[enough]]) if slots else None,
        )
        return SLOTS
    if not slots:
        answers.pop("kept", None)
        await update.effective_message.reply_text(ask_slots(context))
        return SLOTS
    answers["slots"] = slots
    answers.pop("kept", None)
    left_out = [unused(context, "booking.slot_unused", line, why) for line, why in unusable]
    if left_out:  # the offer is full: the lines left out are still named
        left_out.append(context.t("booking.slots_full", max=MAX_SLOTS))
    parts = ["\n".join(read), "\n\n".join(left_out), context.t("booking.ask_place")]
    await update.effective_message.reply_text("\n\n".join(part for part in parts if part))
    return PLACE


async def enough_pressed(update: Update, context: BotContext) -> str | int | None:
    """就这些 under the lines asked again: on with the slots read (a button of another offer: expired)."""
    press = await press_of(update, context, SlotsEnough)
    answers = context.user_data.get("booking") or {}
    if press is None:
        return None
    if press.match_id != answers.get("match") or not answers.get("kept"):
        await answer_stale(update, context)
        return None
    await update.callback_query.answer()
    await update.callback_query.edit_message_reply_markup(None)
    return await _enough(update, context, answers)


async def _enough(update: Update, context: BotContext, answers: dict) -> str:
    """The slots read so far are the offer: the place is asked for (none read yet: a time is asked for)."""
    kept = answers.pop("kept", None) or []
    if not kept:
        await update.effective_chat.send_message(context.t("booking.enough_none") + "\n\n" + ask_slots(context))
        return SLOTS
    answers["slots"] = kept
    await update.effective_chat.send_message(
        context.t("booking.enough_read", count=len(kept)) + "\n\n" + context.t("booking.ask_place")
    )
    return PLACE


def read_line(context: BotContext, slot: SlotLine) -> str:
    """A slot line read: the time it names, with the hour taken for a part of the day, a span's start taken, a
    time converted from the zone it was typed in, or a visit at night said plainly."""
    tz = context.services.settings.tz
    if slot.until is not None:
        key = "booking.slot_span_read"
    else:
        key = "everyday.read_assumed" if slot.assumed else "everyday.read"
    hour = slot.assumed.strftime("%H:%M") if slot.assumed else ""
    text = context.t(key, value=slot.line, when=show(slot.at, tz), hour=hour, until=show(slot.until, tz))
    if slot.zone is not None:
        text += context.t("booking.slot_zone", zone=slot.zone)
    return text + "\n" + context.t("booking.slot_at_night") if slot.night else text


def unused(context: BotContext, key: str, line: str, why: Invalid) -> str:
    """A slot line not used, named (``key``: asked again, or left out) with its reason."""
    return context.t(key, line=line) + "\n" + context.t(why.key, **why.values)


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
            context.role,  # staff acting for a craftsman without Telegram (services/stand_in.py)
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


async def ask_other_times(update: Update, context: BotContext) -> None:
    """``AskOtherTimes``: no slot of the offer can be booked any more; the craftsman is asked for other times."""
    press = await press_of(update, context, AskOtherTimes)
    if press is None:
        return
    result = await attempt(
        update, context, context.services.booking.ask_other_times(update.effective_user.id, press.match_id)
    )
    if result is None:
        return
    await update.callback_query.answer()
    key = "booking.other_times_pending" if result.values["again"] else "booking.other_times_sent"
    await update.effective_chat.send_message(context.t(key))


async def cancel(update: Update, context: BotContext) -> None:
    query = update.callback_query
    press = await press_of(update, context, CancelAppointment)
    if press is None:
        return
    result = await attempt(
        update, context, context.services.booking.cancel(update.effective_user.id, press.appointment_id, context.role)
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
        update,
        context,
        context.services.booking.ask_reschedule(update.effective_user.id, press.appointment_id, context.role),
    )
    if result is None:
        return ConversationHandler.END
    await query.answer()
    if result.values["side"] == "craftsman":
        context.user_data["booking"] = {"match": result.match_id}
        await update.effective_chat.send_message(ask_slots(context))
        return SLOTS
    key = "booking.reschedule_pending" if result.values["again"] else "booking.reschedule_sent"
    await update.effective_chat.send_message(context.t(key))
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
            SLOTS: [
                CallbackQueryHandler(enough_pressed, pattern=SlotsEnough.pattern()),
                MessageHandler(text, slots_text),
                MessageHandler(~filters.COMMAND, expect_text),
            ],
            PLACE: [MessageHandler(text, place_text), MessageHandler(~filters.COMMAND, expect_text)],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of("booking"))],
        name="booking",
        persistent=True,
    )


def handlers() -> list:
    return [
        CallbackQueryHandler(pick, pattern=PickSlot.pattern()),
        CallbackQueryHandler(ask_other_times, pattern=AskOtherTimes.pattern()),
        CallbackQueryHandler(cancel, pattern=CancelAppointment.pattern()),
    ]
