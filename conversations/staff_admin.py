"""Roles and the audit log: /grant and /revoke (admins), /staff and /audit (staff).

The person to grant or revoke is named by replying to a message of theirs forwarded to the bot, by @username or by
Telegram id. Whether the sender may do it is read from the database on every command (services.staffing).
"""

from __future__ import annotations

from collections.abc import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageOriginUser, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons.choices import YesNo
from buttons.staff import ConfirmGrant, RoleChange
from conversations.common import answer_stale, edit_message
from conversations.context import BotContext
from conversations.menu import clear_staff_menu, set_staff_menu
from conversations.refusals import ADMINS, AUDIT, answer_refusal, attempt, refusal_text
from db.models import AuditEntry, Role
from i18n import Raw, catalogue
from services.audit import staff_role
from services.ids import USER_ID_MAX
from services.local_time import show
from services.results import Reason, Refused
from services.staffing import Lookup

PENDING = "grant"  # user_data: the change /grant or /revoke showed, waiting for the admin's ConfirmGrant


def _forwarded_sender(message: Message) -> int | None:
    replied = message.reply_to_message
    origin = replied.forward_origin if replied is not None else None
    return origin.sender_user.id if isinstance(origin, MessageOriginUser) else None


async def named_user(update: Update, context: BotContext, reference: str) -> int | None:
    """The id of the user ``reference`` (id or @handle) names, -1 for nobody registered; None when the reference
    itself cannot be used (the reason is answered)."""
    found = await context.services.staffing.find(reference)
    if found.outcome in (Lookup.BAD_ID, Lookup.AMBIGUOUS, Lookup.NOT_A_HANDLE):
        await update.effective_message.reply_text(
            context.t(f"staff.lookup.{found.outcome.value}", value=reference[:40], max=USER_ID_MAX)
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
    return await named_user(update, context, context.args[0])


async def grant(update: Update, context: BotContext) -> None:
    """/grant: show who changes from which role to staff, with ✅ confirm / ✖️ cancel (``ConfirmGrant``)."""
    await _ask(update, context, RoleChange.GRANT)


async def revoke(update: Update, context: BotContext) -> None:
    """/revoke: show whose staff role goes back to which role, with the same confirmation as /grant."""
    await _ask(update, context, RoleChange.REVOKE)


async def _ask(update: Update, context: BotContext, action: RoleChange) -> None:
    """Show the role change /grant or /revoke names and wait for the admin's ``ConfirmGrant``; or say why there is
    nothing to confirm."""
    target = await _admin_target(update, context, f"staff.{action.value}")
    if target is None:
        return
    staffing = context.services.staffing
    preview = staffing.grant_preview if action is RoleChange.GRANT else staffing.revoke_preview
    change = await attempt(update, context, preview(update.effective_user.id, target), ADMINS)
    if change is None:
        return
    profile, new = change.person, change.role
    context.user_data[PENDING] = {
        "action": action.value,
        "user": profile.id,
        "role": profile.role.value if profile.role else None,
        "new": new.value,
    }
    was = context.t(f"role.{profile.role.value}") if profile.role else context.t("staff.grant_no_role")
    keyboard = [
        [
            InlineKeyboardButton(
                context.t("staff.grant_yes"), callback_data=ConfirmGrant(profile.id, action, YesNo.YES).data()
            ),
            InlineKeyboardButton(
                context.t("staff.grant_no"), callback_data=ConfirmGrant(profile.id, action, YesNo.NO).data()
            ),
        ]
    ]
    text = context.t(
        "staff.grant_confirm",
        name=profile.first_name,
        handle=f"@{profile.username}" if profile.username else context.t("staff.no_handle"),
        id=profile.id,
        old=was,
        new=context.t(f"role.{new.value}"),
    )
    if action is RoleChange.GRANT:
        text += await _open_cases(context, profile.id, profile.first_name)
    await update.effective_message.reply_text(text, reply_markup=InlineKeyboardMarkup(keyboard))


async def _open_cases(context: BotContext, user_id: int, name: str) -> str:
    """For a craftsman made staff: his open cases and booked visits, and what becomes of them (nothing: they stay
    his, in /tasks; his craftsman record and its cases are the same person's, whatever his role)."""
    try:
        cases = await context.services.follow_up.cases(user_id)
    except Refused:  # not a craftsman: no cases
        return ""
    if not cases:
        return ""
    tz = context.services.settings.tz
    lines = [
        context.t(
            "staff.grant_case",
            ticket=case.ticket,
            status=context.label(f"demand.status.{case.demand_status.value}"),
            visit=context.t("staff.grant_case_visit", at=show(case.booked_at, tz)) if case.booked_at else "",
        )
        for case in cases
    ]
    return "\n\n" + "\n".join([context.t("staff.grant_open_cases", name=name, count=len(cases)), *lines])


async def grant_pressed(update: Update, context: BotContext) -> None:
    """``ConfirmGrant``: only the admin who asked, for the person and the change (grant or revocation) shown,
    applies it (the roles checked again on the server: as shown, or it is stale); a cancel changes nothing; any
    other press — an old /grant's after a /revoke, too — is answered as expired."""
    query = update.callback_query
    press = ConfirmGrant.parse(query.data)
    pending = await confirmed(
        update,
        context,
        PENDING,
        ((press.user_id, press.change.value), press.answer) if press else None,
        lambda shown: (shown.get("user"), shown.get("action")),
        "staff.grant_cancelled",
    )
    if press is None or pending is None:
        return
    staffing, actor = context.services.staffing, update.effective_user.id
    try:
        if press.change is RoleChange.REVOKE:
            back_to = Role(pending["new"]) if pending.get("new") else None
            profile = await staffing.revoke(actor, press.user_id, back_to)
        else:
            shown = Role(pending["role"]) if pending.get("role") else None
            profile = await staffing.grant(actor, press.user_id, shown)
    except Refused as exc:
        await refuse_confirmation(update, context, exc, ADMINS)
        return
    await query.answer()
    change = "revoked" if press.change is RoleChange.REVOKE else "granted"
    await edit_message(update, context.t(f"staff.change.{change}", name=profile.first_name))
    if change == "granted":
        await set_staff_menu(context.bot, profile.id, profile.role)
    else:
        await clear_staff_menu(context.bot, profile.id)


async def confirmed(
    update: Update,
    context: BotContext,
    key: str,
    press: tuple[object, YesNo] | None,
    shown: Callable[[dict], object],
    cancelled: str,
) -> dict | None:
    """The change waiting in user_data under ``key`` that a confirmation's ``press`` (what it names, and its
    answer; None for no well-formed press) confirms, ``shown`` naming the waiting change the same way; None once a
    press for anything else (answered as expired) or a cancel (``cancelled``'s words in place of the question) is
    answered."""
    pending = context.user_data.get(key)
    if press is None or not pending or shown(pending) != press[0]:
        await answer_stale(update, context)
        return None
    context.user_data.pop(key, None)
    if press[1] is YesNo.NO:
        await update.callback_query.answer()
        await edit_message(update, context.t(cancelled))
        return None
    return pending


async def refuse_confirmation(update: Update, context: BotContext, refused: Refused, about: str) -> None:
    """A confirmation's press refused by the service: an alert when the admin is no longer one or what was shown
    changed (the confirmation stays as it was); otherwise nothing is left to apply, said in place of it."""
    if refused.reason in (Reason.NOT_STAFF, Reason.STALE):
        await answer_refusal(update, context, refused, about)
    else:
        await update.callback_query.answer()
        await edit_message(update, refusal_text(context, refused, about))


async def _admin_target(update: Update, context: BotContext, action: str) -> int | None:
    """The user a /grant or /revoke names, once the sender is known to be an admin; None when refused (logged,
    before anything is looked up) or when nobody usable is named (answered)."""
    forwarded = _forwarded_sender(update.effective_message)
    target = f"user:{forwarded}" if forwarded is not None else None
    asked = context.args[0] if context.args else None
    try:
        await context.services.staffing.require_admin(update.effective_user.id, action, target, asked=asked)
    except Refused as exc:
        await answer_refusal(update, context, exc, ADMINS)
        return None
    return await _target(update, context)


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
            of_user = await named_user(update, context, context.args[0])  # -1: nobody by that name, no entries
            if of_user is None:
                return
    try:
        entries = await services.staffing.log(update.effective_user.id, context.role, of_user)
    except Refused as exc:
        await answer_refusal(update, context, exc, AUDIT)
        return
    if not entries:
        await update.effective_message.reply_text(context.t("audit.none"))
        return
    tz = services.settings.tz
    lines = [context.t("audit.header", count=len(entries))]
    for e in entries:
        lines.append(
            context.t(
                "audit.entry",
                at=show(e.at, tz),
                actor=_actor(e.actor_user_id, context),
                action=_label(context, "audit.action", e.action) or context.t("audit.action_other"),
                outcome=Raw(_outcome(e, context)),
                code=" ".join(part for part in (e.action, e.target) if part),
                mark="✅" if e.allowed else "⛔",
            )
        )
    await update.effective_message.reply_text("\n".join(lines))


def _label(context: BotContext, family: str, code: object) -> str | None:
    """The catalogue's words for ``code`` in ``family`` (``audit.action.<code>``), or None for a code it lacks."""
    key = f"{family}.{code}"
    return context.t(key) if key in catalogue() else None


def _outcome(entry: AuditEntry, context: BotContext) -> str:
    """The words after a refused entry's action (" (refused: outside their region)"); nothing when allowed."""
    if entry.allowed:
        return ""
    reason = (entry.details or {}).get("reason")
    return context.t("audit.refused", reason=_label(context, "audit.reason", reason) or context.t("audit.reason_none"))


def _actor(actor_user_id: int | None, context: BotContext) -> str:
    """Who did it: a Telegram id, the configuration (None), or a person who erased their data (a negative
    pseudonym, services/audit.py)."""
    if actor_user_id is None:
        return "—"
    return str(actor_user_id) if actor_user_id > 0 else context.t("audit.erased_actor", number=-actor_user_id)


def handlers() -> list:
    return [
        CommandHandler("grant", grant),
        CallbackQueryHandler(grant_pressed, pattern=ConfirmGrant.pattern()),
        CommandHandler("revoke", revoke),
        CommandHandler("staff", staff_list),
        CommandHandler("audit", audit),
    ]
