"""The talent pool: staff review a craftsman's application (services/talent.py, conversations/review.py), and
/experts browses the published specialities (conversations/experts.py)."""

from __future__ import annotations

from buttons import Action, action


@action("rv:ok")
class ApproveCraftsman(Action):
    craftsman_id: int


@action("rv:no")
class RejectCraftsman(Action):
    craftsman_id: int


NO_TEAM = "none"
ALL_REGIONS = "all"


@action("ex:top")
class ExpertSections(Action):
    pass


@action("ex:s")
class ExpertSection(Action):
    section: str  # a GB/T 4754 section letter


@action("ex:d")
class ExpertDivision(Action):
    division: str  # a two-digit division


@action("ex:l")
class ExpertList(Action):
    division: str
    province: str  # a province code, or ALL_REGIONS
    page: int


@action("ex:c")
class ExpertContact(Action):
    craftsman_id: int


@action("ex:a")
class ExpertAssign(Action):
    craftsman_id: int


@action("ex:at")
class AssignTeam(Action):
    craftsman_id: int
    team: str  # a team id, or NO_TEAM
