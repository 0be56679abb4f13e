"""Union services (conversations/union.py): a member files the question the bot answered for staff; staff answer
or close a consultation. ``token`` names the question in the member's own user_data, never its text."""

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
