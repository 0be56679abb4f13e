"""Roles and the audit log: /grant and /revoke (admins), /staff and /audit (staff).

The person to grant or revoke is named by replying to a message of theirs forwarded to the bot, by @username or by
Telegram id. Whether the sender may do it is read from the database on every command (services.staffing).
"""

from __future__ import annotations

from telegram import Message, MessageOriginUser, Update
from telegram.ext import CommandHandler

from conversations.context import BotContext
from conversations.menu import clear_staff_menu, set_staff_menu
from conversations.refusals import ADMINS, answer_refusal
from services.audit import staff_role
from services.local_time import show
from services.results import Refused
from services.staffing import Change, Lookup


def _forwarded_sender(message: Message) -> int | None:
    replied = message.reply_to_message
    origin = replied.forward_origin if replied is not None else None
    return origin.sender_user.id if isinstance(origin, MessageOriginUser) else None


async def _named(update: Update, context: BotContext, reference: str) -> int | None:
    """The id of the user ``reference`` (id or @handle) names, -1 for nobody registered; None when the reference
    itself cannot be used (the reason is answered)."""
    found = await context.services.staffing.find(reference)
    if found.outcome in (Lookup.BAD_ID, Lookup.AMBIGUOUS, Lookup.NOT_A_HANDLE):
        await update.effective_message.reply_text(
            context.t(f"staff.lookup.{found.outcome.value}", value=reference[:40])
        )
        return None
    return found.profile.id if found.profile is not None else -1


async def _target(update: Update, context: BotContext) -> int | None:
    """The user a /grant or /revoke names, or None (and the usage or the reason is shown)."""
    user_id = _forwarded_sender(update.effective_message)
    if user_id is not None:
        return user_id
    if not context.args:
        await update.effective_message.reply_text(context.t("staff.usage"))
        return None
    return await _named(update, context, context.args[0])


async def grant(update: Update, context: BotContext) -> None:
    await _change(update, context, grant=True)


async def revoke(update: Update, context: BotContext) -> None:
    await _change(update, context, grant=False)


async def _change(update: Update, context: BotContext, grant: bool) -> None:
    staffing = context.services.staffing
    try:  # refused before anything is looked up; the refusal is logged
        await staffing.require_admin(update.effective_user.id, "staff.grant" if grant else "staff.revoke")
    except Refused as exc:
        await answer_refusal(update, context, exc, ADMINS)
        return
    target = await _target(update, context)
    if target is None:
        return
    change, profile = await (staffing.grant if grant else staffing.revoke)(update.effective_user.id, target)
    name = profile.first_name if profile else ""
    await update.effective_message.reply_text(context.t(f"staff.change.{change.value}", name=name))
    if change is Change.GRANTED:
        await set_staff_menu(context.bot, profile.id, profile.role)
    elif change is Change.REVOKED:
        await clear_staff_menu(context.bot, profile.id)


async def staff_list(update: Update, context: BotContext) -> None:
    services = context.services
    try:
        members = await services.staffing.members(update.effective_user.id, context.role)
    except Refused as exc:
        await answer_refusal(update, context, exc)
        return
    lines = [context.t("staff.list_header", count=len(members))]
    for m in members:
        region = services.regions.full_name(m.region_code, context.lang)
        lines.append(
            context.t(
                "staff.list_line",
                name=m.first_name,
                username=f"@{m.username}" if m.username else "—",
                id=m.id,
                role=context.t(f"role.{m.role.value}"),
                region=region or "—",
            )
        )
    await update.effective_message.reply_text("\n".join(lines))


async def audit(update: Update, context: BotContext) -> None:
    services = context.services
    of_user = None
    if context.args:
        if not staff_role(context.role):  # the service refuses (and logs) it: look nothing up
            of_user = -1
        else:
            of_user = await _named(update, context, context.args[0])  # -1: nobody by that name, no entries
            if of_user is None:
                return
    try:
        entries = await services.staffing.log(update.effective_user.id, context.role, of_user)
    except Refused as exc:
        await answer_refusal(update, context, exc)
        return
    if not entries:
        await update.effective_message.reply_text(context.t("audit.none"))
        return
    tz = services.settings.tz
    lines = [context.t("audit.header", count=len(entries))]
    for e in entries:
        lines.append(
            context.t(
                "audit.line",
                at=show(e.at, tz),
                actor=_actor(e.actor_user_id, context),
                action=e.action,
                target=e.target or "",
                mark="✅" if e.allowed else "⛔",
            )
        )
    await update.effective_message.reply_text("\n".join(lines))


def _actor(actor_user_id: int | None, context: BotContext) -> str:
    """Who did it: a Telegram id, the configuration (None), or a person who erased their data (a negative
    pseudonym, services/audit.py)."""
    if actor_user_id is None:
        return "—"
    return str(actor_user_id) if actor_user_id > 0 else context.t("audit.erased_actor", number=-actor_user_id)


def handlers() -> list:
    return [
        CommandHandler("grant", grant),
        CommandHandler("revoke", revoke),
        CommandHandler("staff", staff_list),
        CommandHandler("audit", audit),
    ]
