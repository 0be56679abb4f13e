"""/courses — night-school courses (职工夜校) for the user's region: enrol, leave, see the waitlist; staff also
manage a course (move or cancel a session, cancel the course).

Buttons (buttons/events.py): enrol, leave, a page, and staff's manage, cancel a session or the course (each with a
confirmation), move a session (conversations/event_admin.py). The role is read from the database on every staff press, and the services check it again.
"""

from __future__ import annotations

from collections.abc import Awaitable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from buttons import any_of
from buttons.events import (
    SUBSCRIPTIONS,
    CancelCourse,
    CancelSession,
    ConfirmCancelCourse,
    ConfirmCancelSession,
    ConfirmLeaveCourse,
    CoursesPage,
    Enrol,
    LeaveCourse,
    ManageCourse,
    MoveSession,
)
from conversations.common import A, press_of, require_profile, send_or_edit, staff_press
from conversations.context import BotContext
from conversations.events.shared import ask_to_confirm, permitted, staff_outcome, turn_page
from conversations.events.views import courses_page
from conversations.subscriptions import show_subscriptions
from db.models import SubscriptionKind
from i18n import Raw
from services.course_enrolment import Seat
from services.courses import span_shown
from services.local_time import show

SHOWN_SESSIONS = 10


async def _page(update: Update, context: BotContext, page: int = 0, edit: bool = False) -> None:
    profile = context.profile
    courses = context.services.courses
    cards = await courses.cards(profile.id, profile.region_code, context.is_staff)
    managed = await courses.changeable(profile.id, [card.course for card in cards]) if context.is_staff else set()
    await send_or_edit(update, *courses_page(context, cards, page, managed), edit)


async def courses_command(update: Update, context: BotContext) -> None:
    if await require_profile(update, context):
        await _page(update, context)


async def show_page(update: Update, context: BotContext) -> None:
    await turn_page(update, context, CoursesPage, _page)


async def enrol_or_leave(update: Update, context: BotContext) -> None:
    """Enrol at once; leave only once confirmed (``LeaveCourse`` asks, ``ConfirmLeaveCourse`` leaves): the leave
    button takes the enrol button's place, so a double press must not enrol and then leave. The list the press
    came from (a page of /courses, or /subscriptions) is shown again with the new state."""
    press = await press_of(update, context, Enrol, LeaveCourse, ConfirmLeaveCourse, registered=True)
    if press is None:
        return
    if isinstance(press, LeaveCourse):
        await _ask_leave(update, context, press)
        return
    if isinstance(press, Enrol):
        await _enrol(update, context, press.course_id)
    elif not await _leave(update, context, press):
        return
    if press.where == SUBSCRIPTIONS:
        await show_subscriptions(update, context, edit=True)
    elif press.where.isdigit():
        await _page(update, context, int(press.where), edit=True)


def _staff_press(update: Update, context: BotContext, *kinds: type[A]) -> Awaitable[A | None]:
    return staff_press(update, context, *kinds, action="course.manage", target="course", answer=False)


def may_change(
    update: Update, context: BotContext, press: ManageCourse | CancelCourse | CancelSession
) -> Awaitable[bool]:
    """The service's check that the presser may change the course or session pressed, before anything is asked."""
    courses, actor = context.services.courses, context.profile.id
    if isinstance(press, CancelSession):
        check = courses.may_change_session(actor, context.role, press.session_id, "course.cancel_session")
    else:
        action = "course.manage" if isinstance(press, ManageCourse) else "course.cancel"
        check = courses.may_change(actor, context.role, press.course_id, action)
    return permitted(update, context, check)


async def manage(update: Update, context: BotContext) -> None:
    press = await _staff_press(update, context, ManageCourse)
    if press is None or not await may_change(update, context, press):
        return
    await update.callback_query.answer()
    await _manage(update, context, press.course_id)


async def ask_cancel(update: Update, context: BotContext) -> None:
    """Cancel a session or the course: first the confirmation button."""
    press = await _staff_press(update, context, CancelSession, CancelCourse)
    if press is None or not await may_change(update, context, press):
        return
    if isinstance(press, CancelSession):
        key, confirm = "course.cancel_session_confirm", ConfirmCancelSession(press.session_id)
    else:
        key, confirm = "course.cancel_confirm", ConfirmCancelCourse(press.course_id)
    await ask_to_confirm(update, context, key, "course.cancel_yes", confirm)


async def cancel(update: Update, context: BotContext) -> None:
    press = await _staff_press(update, context, ConfirmCancelSession, ConfirmCancelCourse)
    if press is not None:
        await _cancel(update, context, press)


async def _enrol(update: Update, context: BotContext, course_id: int) -> None:
    result = await context.services.courses.enrol(context.profile.id, course_id)
    if result.seat is Seat.GONE:
        await update.callback_query.answer(context.t("course.gone"), show_alert=True)
        return
    await update.callback_query.answer(
        context.t(f"course.seat.{result.seat.value}", position=result.position),
        show_alert=result.seat is Seat.WAITLISTED,
    )
    if result.seat in (Seat.ENROLLED, Seat.WAITLISTED):
        await _warn_clashes(update, context, course_id)


async def _warn_clashes(update: Update, context: BotContext, course_id: int) -> None:
    """Classes of the course just taken that overlap another course of the worker's: said, both seats kept."""
    clashes = await context.services.courses.clashes(context.profile.id, course_id)
    if not clashes:
        return
    tz = context.services.settings.tz
    lines = [
        context.t(
            "course.clash_line",
            this=span_shown(c.starts, c.ends, tz),
            other=c.other,
            there=span_shown(c.other_starts, c.other_ends, tz),
        )
        for c in clashes
    ]
    await update.effective_chat.send_message(context.t("course.clash_warning", lines=Raw("\n".join(lines))))


async def _ask_leave(update: Update, context: BotContext, press: LeaveCourse, changed: bool = False) -> None:
    """The confirmation, bound to where the worker stands now (``changed``: asked again because that moved)."""
    courses = context.services.courses
    course = await courses.get(press.course_id)
    if course is None or course.status.value != "published":
        await update.callback_query.answer(context.t("course.gone"), show_alert=True)
        return
    standing = await courses.standing(context.profile.id, press.course_id)
    if standing is None:
        await update.callback_query.answer(context.t("course.not_enrolled"), show_alert=True)
        return
    now = context.t(f"course.standing.{standing.value}", name=course.name)
    await update.callback_query.answer(
        context.t("course.leave_changed", now=now) if changed else None, show_alert=changed
    )
    yes = InlineKeyboardButton(
        context.label("course.leave_yes"),
        callback_data=ConfirmLeaveCourse(press.course_id, press.where, standing.value).data(),
    )
    key = "course.leave_again" if changed else "course.leave_confirm"
    await update.effective_chat.send_message(
        context.t(key, name=course.name, now=now), reply_markup=InlineKeyboardMarkup([[yes]])
    )


async def _leave(update: Update, context: BotContext, press: ConfirmLeaveCourse) -> bool:
    """Leave as confirmed; False when the worker's standing changed since the question (asked again instead)."""
    courses = context.services.courses
    asked_about = next((kind for kind in SubscriptionKind if kind.value == press.standing), None)
    left, _ = await courses.leave(context.profile.id, press.course_id, asked_about)
    if not left and asked_about is not None and await courses.standing(context.profile.id, press.course_id):
        await _ask_leave(update, context, LeaveCourse(press.course_id, press.where), changed=True)
        return False
    await update.callback_query.answer(context.t("course.left" if left else "course.not_enrolled"))
    return True


async def _manage(update: Update, context: BotContext, course_id: int) -> None:
    services = context.services
    course = await services.courses.get(course_id)
    sessions = await services.courses.sessions(course_id)
    if course is None or course.status.value != "published":
        await update.effective_chat.send_message(context.t("course.gone"))
        return
    tz = services.settings.tz
    this_year = services.clock.now().astimezone(tz).year
    buttons = []
    for s in sessions[:SHOWN_SESSIONS]:
        when = show(s.starts_at, tz)
        when = when[5:] if s.starts_at.astimezone(tz).year == this_year else when  # "2028-11-30 19:00"
        buttons.append(
            [
                InlineKeyboardButton(
                    context.label("course.move_session", when=when), callback_data=MoveSession(s.id).data()
                ),
                InlineKeyboardButton(
                    context.label("course.cancel_session", when=when), callback_data=CancelSession(s.id).data()
                ),
            ]
        )
    buttons.append(
        [InlineKeyboardButton(context.t("course.cancel_button"), callback_data=CancelCourse(course.id).data())]
    )
    await update.effective_chat.send_message(
        context.t("course.manage", name=course.name, count=len(sessions), shown=min(len(sessions), SHOWN_SESSIONS)),
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def _cancel(update: Update, context: BotContext, press: ConfirmCancelSession | ConfirmCancelCourse) -> None:
    courses, whole = context.services.courses, isinstance(press, ConfirmCancelCourse)
    if isinstance(press, ConfirmCancelCourse):
        cancelling = courses.cancel(context.profile.id, context.role, press.course_id)
    else:
        cancelling = courses.change_session(context.profile.id, context.role, press.session_id, None)
    done = await staff_outcome(update, context, cancelling, "course.gone")
    if done is None:
        return
    key = "course.cancelled" if whole else "course.session_cancelled"
    if not whole and not await courses.classes_left(done.course_id):  # its last class: the course is over
        key = "course.last_session_cancelled"
    await update.effective_chat.send_message(context.t(key))


def handlers() -> list:
    return [
        CommandHandler("courses", courses_command),
        CallbackQueryHandler(show_page, pattern=CoursesPage.pattern()),
        CallbackQueryHandler(enrol_or_leave, pattern=any_of(Enrol, LeaveCourse, ConfirmLeaveCourse)),
        CallbackQueryHandler(manage, pattern=ManageCourse.pattern()),
        CallbackQueryHandler(ask_cancel, pattern=any_of(CancelSession, CancelCourse)),
        CallbackQueryHandler(cancel, pattern=any_of(ConfirmCancelSession, ConfirmCancelCourse)),
    ]
