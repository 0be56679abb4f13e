"""Cross-cutting concerns in one place, run before every handler (group -1): flood guard, who the user is,
and which language and script to answer in."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop, InvalidCallbackData

from conversations.common import answer_stale
from conversations.context import BotContext
from db.models import Lang
from nlp.script import detect_script, script_for_language_code
from services.flood import Verdict

log = logging.getLogger(__name__)
MAX_TEXT = 4096


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
    verdict = services.flood.verdict(user.id, update.update_id)  # given on arrival (runtime/processor.py)
    if verdict is not Verdict.ALLOW:
        log.info("flood guard dropped an update", extra={"user_id": user.id, "update_id": update.update_id})
        if verdict is Verdict.WARN:
            context.lang = context.user_data.get("lang") or script_for_language_code(user.language_code).value
            if update.callback_query:
                await update.callback_query.answer(context.t("flood.slow_down"), show_alert=True)
            elif update.effective_message:
                await update.effective_message.reply_text(context.t("flood.slow_down"))
        raise ApplicationHandlerStop
    if update.callback_query is not None and isinstance(update.callback_query.data, InvalidCallbackData):
        await refuse_forged(update, context)
        raise ApplicationHandlerStop
    profile = await services.users.seen(user.id, user.username, user.first_name, user.last_name)
    detected = detect_script(_typed_text(update)[:MAX_TEXT])
    if detected is not None:
        lang = detected.value
        if profile is not None and profile.lang.value != lang:
            profile = await services.users.set_lang(user.id, Lang(lang))
    elif profile is not None:
        lang = profile.lang.value
    else:
        lang = context.user_data.get("lang") or script_for_language_code(user.language_code).value
    if profile is None and context.user_data.get("lang") != lang:
        context.user_data["lang"] = lang  # conversation memory until consent; nothing personal
    context.profile = profile
    context.lang = lang


async def refuse_forged(update: Update, context: BotContext) -> None:
    """A press whose data this bot did not write for this chat (runtime/signing.py marks it): written to the audit log as a refusal, then
    answered like a stale button."""
    query = update.callback_query
    context.lang = context.user_data.get("lang") or script_for_language_code(update.effective_user.language_code).value
    await context.services.audit.record(update.effective_user.id, "button.forged", str(query.data)[:64], allowed=False)
    await answer_stale(update, context)
