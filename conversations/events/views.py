"""How competitions and courses look in chat: cards, list pages and their buttons (no handlers here)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from buttons.events import (
    CompetitionsPage,
    CoursesPage,
    Enrol,
    FollowCompetition,
    LeaveCourse,
    ManageCompetition,
    ManageCourse,
    UnfollowCompetition,
)
from conversations.context import BotContext
from conversations.keyboards import page_nav, paginate
from db.models import Competition, SubscriptionKind
from i18n import fill
from services.course_enrolment import CourseCard
from services.event_notices import competition_message, session_values
from services.local_time import show
from services.outbox import notice_text

PAGE = 3
NUMBERS = "①②③④⑤⑥⑦⑧⑨⑩"


def competition_text(context: BotContext, c: Competition) -> str:
    services = context.services
    card = competition_message("competition.card", c, services.settings.tz)
    return notice_text(card.payload(), context.lang, services.regions)


def course_text(context: BotContext, card: CourseCard) -> str:
    services, course = context.services, card.course
    tz = services.settings.tz
    values = {
        "name": course.name,
        "teacher": course.teacher or "—",
        "place": course.place or course.link or "—",
        "next": show(card.next_session.starts_at, tz) if card.next_session else "—",
        "left": card.sessions_left,
        "enrolled": card.enrolled,
        "waitlisted": card.waitlisted,
        "capacity": course.capacity if course.capacity is not None else "∞",
        "description": course.description or "",
    }
    if course.region_code:
        values["region"] = services.regions.full_name(course.region_code, context.lang) or ""
    keys = {} if course.region_code else {"region": "event.any_region"}
    if card.next_session is not None:
        values["end"] = session_values(course, card.next_session, tz)["end"]
    else:
        values["end"] = ""
    text = fill("course.card", context.lang, values, keys)
    if card.mine is SubscriptionKind.ENROLLED:
        text += "\n" + context.t("course.mine_enrolled")
    elif card.mine is SubscriptionKind.WAITLISTED:
        text += "\n" + context.t("course.mine_waitlisted")
    return text


def _list_page(
    context: BotContext,
    header: str,
    items: list,
    page: int,
    block,
    buttons,
    page_action: type[CompetitionsPage | CoursesPage],
) -> tuple[str, InlineKeyboardMarkup]:
    """A numbered page of ``items``: ``block(item)`` its text, ``buttons(item, number, page)`` its row."""
    page, pages, shown = paginate(items, page, PAGE)
    blocks = [context.t(header, count=len(items), page=page + 1, pages=pages)]
    keyboard = []
    for number, item in zip(NUMBERS, shown, strict=False):
        blocks.append(f"{number} " + block(item))
        keyboard.append(buttons(item, number, page))
    nav = page_nav(context.lang, page, pages, lambda n: page_action(n).data())
    if nav:
        keyboard.append(nav)
    return "\n\n".join(blocks), InlineKeyboardMarkup(keyboard)


def competitions_page(
    context: BotContext, items: list[Competition], following: set[int], page: int, managed: set[int]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of competitions; ⚙️ 管理 on those in ``managed`` (the staffer's region covers them)."""
    if not items:
        return context.t("competition.none") + _no_region_hint(context), None

    def buttons(c: Competition, number: str, page: int) -> list[InlineKeyboardButton]:
        key, kind = (
            ("competition.unfollow_n", UnfollowCompetition)
            if c.id in following
            else ("competition.follow_n", FollowCompetition)
        )
        row = [InlineKeyboardButton(context.label(key, n=number), callback_data=kind(c.id, str(page)).data())]
        if c.id in managed:
            row.append(
                InlineKeyboardButton(
                    context.label("event.manage_n", n=number), callback_data=ManageCompetition(c.id).data()
                )
            )
        return row

    return _list_page(
        context,
        "competition.list_header",
        items,
        page,
        lambda c: competition_text(context, c),
        buttons,
        CompetitionsPage,
    )


def _no_region_hint(context: BotContext) -> str:
    """Why an empty list may be empty: someone without a region (registration not finished) sees only the events
    open to every region."""
    if context.profile is not None and context.profile.region_code:
        return ""
    return "\n" + context.t("event.no_region_hint")


def courses_page(
    context: BotContext, cards: list[CourseCard], page: int, managed: set[int]
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A page of courses; ⚙️ 管理 on those in ``managed`` (the staffer's region covers them)."""
    if not cards:
        return context.t("course.none") + _no_region_hint(context), None

    def buttons(card: CourseCard, number: str, page: int) -> list[InlineKeyboardButton]:
        key = {SubscriptionKind.ENROLLED: "course.leave_n", SubscriptionKind.WAITLISTED: "course.leave_waitlist_n"}.get(
            card.mine, "course.enrol_n"
        )
        kind = Enrol if card.mine is None else LeaveCourse
        row = [InlineKeyboardButton(context.label(key, n=number), callback_data=kind(card.course.id, str(page)).data())]
        if card.course.id in managed:
            row.append(
                InlineKeyboardButton(
                    context.label("event.manage_n", n=number), callback_data=ManageCourse(card.course.id).data()
                )
            )
        return row

    return _list_page(
        context, "course.list_header", cards, page, lambda card: course_text(context, card), buttons, CoursesPage
    )
