"""Competitions and courses (services/event_notices.py, conversations/competitions.py, courses.py, event_views.py,
subscriptions.py, event_admin.py): follow, enrol, page, and staff's manage, change and cancel buttons.

``where`` says which message to redraw after a follow or an enrolment: a list page number, ``SUBSCRIPTIONS`` for
/subscriptions, or nothing (the button under a publication notice)."""

from __future__ import annotations

import enum

from buttons import Action, action

SUBSCRIPTIONS = "s"


class CompetitionField(enum.Enum):
    REGISTRATION_DEADLINE = "registration_deadline"
    STARTS_AT = "starts_at"
    ENDS_AT = "ends_at"
    WHERE = "where"


@action("cp:f")
class FollowCompetition(Action):
    competition_id: int
    where: str = ""


@action("cp:u")
class UnfollowCompetition(Action):
    competition_id: int
    where: str = ""


@action("cp:p")
class CompetitionsPage(Action):
    page: int


@action("cp:m")
class ManageCompetition(Action):
    competition_id: int


@action("cp:e")
class ChangeCompetition(Action):
    competition_id: int
    field: CompetitionField


@action("cp:x")
class CancelCompetition(Action):
    competition_id: int


@action("cp:xx")
class ConfirmCancelCompetition(Action):
    competition_id: int


@action("cs:j")
class Enrol(Action):
    course_id: int
    where: str = ""


@action("cs:l")
class LeaveCourse(Action):
    course_id: int
    where: str = ""


@action("cs:lx")
class ConfirmLeaveCourse(Action):
    """Leaving confirmed: a leave button is where the enrol button was, so a double press must not undo an
    enrolment. ``standing`` is what the question asked about (a SubscriptionKind value: a seat or a waitlist
    place); a press after that changed (a waitlisted worker promoted meanwhile) leaves nothing and asks again."""

    course_id: int
    where: str = ""
    standing: str = ""


@action("cs:p")
class CoursesPage(Action):
    page: int


@action("cs:m")
class ManageCourse(Action):
    course_id: int


@action("cs:mv")
class MoveSession(Action):
    session_id: int


@action("cs:xs")
class CancelSession(Action):
    session_id: int


@action("cs:xsx")
class ConfirmCancelSession(Action):
    session_id: int


@action("cs:x")
class CancelCourse(Action):
    course_id: int


@action("cs:xx")
class ConfirmCancelCourse(Action):
    course_id: int
