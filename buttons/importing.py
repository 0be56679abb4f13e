"""Staff's spreadsheet import (conversations/importing.py): import the valid rows only, or abort."""

from __future__ import annotations

import enum

from buttons import Action, action


class ImportChoice(enum.Enum):
    VALID_ONLY = "valid"
    ABORT = "abort"


@action("im")
class ImportDecision(Action):
    choice: ImportChoice
