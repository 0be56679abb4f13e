"""The craftsman's side of a case (services/casework.py, conversations/tasks.py): accept or decline an offered
demand, record a resolution, volunteer for a demand on the board."""

from __future__ import annotations

from buttons import Action, action


@action("tk:a")
class AcceptOffer(Action):
    match_id: int


@action("tk:d")
class DeclineOffer(Action):
    match_id: int


@action("tk:dt")
class DeclineTyped(Action):
    """婉拒 with the reason the craftsman typed (kept in his user_data, never in the data)."""

    match_id: int


@action("tk:r")
class ResolveCase(Action):
    match_id: int


@action("tk:v")
class Volunteer(Action):
    demand_id: int
