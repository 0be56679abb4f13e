"""/staff_region (admins): set or change the region a staffer works on (services/staff_scope.py), since staff can't
move their own (services/staffing.py ``may_choose_region``).

``/staff_region <who> <region>``: the person as /grant takes them (Telegram id or @username), the region as a name
(found as registration finds it), a GB/T 2260 code, or 全部 / 不限 for every region. The admin sees "name: old
region → new region" with ✅ / ✖️ (``ConfirmStaffRegion``); the press is checked again on the server
(services.staffing ``set_region``).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons.choices import YesNo
from buttons.staff import ConfirmStaffRegion
from conversations.common import edit_message
from conversations.context import BotContext
from conversations.refusals import STAFF_REGION, answer_refusal, attempt
from conversations.staff_admin import confirmed, named_user, refuse_confirmation
from services.results import Refused

PENDING = "staff_region"  # user_data: the change /staff_region showed, waiting for the admin's ConfirmStaffRegion
MAX_REGION = 30  # characters of a typed region looked up (and quoted back)


def _region_words(context: BotContext, code: str | None) -> str:
    """A region as the admin reads it: its full name, or 全部地区 for none (every region's work)."""
    return context.services.regions.full_name(code, context.lang) or context.t("staff_region.everywhere")


async def staff_region(update: Update, context: BotContext) -> None:
    """/staff_region: show whose region changes from which to which, with ✅ confirm / ✖️ cancel; or say why there
    is nothing to confirm (a region not found or not one, nobody or no staffer named)."""
    staffing, actor, message = context.services.staffing, update.effective_user.id, update.effective_message
    typed = " ".join(context.args[1:])[:MAX_REGION]
    region = staffing.region_named(typed) if typed else None
    asked = {"new": region.code} if region and region.found else {"typed": typed} if typed else {}  # for a refusal
    try:
        await staffing.require_admin(actor, "staff.region", asked=context.args[0] if context.args else None, **asked)
    except Refused as exc:
        await answer_refusal(update, context, exc, STAFF_REGION)
        return
    if len(context.args) < 2:
        await message.reply_text(context.t("staff_region.usage"))
        return
    target = await named_user(update, context, context.args[0])
    if target is None:
        return
    if region is None or not region.found:
        places = "\n".join(f"• {_region_words(context, code)}（{code}）" for code in region.candidates)
        key = "staff_region.several" if places else "staff_region.unknown"
        await message.reply_text(context.t(key, query=typed, places=places))
        return
    change = await attempt(update, context, staffing.region_preview(actor, target, region.code), STAFF_REGION)
    if change is None:
        return
    person = change.person
    context.user_data[PENDING] = {"user": person.id, "old": person.region_code, "new": change.region_code}
    keyboard = [
        [
            InlineKeyboardButton(
                context.t("staff.grant_yes"),
                callback_data=ConfirmStaffRegion(person.id, YesNo.YES, change.region_code or "").data(),
            ),
            InlineKeyboardButton(
                context.t("staff.grant_no"),
                callback_data=ConfirmStaffRegion(person.id, YesNo.NO, change.region_code or "").data(),
            ),
        ]
    ]
    await message.reply_text(
        context.t(
            "staff_region.confirm",
            name=person.first_name,
            handle=f"@{person.username}" if person.username else context.t("staff.no_handle"),
            id=person.id,
            old=_region_words(context, person.region_code),
            new=_region_words(context, change.region_code),
        ),
        reply_markup=InlineKeyboardMarkup(keyboard),
    )


async def region_pressed(update: Update, context: BotContext) -> None:
    """``ConfirmStaffRegion``: only the admin who asked, for the staffer and the region shown, applies it (her role
    and region checked again on the server: as shown, or it is stale); a cancel changes nothing; any other press is
    answered as expired."""
    query = update.callback_query
    press = ConfirmStaffRegion.parse(query.data)
    pending = await confirmed(
        update,
        context,
        PENDING,
        ((press.user_id, press.region), press.answer) if press else None,
        lambda shown: (shown.get("user"), shown.get("new") or ""),
        "staff_region.cancelled",
    )
    if press is None or pending is None:
        return
    staffing, actor = context.services.staffing, update.effective_user.id
    try:
        profile = await staffing.set_region(actor, press.user_id, pending.get("new"), pending.get("old"))
    except Refused as exc:
        await refuse_confirmation(update, context, exc, STAFF_REGION)
        return
    await query.answer()
    await edit_message(
        update,
        context.t("staff_region.done", name=profile.first_name, region=_region_words(context, profile.region_code)),
    )


def handlers() -> list:
    return [
        CommandHandler("staff_region", staff_region),
        CallbackQueryHandler(region_pressed, pattern=ConfirmStaffRegion.pattern()),
    ]
