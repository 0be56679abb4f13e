"""The follow-up (回访) after a service (services/follow_up.py, conversations/follow_up.py): solved or not, the
1–5 stars, skipping the comment, or asking to write one (after stars typed outside any question)."""

from __future__ import annotations

from buttons import Action, action


@action("fu:s")
class RateCase(Action):
    demand_id: int
    stars: int


@action("fu:ok")
class ConfirmSolved(Action):
    demand_id: int


@action("fu:re")
class Reopen(Action):
    demand_id: int


@action("fu:skip")
class SkipComment(Action):
    pass


@action("fu:c")
class AddComment(Action):
    demand_id: int
