"""One vocabulary for what services answer: an action is done, or ``Refused(reason, **values)``.

Every refusal a service gives (a casework step, a demand, a review, a staff-only action) names one
:class:`Reason`; ``values`` fill the message (a craftsman's name and phone for an offer staff must make by hand).
The chat layer turns a reason into words in one place (``conversations/refusals.py``); a second front end maps the
same reasons to its own."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


class Reason(str, enum.Enum):
    """Why an action did not happen (``DONE`` when it did). The value is the message family's last key part."""

    DONE = "done"
    NOT_FOUND = "not_found"
    NOT_YOURS = "not_yours"  # a button sent to someone else, or forged data (audited)
    NOT_STAFF = "not_staff"  # a staff-only action asked for by someone else (audited)
    STALE = "stale"  # the case moved on: already answered, expired, withdrawn
    TAKEN = "taken"  # the demand already has a craftsman
    FULL = "full"  # the craftsman has no spare capacity
    UNAVAILABLE = "unavailable"  # paused, inactive, not published
    DECLINED = "declined"  # this craftsman declined this demand before
    NO_ACCOUNT = "no_account"  # the craftsman has no Telegram account linked: staff must phone
    UNREACHABLE = "unreachable"  # no Telegram account and no phone either: staff must pick someone else
    NOT_CRAFTSMAN = "not_craftsman"
    NOT_DRAFT = "not_draft"  # already submitted: the draft step is stale
    CLOSED = "closed"  # a demand that cannot be withdrawn any more
    ALREADY = "already"  # already in the state asked for (a craftsman already reviewed)
    OUT_OF_REGION = "out_of_region"  # a demand of a region outside the staffer's own (services/staff_scope.py)
    VISIT_AHEAD = "visit_ahead"  # the case's booked visit is still to come (``at``): solved only after it
    SLOTS_OFFERED = "slots_offered"  # visit slots still to come are on offer, none picked yet: solved after the visit
    CLASH = "clash"  # the craftsman has another visit booked then (``at``): no second visit at the same time
    NO_SLOT_LEFT = "no_slot_left"  # a CLASH, and every other slot of the offer clashes too: ask for other times
    SAME_TIME = "same_time"  # a reschedule offering the time the visit is already booked for (``at``)
    ADMIN = "admin"  # the person is an admin (from ADMIN_IDS): a role /grant and /revoke do not touch
    NOT_A_STAFFER = "not_a_staffer"  # the person named holds no staff role: no region of theirs to set
    HAS_ACCOUNT = "has_account"  # staff acting for a craftsman who has Telegram: he acts himself (services/stand_in.py)


BY_HAND = frozenset({Reason.NO_ACCOUNT, Reason.UNREACHABLE})  # an offer staff must make (or redo) themselves


class Refused(Exception):
    """A service's refusal: ``reason`` and the ``values`` its message needs. Audited by the service when the
    rule says so (someone else's button, a staff-only action)."""

    def __init__(self, reason: Reason, **values: Any) -> None:
        super().__init__(reason.value)
        self.reason, self.values = reason, values

    def __repr__(self) -> str:
        return f"Refused({self.reason.name}, {self.values})"


@dataclass(frozen=True)
class Done:
    """A done action (casework, booking, 回访, resolution, 揭榜, a consultation, an enterprise link): the demand and
    the match (or appointment) it was about, when it was about one, and the values its message needs."""

    demand_id: int | None = None
    match_id: int | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
