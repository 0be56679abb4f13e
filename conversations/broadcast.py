"""Staff: /broadcast (群发) — choose the audience by combining filters, send the message (text with formatting,
or one photo or document with its caption), see it as recipients will and the exact number it goes to, then
send now or at a set time. /broadcast_cancel stops the rest; the report's button downloads the failures CSV.

The role is checked on every step and press, and the service checks it again; callback data only names choices.
/broadcast_cancel and the report's CSV button are in conversations/broadcast_control.py.
The half-made broadcast lives in ``user_data["broadcast"]`` (persisted: a restart resumes at the same step).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from conversations.common import (answer_stale, cancel_flow_of, edit_message, expect_button, expect_text,
                                  refuse_non_staff, reject_too_long, tell_staff_only)
from conversations.context import BotContext
from conversations.keyboards import rows
from conversations.region_picker import ask_region, region_button, region_step_handlers
from db.models import Role
from i18n import localise
from nlp.industry import catalogue
from services.audience import Filters
from services.audit import NotStaff
from services.broadcasts import Content
from services.local_time import parse_moment, show
from services.validation import Invalid

AUDIENCE, REGION, CONTENT, PREVIEW, WHEN = ("broadcast.audience", "broadcast.region", "broadcast.content",
                                            "broadcast.preview", "broadcast.when")
KEY = "broadcast"
ROLES = (Role.WORKER, Role.CRAFTSMAN, Role.ENTERPRISE, Role.STAFF)
MAX_TIME = 40
EVENTS_SHOWN = 12


def _draft(context: BotContext) -> dict[str, Any]:
    return context.user_data.setdefault(KEY, {"filters": {}, "labels": {}})


def _filters(draft: dict[str, Any]) -> Filters:
    return Filters.from_json(draft["filters"])


def summary(context: BotContext, draft: dict[str, Any]) -> str:
    """The audience in words: '身份：职工；地区：江苏省苏州市'."""
    f, labels = _filters(draft), draft["labels"]
    parts = []
    if f.roles:
        roles = context.label("list.items").join(context.t(f"role.{r}") for r in f.roles)
        parts.append(context.t("broadcast.summary.roles", value=roles))
    if f.region:
        parts.append(context.t("broadcast.summary.region",
                               value=localise(context.services.regions.full_name(f.region) or f.region, context.lang)))
    if f.section:
        parts.append(context.t("broadcast.summary.section",
                               value=localise(f"{f.section} {catalogue().sections[f.section].name}", context.lang)))
    for name in ("competition", "course"):
        if draft["filters"].get(f"{name}_id") is not None:
            parts.append(context.t(f"broadcast.summary.{name}", value=labels.get(name, "")))  # a title as typed
    return context.label("list.clauses").join(parts) if parts else context.t("broadcast.summary.everyone")


async def _count(update: Update, context: BotContext, draft: dict[str, Any]) -> int | None:
    try:
        return await context.services.broadcasts.count(update.effective_user.id, context.role, _filters(draft))
    except NotStaff:
        await tell_staff_only(update, context)
        return None


def _button(context: BotContext, key: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(context.label(f"broadcast.button.{key}"), callback_data=data)


async def show_menu(update: Update, context: BotContext, edit: bool = False) -> str | int:
    draft = _draft(context)
    count = await _count(update, context, draft)
    if count is None:
        return ConversationHandler.END
    text = context.t("broadcast.audience", summary=summary(context, draft), count=f"{count:,}")
    markup = InlineKeyboardMarkup([
        [_button(context, "role", "bc:m:role"), _button(context, "region", "bc:m:region")],
        [_button(context, "section", "bc:m:section"), _button(context, "competition", "bc:m:competition")],
        [_button(context, "course", "bc:m:course"), _button(context, "clear", "bc:clear")],
        [_button(context, "next", "bc:next")], [_button(context, "quit", "bc:quit")]])
    if edit and update.callback_query is not None:
        await edit_message(update, text, markup)
    else:
        await update.effective_chat.send_message(text, reply_markup=markup)
    return AUDIENCE


async def start(update: Update, context: BotContext) -> str | int:
    if not context.is_staff:
        await refuse_non_staff(update, context, "broadcast.start")
        return ConversationHandler.END
    context.user_data[KEY] = {"filters": {}, "labels": {}}
    return await show_menu(update, context)


async def refuse_or_stale(update: Update, context: BotContext) -> None:
    """A broadcast button that cannot act: refused (and logged) for non-staff, stale for staff."""
    if not context.is_staff:
        await refuse_non_staff(update, context, "broadcast.press", update.callback_query.data)
    else:
        await answer_stale(update, context)


async def _staff_press(update: Update, context: BotContext) -> bool:
    """Every press is checked: a non-staff user (a revoked staffer's old message) is refused and logged."""
    if context.is_staff and KEY in context.user_data:
        return True
    await refuse_or_stale(update, context)
    return False


async def pressed(update: Update, context: BotContext) -> str | int:
    """The audience menu and its sub-menus: ``bc:m:<menu>``, ``bc:<filter>:<value>``, ``bc:clear``."""
    query = update.callback_query
    if not await _staff_press(update, context):
        return ConversationHandler.END
    draft, data = _draft(context), (query.data or "").split(":")
    filters_ = draft["filters"]
    if data[1] == "m":
        return await _submenu(update, context, data[2] if len(data) > 2 else "")
    await query.answer()
    value = data[2] if len(data) > 2 else ""
    if data[1] == "clear":
        draft["filters"], draft["labels"] = {}, {}
    elif data[1] == "role":
        if value == "done":
            return await show_menu(update, context, edit=True)
        roles = set(filters_.get("roles") or [])
        if value in {r.value for r in ROLES}:
            roles ^= {value}
        filters_["roles"] = sorted(roles)
        return await _role_menu(update, context)
    elif data[1] == "section":
        filters_["section"] = value if value in catalogue().sections else None
    elif data[1] in ("competition", "course"):
        return await _pick_event(update, context, data[1], value)
    return await show_menu(update, context, edit=True)


async def _submenu(update: Update, context: BotContext, menu: str) -> str | int:
    query = update.callback_query
    any_button = lambda name: _button(context, "any", f"bc:{name}:any")  # noqa: E731
    if menu == "role":
        await query.answer()
        return await _role_menu(update, context)
    if menu == "region":
        await query.answer()
        await update.effective_chat.send_message(context.t("broadcast.pick_region"),
                                                 reply_markup=InlineKeyboardMarkup([[any_button("region")]]))
        await ask_region(update, context)
        return REGION
    if menu == "section":
        await query.answer()
        sections = catalogue().sections.values()
        buttons = [InlineKeyboardButton(localise(f"{s.code} {s.name}", context.lang)[:40], callback_data=f"bc:section:{s.code}")
                   for s in sections]
        await edit_message(update, context.t("broadcast.pick_section"),
                           InlineKeyboardMarkup(rows(buttons, 2) + [[any_button("section")]]))
        return AUDIENCE
    if menu in ("competition", "course"):
        events = await _events(update, context, menu)
        if not events:
            await query.answer(context.t("broadcast.no_events"), show_alert=True)
            return AUDIENCE
        await query.answer()
        buttons = [[InlineKeyboardButton(name[:60], callback_data=f"bc:{menu}:{event_id}")]
                   for event_id, name in events]
        await edit_message(update, context.t(f"broadcast.pick_{menu}"), InlineKeyboardMarkup(buttons + [[any_button(menu)]]))
        return AUDIENCE
    await answer_stale(update, context)
    return AUDIENCE


async def _role_menu(update: Update, context: BotContext) -> str:
    chosen = _draft(context)["filters"].get("roles") or []
    buttons = [InlineKeyboardButton(("✅ " if r.value in chosen else "▫️ ") + context.label(f"role.{r.value}"),
                                    callback_data=f"bc:role:{r.value}") for r in ROLES]
    await edit_message(update, context.t("broadcast.pick_roles"),
                       InlineKeyboardMarkup(rows(buttons, 2) + [[_button(context, "done", "bc:role:done")]]))
    return AUDIENCE


async def _events(update: Update, context: BotContext, kind: str) -> list[tuple[int, str]]:
    services, user_id = context.services, update.effective_user.id
    if kind == "competition":
        listing = await services.competitions.listing(user_id, None, is_staff=True)
        return [(c.id, c.name) for c in listing.competitions[:EVENTS_SHOWN]]
    cards = await services.courses.cards(user_id, is_staff=True)
    return [(card.course.id, card.course.name) for card in cards[:EVENTS_SHOWN]]


async def _pick_event(update: Update, context: BotContext, kind: str, value: str) -> str | int:
    draft = _draft(context)
    draft["filters"][f"{kind}_id"] = None
    draft["labels"].pop(kind, None)
    if value.isdigit():
        names = dict(await _events(update, context, kind))
        if int(value) in names:
            draft["filters"][f"{kind}_id"] = int(value)
            draft["labels"][kind] = names[int(value)]
    return await show_menu(update, context, edit=True)


async def region_picked(update: Update, context: BotContext) -> str | int:
    if not await _staff_press(update, context):
        return ConversationHandler.END
    code = await region_button(update, context)
    if code is None:
        return REGION
    _draft(context)["filters"]["region"] = code
    return await show_menu(update, context)


async def region_any(update: Update, context: BotContext) -> str | int:
    if not await _staff_press(update, context):
        return ConversationHandler.END
    await update.callback_query.answer()
    _draft(context)["filters"]["region"] = None
    return await show_menu(update, context)


# ---------------------------------------------------------------------- the message, the preview, the time
async def _ask(update: Update, context: BotContext, key: str, state: str) -> str | int:
    """A pressed button that asks for typed input."""
    if not await _staff_press(update, context):
        return ConversationHandler.END
    await update.callback_query.answer()
    await update.effective_chat.send_message(context.t(key))
    return state


async def ask_content(update: Update, context: BotContext) -> str | int:
    return await _ask(update, context, "broadcast.ask_content", CONTENT)


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
    if not context.is_staff:
        await refuse_non_staff(update, context, "broadcast.content")
        context.user_data.pop(KEY, None)
        return ConversationHandler.END
    content = content_of(update.effective_message)
    if content is None:
        await update.effective_message.reply_text(context.t("broadcast.expect_content"))
        return CONTENT
    draft = _draft(context)
    draft["content"] = {"text": content.text, "file_kind": content.file_kind, "file_id": content.file_id}
    draft["send_at"] = None
    return await show_preview(update, context)


async def show_preview(update: Update, context: BotContext) -> str | int:
    """The message exactly as recipients get it, then the audience, the count and the buttons."""
    draft = _draft(context)
    count = await _count(update, context, draft)
    if count is None:
        return ConversationHandler.END
    content, chat = Content(**draft["content"]), update.effective_chat
    if content.file_kind is None:
        await chat.send_message(content.text)
    else:
        send = chat.send_photo if content.file_kind == "photo" else chat.send_document
        await send(content.file_id, caption=content.text or None)
    send_at = datetime.fromisoformat(draft["send_at"]) if draft.get("send_at") else None
    values = {"summary": summary(context, draft), "count": f"{count:,}"}
    if send_at is None:
        text = context.t("broadcast.preview", **values)
        buttons = [[_button(context, "send", "bc:send"), _button(context, "later", "bc:later")]]
    else:
        text = context.t("broadcast.preview_scheduled", time=show(send_at, context.services.settings.tz), **values)
        buttons = [[_button(context, "send", "bc:send")]]
    buttons.append([_button(context, "back", "bc:back"), _button(context, "quit", "bc:quit")])
    await chat.send_message(text, reply_markup=InlineKeyboardMarkup(buttons))
    return PREVIEW


async def ask_time(update: Update, context: BotContext) -> str | int:
    return await _ask(update, context, "broadcast.ask_time", WHEN)


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
    _draft(context)["send_at"] = when.isoformat()
    return await show_preview(update, context)


async def back_to_audience(update: Update, context: BotContext) -> str | int:
    if not await _staff_press(update, context):
        return ConversationHandler.END
    await update.callback_query.answer()
    return await show_menu(update, context)


async def send(update: Update, context: BotContext) -> str | int:
    """Write the broadcast; the progress message is edited live by the delivery task."""
    query = update.callback_query
    if not await _staff_press(update, context):
        return ConversationHandler.END
    draft = _draft(context)
    send_at = datetime.fromisoformat(draft["send_at"]) if draft.get("send_at") else None
    services = context.services
    if send_at is not None and send_at <= services.clock.now():
        await query.answer(context.t("broadcast.time_past"), show_alert=True)
        await update.effective_chat.send_message(context.t("broadcast.ask_time"))
        return WHEN
    if (await _count(update, context, draft)) == 0:
        await query.answer(context.t("broadcast.nobody"), show_alert=True)
        return PREVIEW
    try:
        broadcast = await services.broadcasts.create(update.effective_user.id, context.role, _filters(draft),
                                                     Content(**draft["content"]), send_at)
    except NotStaff:
        await tell_staff_only(update, context)
        return ConversationHandler.END
    context.user_data.pop(KEY, None)
    await query.answer()
    await query.edit_message_reply_markup(None)
    if send_at is not None:
        text = context.t("broadcast.scheduled", id=broadcast.id, time=show(send_at, services.settings.tz),
                         count=f"{broadcast.total:,}")
    else:
        text = context.t("broadcast.progress", id=broadcast.id, sent=0, total=f"{broadcast.total:,}", failed=0)
    progress = await update.effective_chat.send_message(text)
    await services.broadcasts.watch(broadcast.id, progress.chat_id, progress.message_id)
    return ConversationHandler.END


async def quit_(update: Update, context: BotContext) -> int:
    context.user_data.pop(KEY, None)
    await update.callback_query.answer()
    await edit_message(update, context.t("cancel.done"))
    return ConversationHandler.END


def build() -> ConversationHandler:
    not_command = ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CommandHandler("broadcast", start)],
        states={
            AUDIENCE: [CallbackQueryHandler(ask_content, pattern=r"^bc:next$"),
                       CallbackQueryHandler(quit_, pattern=r"^bc:quit$"),
                       CallbackQueryHandler(pressed, pattern=r"^bc:(m|clear|role|section|competition|course)(:|$)"),
                       MessageHandler(not_command, expect_button)],
            REGION: [CallbackQueryHandler(region_any, pattern=r"^bc:region:any$"), *region_step_handlers(region_picked)],
            CONTENT: [MessageHandler(not_command, content_received)],  # text, photo, document; else asks again
            PREVIEW: [CallbackQueryHandler(send, pattern=r"^bc:send$"),
                      CallbackQueryHandler(ask_time, pattern=r"^bc:later$"),
                      CallbackQueryHandler(back_to_audience, pattern=r"^bc:back$"),
                      CallbackQueryHandler(quit_, pattern=r"^bc:quit$"),
                      MessageHandler(not_command, expect_button)],
            WHEN: [MessageHandler(filters.TEXT & not_command, time_typed),
                   CallbackQueryHandler(send, pattern=r"^bc:send$"),
                   CallbackQueryHandler(quit_, pattern=r"^bc:quit$"),
                   MessageHandler(not_command, expect_text)],
        },
        fallbacks=[CommandHandler("cancel", cancel_flow_of(KEY))],
        name="broadcast",
        persistent=True,
    )
