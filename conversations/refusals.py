"""The one place a service's refusal becomes words: ``Refused(reason, **values)`` (services/results.py) to a
catalogue message in the user's language, answered as an alert for a button and as a reply for a message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from telegram import Update

from conversations.context import BotContext
from i18n import catalogue
from services.industry import division_label
from services.results import BY_HAND, Reason, Refused
from services.statistics import EVERYWHERE

CASE, DEMAND, REVIEW, STATS, TEAMS, ADMINS = "case", "demand", "review", "stats", "teams", "admins"  # families
CONSULTATION, ASK = "consultation", "consultation.ask"  # staff answering or closing one; a member filing one
FOLLOW_UP = "consultation.follow_up"  # a member answering staff's reply (回复工会)
BOARD = "board"  # a craftsman's 揭榜: the case family's words, but his own capacity in his words
EVENT, PUBLISH = "event", "event.publish"  # changing or cancelling a course or competition; publishing one
LINK, SETTINGS = "link", "settings"  # deciding an enterprise link; a staffer's own region in /settings
INDUSTRY = "industry"  # a press of the industry step (conversations/industry_step.py)
BROADCAST = "broadcast"  # stopping a broadcast of someone else's region
AUDIT, EXPORT = "audit", "export"  # /audit of someone of another region; /export of a region outside one's own
STAFF_REGION = "staff_region"  # /staff_region (admins): ADMINS' refusals, and why a region has nothing to change
SHARED = {Reason.NOT_STAFF: "staff.only"}  # the same words whatever was asked
FAMILY_KEYS = {
    STATS: {Reason.NOT_STAFF: "stats.only"},
    ADMINS: {  # /grant and /revoke: their refusals, and why there is nothing to confirm or apply
        Reason.NOT_STAFF: "staff.admins_only",
        Reason.NOT_FOUND: "staff.change.unknown",
        Reason.ALREADY: "staff.change.already",
        Reason.ADMIN: "staff.change.admin",
        Reason.STALE: "button.stale",  # the person's role changed after the confirmation was shown
    },
    TEAMS: {Reason.ALREADY: "teams.exists", Reason.OUT_OF_REGION: "teams.other_region"},
    REVIEW: {
        Reason.NOT_FOUND: "button.stale",
        Reason.ALREADY: "review.already",
        Reason.OUT_OF_REGION: "review.other_region",
    },
    CONSULTATION: {
        Reason.STALE: "union.not_open",
        Reason.NOT_FOUND: "case.refused.not_found",
        Reason.OUT_OF_REGION: "union.refused.out_of_region",  # another region's member: in the words of a question
    },
    ASK: {Reason.NOT_FOUND: "union.ask_unknown", Reason.NOT_YOURS: "union.ask_unknown"},
    FOLLOW_UP: {
        Reason.NOT_FOUND: "union.ask_unknown",
        Reason.NOT_YOURS: "union.ask_unknown",
        Reason.STALE: "union.ask_closed",  # ended by staff: write again for a new question
    },
    BOARD: {Reason.FULL: "board.refused.full"},
    EVENT: {Reason.OUT_OF_REGION: "event.refused.out_of_region"},  # another region's event, or a nationwide one
    PUBLISH: {Reason.OUT_OF_REGION: "event.region_outside"},  # for a region outside the staffer's: choose again
    LINK: {Reason.OUT_OF_REGION: "link.out_of_region"},  # another region's enterprise
    SETTINGS: {Reason.OUT_OF_REGION: "settings.region_by_admin"},  # where staff work is set by an administrator
    BROADCAST: {Reason.OUT_OF_REGION: "broadcast.refused.out_of_region"},
    AUDIT: {Reason.OUT_OF_REGION: "audit.other_region"},
    EXPORT: {Reason.OUT_OF_REGION: "export.refused.out_of_region"},
    INDUSTRY: {
        Reason.NOT_FOUND: "button.stale",
        Reason.NOT_YOURS: "industry.not_yours",
        Reason.ALREADY: "industry.already",
        Reason.STALE: "button.stale",  # a flow's question it no longer waits for (a newer one was answered)
    },
}
FAMILY_KEYS[STAFF_REGION] = {
    **FAMILY_KEYS[ADMINS],
    Reason.NOT_A_STAFFER: "staff_region.not_staff",
    Reason.ADMIN: "staff_region.admin",  # admins work on every region: theirs is not set
    Reason.ALREADY: "staff_region.already",
}
FALLBACK = {
    BOARD: CASE,
    BROADCAST: CASE,
    AUDIT: CASE,
    EXPORT: CASE,
    EVENT: CASE,
    PUBLISH: CASE,
    LINK: CASE,
    SETTINGS: CASE,
}  # a family that says only some refusals its own way: the others as this one says them


def refusal_key(reason: Reason, about: str = CASE, role: str | None = None) -> str:
    """The catalogue key for ``reason`` in the family ``about`` (a family in FALLBACK says the rest as that one
    does): its words for the reader's ``role`` (``<key>_<role>``, e.g. stats.only_enterprise) where the catalogue
    has them."""
    own = FAMILY_KEYS.get(about, {}).get(reason) or SHARED.get(reason)
    key = own or f"{FALLBACK.get(about, about)}.refused.{reason.value}"
    return f"{key}_{role}" if role and f"{key}_{role}" in catalogue() else key


Words = Callable[[BotContext, Any], str]
VALUE_WORDS: dict[str, dict[str, Words]] = {  # values said in words in the reader's language
    REVIEW: {"status": lambda context, status: context.t(f"review.status.{status}")},
    INDUSTRY: {"division": lambda context, code: division_label(code, context.lang)},
    TEAMS: {"own": lambda context, code: context.services.regions.full_name(code, context.lang)},
    EXPORT: {
        "region": lambda context, code: (
            context.t("stats.everywhere")
            if code == EVERYWHERE
            else context.services.regions.full_name(code, context.lang)
        ),
        "own": lambda context, code: context.services.regions.full_name(code, context.lang),
    },
}


def refusal_text(context: BotContext, refused: Refused, about: str = CASE) -> str:
    """Why the action did not happen, in the user's language (with the values the message names)."""
    words = VALUE_WORDS.get(about, {})
    values = {name: words[name](context, value) if name in words else value for name, value in refused.values.items()}
    role = context.role.value if context.role else None
    return context.t(refusal_key(refused.reason, about, role), **values)


async def answer_refusal(update: Update, context: BotContext, refused: Refused, about: str = CASE) -> None:
    """Tell the user: an alert for a button (a message instead when staff must act by hand: a phone number to keep,
    said once), a reply otherwise."""
    text = refusal_text(context, refused, about)
    if update.callback_query is not None:
        if refused.reason in BY_HAND:
            await update.callback_query.answer()
            await update.effective_chat.send_message(text)
        else:
            await update.callback_query.answer(text[:200], show_alert=True)
    else:
        await update.effective_message.reply_text(text)


T = TypeVar("T")


async def attempt(update: Update, context: BotContext, action: Awaitable[T], about: str = CASE) -> T | None:
    """What the service's ``action`` answers when done; None once its refusal is answered to the user."""
    try:
        return await action
    except Refused as refused:
        await answer_refusal(update, context, refused, about)
        return None


async def staff_gate(
    update: Update, context: BotContext, action: str, target: str | None = None, about: str = CASE
) -> bool:
    """True when the service lets the presser do the staff-only ``action``; else False with the refusal (audited by
    the service as ``action`` on ``target``) answered."""
    try:
        await context.services.audit.require_staff(update.effective_user.id, context.role, action, target)
    except Refused as exc:
        await answer_refusal(update, context, exc, about)
        return False
    return True
