"""The demand pool: staff open a demand from a notice (services/demands.py, conversations/my_demands.py); the
enterprise's own /my list, detail and withdrawal."""

from __future__ import annotations

from buttons import Action, action


@action("dm:view")
class OpenDemand(Action):
    """Staff: the whole demand, contact details included, sent to the staffer's private chat."""

    demand_id: int


@action("my:p")
class MyDemandsPage(Action):
    page: int


@action("my:v")
class MyDemand(Action):
    demand_id: int
    page: int  # the list page to go back to


@action("my:w")
class WithdrawDemand(Action):
    demand_id: int


@action("my:r")
class WithdrawReason(Action):
    demand_id: int
    reason: str  # one of services.demands.WITHDRAW_REASONS, checked by the handler


@action("my:n")
class WithdrawWithoutWords(Action):
    """其他原因 without saying more: the optional words are skipped."""

    demand_id: int
