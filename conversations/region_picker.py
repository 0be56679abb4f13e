"""The province → city → county step, reused by onboarding and /settings.

Buttons navigate by editing the same message; typing a place name searches. Returns the picked code to the
calling flow, which decides what to store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from buttons import any_of
from conversations.common import answer_stale, edit_message, expect_text, reject_too_long
from conversations.context import BotContext
from conversations.keyboards import REGION_ACTIONS, parse_region_data, region_keyboard, region_prompt, search_keyboard
from conversations.union import answer_union
from nlp.intent import is_union_service
from services.industry import MAX_TEXT
from services.typed_replies import no_place

MAX_QUERY = 30


def region_step_handlers(on_button: Callable[..., Awaitable[object]], registering: bool = False) -> list[BaseHandler]:
    """The handlers of a conversation state that waits for a region: buttons, a typed name, or a prompt;
    ``registering``: /start's last step (a question typed there is answered, then the region asked again)."""
    not_command = ~filters.COMMAND

    async def search(update: Update, context: BotContext) -> None:
        if not await _no_place(update, context, registering):
            await region_search(update, context)

    return [
        CallbackQueryHandler(on_button, pattern=any_of(*REGION_ACTIONS)),
        MessageHandler(filters.TEXT & not_command, search),
        MessageHandler(not_command, expect_text),
    ]


async def _no_place(update: Update, context: BotContext, registering: bool) -> bool:
    """Text that is plainly no place name (services/typed_replies.py no_place) is not searched for: a union matter
    is answered, anything else is told it was not taken for a place; the region is asked for again (at /start with
    the picker: registration has one step left). True when the text was so answered."""
    text = (update.effective_message.text or "").strip()
    analysis = context.services.analyzer.analyse(text[:MAX_TEXT])
    # past MAX_QUERY only a question or a union matter is taken aside: anything else is told it is too long
    found = len(text) > MAX_QUERY or bool(context.services.regions.search(text))
    if not no_place(text, analysis.intent, found):
        return False
    if is_union_service(analysis.intent):
        await answer_union(update, context, analysis)
    else:
        await update.effective_message.reply_text(context.t("region.not_a_place"))
    if registering:
        await ask_region(update, context, lead=context.t("region.registration_left"))
    else:
        await update.effective_message.reply_text(context.t("region.pick_above"))
    return True


async def ask_region(
    update: Update,
    context: BotContext,
    parent: str | None = None,
    question: str = "region.ask_province",
    stop_at: str | None = None,
    lead: str | None = None,
) -> None:
    """The picker at ``parent`` (the provinces for None), headed by ``question`` there (a catalogue key: the
    user's own province by default; a flow choosing some other place says what it is for); ``stop_at`` the level
    places are picked at (keyboards.region_keyboard); ``lead``: a line before the question."""
    regions = context.services.regions
    prompt = region_prompt(regions, parent, context.lang, question)
    await update.effective_chat.send_message(
        f"{lead}\n\n{prompt}" if lead else prompt,
        reply_markup=region_keyboard(regions, parent, context.lang, stop_at=stop_at),
    )


async def region_button(
    update: Update, context: BotContext, question: str = "region.ask_province", stop_at: str | None = None
) -> str | None:
    """Handle a region-picker button: navigate (returns None) or pick (returns the region code); ``question`` and
    ``stop_at`` as for :func:`ask_region`."""
    query = update.callback_query
    regions = context.services.regions
    step = parse_region_data(regions, query.data)
    if step is None:
        await answer_stale(update, context)
        return None
    await query.answer()
    if step.action == "pick":
        await query.edit_message_reply_markup(None)
        return step.code
    await edit_message(
        update,
        region_prompt(regions, step.code, context.lang, question),
        region_keyboard(regions, step.code, context.lang, step.page, stop_at),
    )
    return None


async def region_search(update: Update, context: BotContext) -> None:
    """A typed place name: offer the matches as buttons."""
    text = (update.effective_message.text or "").strip()
    if await reject_too_long(update, context, text, MAX_QUERY):
        return
    regions = context.services.regions

    matches = regions.search(text)  # either script, pinyin, or a zone's name (services/regions.py)
    if not matches:
        await update.effective_message.reply_text(
            context.t("region.search_none", query=text), reply_markup=region_keyboard(regions, None, context.lang)
        )
        return
    zone = regions.zone(text)
    if regions.shared(text):  # 大埔: Hong Kong's and 梅州's, neither asserted
        heading = context.t("region.search_shared", query=text)
    elif zone is None:
        heading = context.t("region.search_results")
    elif zone.kind == "zone":
        heading = context.t("region.search_zone", query=text)
    else:  # 高雄, Kaohsiung: GB/T 2260 lists 台湾省 (香港, 澳门) undivided, so the one button is the province
        sep = ", " if context.lang == "en" else "、"
        places = sep.join(regions.name(c, context.lang) for c in zone.codes if regions.get(c))
        heading = context.t("region.search_place", query=text, places=places)
    await update.effective_message.reply_text(heading, reply_markup=search_keyboard(regions, matches, context.lang))
