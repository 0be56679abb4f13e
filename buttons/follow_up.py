"""The follow-up (回访) after a service (services/follow_up.py, conversations/follow_up.py): solved or not, the
1–5 stars, skipping the comment, or asking to write one (after stars typed outside any question).

A case may be resolved, reopened and resolved again: ✅, ↩️ and the stars carry the resolution ``round`` they
were sent for (services.resolution.round_of), and the service refuses a press of another round as stale. Buttons
sent before rounds existed carry none (round 0, no round's): stale too."""

from __future__ import annotations

from buttons import Action, BigInt, action


@action("fu:s")
class RateCase(Action):
    demand_id: int
    stars: int
    round: BigInt = 0


@action("fu:ok")
class ConfirmSolved(Action):
    demand_id: int
    round: BigInt = 0


@action("fu:re")
class Reopen(Action):
    demand_id: int
    round: BigInt = 0


@action("fu:skip")
class SkipComment(Action):
    pass


@action("fu:c")
class AddComment(Action):
    demand_id: int
