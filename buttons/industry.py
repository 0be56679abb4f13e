"""The industry-confirmation step (conversations/industry_step.py): every button names the stored proposal, checked
on the server (whose it is, whether it is settled)."""

from __future__ import annotations

from buttons import Action, action

FAMILY = "ind"


@action("ind:ok")
class ConfirmIndustry(Action):
    proposal_id: int


@action("ind:edit")
class EditIndustry(Action):
    proposal_id: int


@action("ind:pick")
class PickTopIndustry(Action):
    proposal_id: int
    division: str


@action("ind:secs")
class IndustrySections(Action):
    proposal_id: int


@action("ind:sec")
class IndustrySection(Action):
    proposal_id: int
    section: str
    page: int


@action("ind:browse")
class PickBrowsedIndustry(Action):
    proposal_id: int
    division: str
