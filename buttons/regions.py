"""The province → city → county picker (conversations/keyboards.py, region_picker.py). ``ROOT`` stands for
"above the provinces"."""

from __future__ import annotations

from buttons import Action, action

ROOT = "0"


@action("rg:go")
class ShowRegion(Action):
    """Show ``code``'s children (the provinces for ROOT)."""

    code: str


@action("rg:page")
class RegionPage(Action):
    code: str
    page: int


@action("rg:pick")
class PickRegion(Action):
    code: str
