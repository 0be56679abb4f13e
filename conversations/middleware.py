"""Cross-cutting concerns in one place, run before every handler (group -1): flood guard, what was typed cleaned of
invisible characters (i18n.shown: the one rule), who the user is, and which language and script to answer in (the
rule is services/language.py)."""

from __future__ import annotations

import logging

from telegram import Message, MessageEntity, Update
from telegram.ext import ApplicationHandlerStop, InvalidCallbackData

from conversations.common import answer_stale
from conversations.context import JUST_ASKED, BotContext, answer_lang
from db.models import Lang
from i18n import shown
from nlp.script import script_of
from services.language import MEMORY_KEY, answer_language, remember

log = logging.getLogger(__name__)
MAX_TEXT = 4096
RESUMED = "resumed"  # user_data: {conversation: the step whose question was asked again after a restart} (resume.py)


def _typed_text(update: Update) -> str:
    message = update.effective_message
    if update.callback_query is not None or message is None:
        return ""
    return message.text or message.caption or ""


async def identify(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    services = context.services
    verdict = context.bot_data["flood_verdict"](user.id, update.update_id)  # given on arrival (runtime/flood.py)
    if verdict != "allow":
        log.info("flood guard dropped an update", extra={"user_id": user.id, "update_id": update.update_id})
        if verdict == "warn":
            context.lang = _unread_lang(context, user.language_code)
            if update.callback_query:
                await update.callback_query.answer(context.t("flood.slow_down"), show_alert=True)
            elif update.effective_message:
                await update.effective_message.reply_text(context.t("flood.slow_down"))
        raise ApplicationHandlerStop
    if update.callback_query is not None and isinstance(update.callback_query.data, InvalidCallbackData):
        await refuse_forged(update, context)
        raise ApplicationHandlerStop
    typed_message = update.message or update.edited_message
    visible = clean_typed(typed_message)
    profile = await services.users.seen(user.id, user.username, user.first_name, user.last_name, user.language_code)
    previous, typed = context.user_data.get(MEMORY_KEY, ""), _typed_text(update)
    history = remember(previous, typed[:MAX_TEXT]) if typed else previous
    if history != previous:
        context.user_data[MEMORY_KEY] = history  # a few letters, one per text: the script it was in
    lang = answer_lang(profile, user.language_code, context.user_data)
    if profile is None or not profile.lang_chosen:
        script = Lang(script_of(lang).value)
        if profile is not None and profile.lang is not script:
            profile = await services.users.set_lang(user.id, script)  # what notices sent later are written in
    context.profile = profile
    context.lang = lang
    context.just_asked = context.user_data.pop(JUST_ASKED, None)  # only the very next update may add to it
    if not visible and typed_message is not None:  # invisible characters only: refused like an empty text
        await typed_message.reply_text(context.t("input.invisible_only"))
        raise ApplicationHandlerStop
    if RESUMED in context.user_data:  # they are back: a later restart may ask their pending question again
        del context.user_data[RESUMED]


def clean_typed(message: Message | None) -> bool:
    """Take from ``message``'s text and caption the invisible characters (direction controls, zero-width characters,
    C0 controls …: i18n.shown) before any handler reads them, so no stored text holds them; its entities move with
    the text. False when a text had nothing else (a caption of nothing else is dropped: a photo without one)."""
    if message is None:
        return True
    visible = True
    for field, entities_field in (("text", "entities"), ("caption", "caption_entities")):
        typed = getattr(message, field)
        if not typed or shown(typed) == typed:
            continue
        kept, entities = _without_invisible(typed, getattr(message, entities_field))
        if not kept.strip():
            entities = ()
            visible = visible and field == "caption"
        with message._unfrozen():
            setattr(message, field, kept if kept.strip() else ("" if field == "text" else None))
            setattr(message, entities_field, entities)
    return visible


def _without_invisible(typed: str, entities: tuple[MessageEntity, ...]) -> tuple[str, tuple[MessageEntity, ...]]:
    """``typed`` cleaned, and its entities (offsets in UTF-16 units) moved back past the characters taken out."""
    kept = shown(typed)
    cuts: list[int] = []  # the UTF-16 offsets of the characters taken out (all in the BMP: one unit each)
    at, position = 0, 0
    for char in typed:
        if at < len(kept) and kept[at] == char:
            at += 1
        else:
            cuts.append(position)
        position += 2 if ord(char) > 0xFFFF else 1

    def moved(offset: int) -> int:
        return offset - sum(1 for cut in cuts if cut < offset)

    placed = []
    for entity in entities:
        start, end = moved(entity.offset), moved(entity.offset + entity.length)
        if end > start:
            with entity._unfrozen():
                entity.offset, entity.length = start, end - start
            placed.append(entity)
    return kept, tuple(placed)


def _unread_lang(context: BotContext, language_code: str | None) -> str:
    """The language to answer in without reading the database (a flood warning, a forged button): the rule over
    language_code and what was typed, without the /settings choice."""
    return answer_language(None, language_code, context.user_data.get(MEMORY_KEY, ""))


async def refuse_forged(update: Update, context: BotContext) -> None:
    """A press whose data this bot did not write for this chat (runtime/signing.py marks it): written to the audit log as a refusal, then
    answered like a stale button."""
    query = update.callback_query
    context.lang = _unread_lang(context, update.effective_user.language_code)
    await context.services.audit.record(update.effective_user.id, "button.forged", str(query.data)[:64], allowed=False)
    await answer_stale(update, context)
