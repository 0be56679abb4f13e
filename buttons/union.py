"""Union services (conversations/union.py): a member files the question the bot answered for staff; staff reply to
or end a consultation; the member answers a reply. ``token`` names the question in the member's own user_data, never its text."""

from __future__ import annotations

from buttons import Action, action


@action("un:a")
class AskStaff(Action):
    token: str


@action("un:r")
class AnswerConsultation(Action):
    consultation_id: int


@action("un:x")
class CloseConsultation(Action):
    consultation_id: int


@action("un:f")
class ReplyToUnion(Action):
    """Under staff's reply in the member's chat: the member answers in the same consultation."""

    consultation_id: int
