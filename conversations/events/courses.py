"""/courses — night-school courses (职工夜校) for the user's region: enrol, leave, see the waitlist; staff also
manage a course (move or cancel a session, cancel the course).

Callback data: ``cs:j:<id>:<page>`` enrol, ``cs:l:<id>:<page>|s`` leave, ``cs:p:<page>`` a page, ``cs:m:<id>``
manage, ``cs:xs:<session>`` / ``cs:xxs:<session>`` cancel a session, ``cs:x:<id>`` / ``cs:xx:<id>`` cancel the
course. The role is read from the database on every staff press, and the services check it again.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from conversations.common import answer_stale, edit_message, refuse_non_staff, tell_staff_only
from conversations.context import BotContext
from conversations.events.views import courses_page
from conversations.subscriptions import show_subscriptions
from services.audit import NotStaff
from services.courses import Seat
from services.local_time import show

SHOWN_SESSIONS = 10


async def _page(update: Update, context: BotContext, page: int = 0, edit: bool = False) -> None:
    profile = context.profile
    cards = await context.services.courses.cards(profile.id, profile.region_code, context.is_staff)
    text, markup = courses_page(context, cards, page)
    if edit:
        await edit_message(update, text, markup)
    else:
        await update.effective_chat.send_message(text, reply_markup=markup)


async def courses_command(update: Update, context: BotContext) -> None:
    if context.profile is None:
        await update.effective_message.reply_text(context.t("help.not_registered"))
        return
    await _page(update, context)


async def pressed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    if len(parts) < 3 or not parts[2].isdigit() or context.profile is None:
        await answer_stale(update, context)
        return
    action, target, where = parts[1], int(parts[2]), parts[3] if len(parts) > 3 else ""
    if action == "p":
        await query.answer()
        await _page(update, context, target, edit=True)
        return
    if action in ("j", "l"):
        await (_enrol if action == "j" else _leave)(update, context, target)
        if where == "s":
            await show_subscriptions(update, context, edit=True)
        elif where.isdigit():
            await _page(update, context, int(where), edit=True)
        return
    if not context.is_staff:
        await refuse_non_staff(update, context, "course.manage", f"course:{target}")
        return
    if action == "m":
        await query.answer()
        await _manage(update, context, target)
    elif action in ("xs", "x"):
        await query.answer()
        key = "course.cancel_session_confirm" if action == "xs" else "course.cancel_confirm"
        await update.effective_chat.send_message(context.t(key), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(context.t("course.cancel_yes"), callback_data=f"cs:{action}x:{target}")]]))
    elif action in ("xsx", "xx"):
        await _cancel(update, context, action, target)
    else:
        await answer_stale(update, context)


async def _enrol(update: Update, context: BotContext, course_id: int) -> None:
    result = await context.services.courses.enrol(context.profile.id, course_id)
    if result.seat is Seat.GONE:
        await update.callback_query.answer(context.t("course.gone"), show_alert=True)
        return
    await update.callback_query.answer(context.t(f"course.seat.{result.seat.value}", position=result.position),
                                       show_alert=result.seat is Seat.WAITLISTED)


async def _leave(update: Update, context: BotContext, course_id: int) -> None:
    left, _ = await context.services.courses.leave(context.profile.id, course_id)
    await update.callback_query.answer(context.t("course.left" if left else "course.not_enrolled"))


async def _manage(update: Update, context: BotContext, course_id: int) -> None:
    services = context.services
    course = await services.courses.get(course_id)
    sessions = await services.courses.sessions(course_id)
    if course is None or course.status.value != "published":
        await update.effective_chat.send_message(context.t("course.gone"))
        return
    tz = services.settings.tz
    buttons = []
    for s in sessions[:SHOWN_SESSIONS]:
        when = show(s.starts_at, tz)[5:]
        buttons.append([InlineKeyboardButton(context.label("course.move_session", when=when), callback_data=f"cs:mv:{s.id}"),
                        InlineKeyboardButton(context.label("course.cancel_session", when=when), callback_data=f"cs:xs:{s.id}")])
    buttons.append([InlineKeyboardButton(context.t("course.cancel_button"), callback_data=f"cs:x:{course.id}")])
    await update.effective_chat.send_message(
        context.t("course.manage", name=course.name, count=len(sessions), shown=min(len(sessions), SHOWN_SESSIONS)),
        reply_markup=InlineKeyboardMarkup(buttons))


async def _cancel(update: Update, context: BotContext, action: str, target: int) -> None:
    query, courses = update.callback_query, context.services.courses
    try:
        if action == "xx":
            done = await courses.cancel(context.profile.id, context.role, target)
        else:
            done = await courses.change_session(context.profile.id, context.role, target, None)
    except NotStaff:
        await tell_staff_only(update, context)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    if done is None:
        await update.effective_chat.send_message(context.t("course.gone"))
        return
    await update.effective_chat.send_message(context.t("course.cancelled" if action == "xx" else "course.session_cancelled"))


def handlers() -> list:
    return [CommandHandler("courses", courses_command),
            CallbackQueryHandler(pressed, pattern=r"^cs:(j|l|p|m|xs|x|xsx|xx):")]
