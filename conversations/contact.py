"""The phone step shared by /report and /join: Telegram's "share contact" button, or a number typed by hand."""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update

from conversations.context import BotContext
from services.validation import Invalid, phone, phone_region


async def ask_phone(update: Update, context: BotContext, key: str = "contact.ask_phone") -> None:
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton(context.t("contact.share"), request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    await update.effective_chat.send_message(context.t(key), reply_markup=keyboard)


async def read_phone(update: Update, context: BotContext) -> str | None:
    """The number the user shared (their own contact only) or typed (a local number read by the user's region when
    it is 台湾, 香港 or 澳门); None after explaining what is wrong."""
    message = update.effective_message
    if message.contact is not None:
        if message.contact.user_id not in (None, update.effective_user.id):
            await message.reply_text(context.t("contact.not_own"))
            return None
        raw = message.contact.phone_number
    else:
        raw = message.text or ""
    try:
        number = phone(raw, phone_region(context.profile.region_code if context.profile else None))
    except Invalid as exc:
        await message.reply_text(context.t(exc.key, **exc.values))
        return None
    await message.reply_text(context.t("contact.saved", phone=number), reply_markup=ReplyKeyboardRemove())
    return number
