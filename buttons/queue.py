"""Staff's /queue and /match_all (services/casework.py, services/volunteering.py, conversations/queue.py): show a
demand with fresh candidates, offer it to a craftsman, confirm a volunteer, search, escalate, apply a plan."""

from __future__ import annotations

import enum

from buttons import Action, action


@action("qu:v")
class ShowQueueItem(Action):
    demand_id: int


@action("qu:ok")
class OfferTo(Action):
    demand_id: int
    craftsman_id: int


@action("qu:call")
class CallCraftsman(Action):
    """A candidate without a Telegram account: staff are given his phone (an offer could not be sent)."""

    demand_id: int
    craftsman_id: int


class PhoneAnswer(enum.Enum):
    AGREED = "ok"
    DECLINED = "no"


@action("qu:ph")
class PhoneOutcome(Action):
    """What a candidate without a Telegram account answered on the phone, recorded by staff after 📞 致电."""

    demand_id: int
    craftsman_id: int
    answer: PhoneAnswer


@action("qu:vol")
class ConfirmVolunteer(Action):
    match_id: int


@action("qu:f")
class FindCraftsman(Action):
    demand_id: int


@action("qu:e")
class Escalate(Action):
    demand_id: int


class PlanAnswer(enum.Enum):
    APPLY = "ok"
    DISCARD = "no"


@action("ma")
class MatchAllPlan(Action):
    """Apply or discard the plan /match_all showed (the plan itself waits in the staffer's user_data)."""

    answer: PlanAnswer
