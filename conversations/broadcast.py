"""Staff: /broadcast (群发) — choose the audience by combining filters, send the message (text with formatting,
or one photo or document with its caption), see it as recipients will and the exact number it goes to, then
send now or at a set time. /broadcast_cancel stops the rest; the report's button downloads the failures CSV.

The role is checked on every step and press, and the service checks it again; callback data only names choices.
/broadcast_cancel and the report's CSV button are in conversations/broadcast_control.py.
The audience menu is in conversations/broadcast_audience.py. The half-made broadcast is the ``broadcast`` form draft in the
database (conversations/form_draft.py): a restart resumes at the same step, and asks its question again.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from buttons.forms import BROADCAST_STEPS, BroadcastAnyRegion, BroadcastEdit, BroadcastStep
from conversations.broadcast_audience import (
    AUDIENCE,
    KEY,
    MENU_PRESSES,
    REGION,
    ask_region_filter,
    button,
    count_audience,
    draft_of,
    filters_of,
    pressed,
    region_any,
    region_picked,
    show_menu,
    staff_press,
    step,
    summary,
)
from conversations.common import (
    edit_message,
    expect_button,
    expect_text,
    reject_too_long,
)
from conversations.context import BotContext
from conversations.form_draft import Flow, Handler, Step, drafted, drop, restart
from conversations.refusals import answer_refusal, staff_gate
from conversations.region_picker import region_step_handlers
from services.broadcasts import MAX_CAPTION, MAX_TEXT, Content, broadcast_missing
from services.local_time import QuietHours, parse_moment, show, show_minutes
from services.results import Refused
from services.time_checks import example
from services.validation import Invalid

CONTENT, PREVIEW, WHEN = "broadcast.content", "broadcast.preview", "broadcast.when"
MAX_TIME = 40
EVENTS_SHOWN = 12


async def start(update: Update, context: BotContext) -> str | int:
    if not await staff_gate(update, context, "broadcast.start"):
        return ConversationHandler.END
    restart(KEY, {"filters": {}, "labels": {}})
    return await BROADCAST.go_on(update, context)


# ---------------------------------------------------------------------- the message, the preview, the time
def _question(key: str, state: str):
    async def ask(update: Update, context: BotContext) -> str:
        await update.effective_chat.send_message(context.t(key))
        return state

    return ask


async def audience_chosen(update: Update, context: BotContext) -> str | int:
    """下一步: the audience is chosen; then the message (or, when it is kept from before 修改对象, the preview)."""
    if not await staff_press(update, context):
        return ConversationHandler.END
    await update.callback_query.answer()
    draft_of(context)["audience"] = True
    return await BROADCAST.go_on(update, context)


def content_of(message: Message) -> Content | None:
    """Text with its formatting as HTML, or one photo or document with its caption; None for anything else."""
    if message.text:
        return Content(message.text_html)
    if message.photo:
        return Content(message.caption_html or "", "photo", message.photo[-1].file_id)
    if message.document:
        return Content(message.caption_html or "", "document", message.document.file_id)
    return None


async def content_received(update: Update, context: BotContext) -> str | int:
    if not await staff_gate(update, context, "broadcast.content"):
        drop(KEY)
        return ConversationHandler.END
    message = update.effective_message
    content = content_of(message)
    if content is None:
        await message.reply_text(context.t("broadcast.expect_content"))
        return CONTENT
    typed, limit = (message.text, MAX_TEXT) if message.text else (message.caption or "", MAX_CAPTION)
    if await reject_too_long(update, context, typed, limit):  # Telegram would refuse to deliver it
        return CONTENT
    draft = draft_of(context)
    draft["content"] = {"text": content.text, "file_kind": content.file_kind, "file_id": content.file_id}
    draft["send_at"] = None
    return await BROADCAST.go_on(update, context)


async def show_preview(update: Update, context: BotContext) -> str | int:
    """The message exactly as recipients get it, then the audience, the count and the buttons."""
    draft = draft_of(context)
    if "content" not in draft:  # asked again after a restart, the draft gone: its buttons would have nothing to send
        return PREVIEW
    count = await count_audience(update, context, draft)
    if count is None:
        return ConversationHandler.END
    content, chat = Content(**draft["content"]), update.effective_chat
    if content.file_kind is None:
        await chat.send_message(content.text)
    else:
        send = chat.send_photo if content.file_kind == "photo" else chat.send_document
        await send(content.file_id, caption=content.text or None)
    send_at = datetime.fromisoformat(draft["send_at"]) if draft.get("send_at") else None
    values = {"summary": await summary(update, context, draft), "count": f"{count:,}"}
    held = await context.services.broadcasts.held(
        update.effective_user.id, context.role, filters_of(draft), send_at or context.services.clock.now()
    )
    if send_at is None:
        text = context.t("broadcast.preview", **values)
        buttons = [
            [button(context, "send", step(BroadcastStep.SEND)), button(context, "later", step(BroadcastStep.LATER))]
        ]
    else:
        text = context.t("broadcast.preview_scheduled", time=show(send_at, context.services.settings.tz), **values)
        buttons = [[button(context, "send", step(BroadcastStep.SEND))]]
    if held:  # quiet hours hold their message until these end (services/broadcasts.py)
        quiet = QuietHours()
        text += "\n" + context.t(
            "broadcast.quiet_held", held=f"{held:,}", start=show_minutes(quiet.start), end=show_minutes(quiet.end)
        )
    buttons.append(
        [
            *BROADCAST.edit_buttons(context),  # ✏️ 内容
            button(context, "back", step(BroadcastStep.BACK)),  # 修改对象: the audience step's own edit button
            button(context, "quit", step(BroadcastStep.QUIT)),
        ]
    )
    await chat.send_message(text, reply_markup=InlineKeyboardMarkup(buttons))
    return PREVIEW


async def ask_time(update: Update, context: BotContext) -> str | int:
    if not await staff_press(update, context):
        return ConversationHandler.END
    await update.callback_query.answer()
    return await ask_when(update, context)


async def ask_when(update: Update, context: BotContext) -> str:
    """The send time, with an example still to come (a fixed one was soon past)."""
    await update.effective_chat.send_message(context.t("broadcast.ask_time", **_time_example(context)))
    return WHEN


def _time_example(context: BotContext) -> dict[str, str]:
    shown_at = example(context.services.clock.now(), context.services.settings.tz)["example_iso"]
    return {"example_iso": shown_at, "example_short": shown_at[5:]}


async def time_typed(update: Update, context: BotContext) -> str | int:
    text = (update.effective_message.text or "").strip()
    if await reject_too_long(update, context, text, MAX_TIME):
        return WHEN
    services = context.services
    now = services.clock.now()
    try:
        when = parse_moment(text, services.settings.tz, now, future=True).at
    except Invalid as exc:  # unreadable, ambiguous ("3点") or past: asked again with an example still to come
        await update.effective_message.reply_text(context.t(exc.key, **exc.values))
        return WHEN
    draft_of(context)["send_at"] = when.isoformat()
    return await BROADCAST.go_on(update, context)


async def send(update: Update, context: BotContext) -> str | int:
    """Write the broadcast; the progress message is edited live by the delivery task."""
    query = update.callback_query
    if not await staff_press(update, context):
        return ConversationHandler.END
    draft = draft_of(context)
    send_at = datetime.fromisoformat(draft["send_at"]) if draft.get("send_at") else None
    services = context.services
    if send_at is not None and send_at <= services.clock.now():
        await query.answer(context.t("broadcast.time_past"), show_alert=True)
        return await ask_when(update, context)
    if (await count_audience(update, context, draft)) == 0:
        await query.answer(context.t("broadcast.nobody"), show_alert=True)
        return PREVIEW
    try:
        broadcast = await services.broadcasts.create(
            update.effective_user.id, context.role, filters_of(draft), Content(**draft["content"]), send_at
        )
    except Refused as refused:  # not staff (any more), or her region changed to one the audience is outside
        await answer_refusal(update, context, refused)
        return ConversationHandler.END
    drop(KEY)
    await query.answer()
    await query.edit_message_reply_markup(None)
    if send_at is not None:
        text = context.t(
            "broadcast.scheduled",
            id=broadcast.id,
            time=show(send_at, services.settings.tz),
            count=f"{broadcast.total:,}",
        )
    else:
        text = context.t("broadcast.progress", id=broadcast.id, sent=0, total=f"{broadcast.total:,}", failed=0)
    progress = await update.effective_chat.send_message(text)
    await services.broadcasts.watch(broadcast.id, progress.chat_id, progress.message_id)
    return ConversationHandler.END


async def quit_(update: Update, context: BotContext) -> int:
    drop(KEY)
    await update.callback_query.answer()
    await edit_message(update, context.t("cancel.done"))
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    drop(KEY)
    await update.effective_message.reply_text(context.t("cancel.done"))
    return ConversationHandler.END


async def _staff(update: Update, context: BotContext) -> bool:
    return await staff_press(update, context)


def _pressed(callback: Handler, *steps: BroadcastStep) -> list[CallbackQueryHandler]:
    return [CallbackQueryHandler(drafted(KEY, callback), pattern=BROADCAST_STEPS[s].pattern()) for s in steps]


# /broadcast, declared once: the audience, the message, the time (only on 定时发送) and the preview as the summary
# card; what is still missing is the service's rule (services/broadcasts.py); every step and press is staff-checked
BROADCAST = Flow(
    form=KEY,
    steps=(
        Step(
            AUDIENCE,
            show_menu,
            (
                *_pressed(audience_chosen, BroadcastStep.NEXT),
                *_pressed(quit_, BroadcastStep.QUIT),
                *(CallbackQueryHandler(drafted(KEY, pressed), pattern=kind.pattern()) for kind in MENU_PRESSES),
                MessageHandler(~filters.COMMAND, expect_button),
            ),
            "audience",
            edit=BROADCAST_STEPS[BroadcastStep.BACK],  # 修改对象
            clears=("audience",),
        ),
        Step(
            REGION,
            ask_region_filter,
            (
                CallbackQueryHandler(drafted(KEY, region_any), pattern=BroadcastAnyRegion.pattern()),
                *region_step_handlers(drafted(KEY, region_picked)),
            ),
        ),
        Step(
            CONTENT,
            _question("broadcast.ask_content", CONTENT),
            (MessageHandler(~filters.COMMAND, drafted(KEY, content_received)),),  # text, photo, document
            "content",
            "broadcast.field.content",
        ),
        Step(
            WHEN,
            ask_when,
            (
                MessageHandler(filters.TEXT & ~filters.COMMAND, drafted(KEY, time_typed)),
                *_pressed(send, BroadcastStep.SEND),
                *_pressed(quit_, BroadcastStep.QUIT),
                MessageHandler(~filters.COMMAND, expect_text),
            ),
        ),
    ),
    summary=Step(
        PREVIEW,
        show_preview,
        (
            *_pressed(send, BroadcastStep.SEND),
            *_pressed(ask_time, BroadcastStep.LATER),
            *_pressed(quit_, BroadcastStep.QUIT),
            MessageHandler(~filters.COMMAND, expect_button),
        ),
    ),
    missing=broadcast_missing,
    edit=BroadcastEdit,
    guard=_staff,
)


def build() -> ConversationHandler:
    return ConversationHandler(
        entry_points=[CommandHandler("broadcast", drafted(KEY, start))],
        states=BROADCAST.states(),
        fallbacks=[CommandHandler("cancel", drafted(KEY, cancel))],
        name="broadcast",
        persistent=True,
    )
