"""Staff's spreadsheet import (conversations/importing.py): import the valid rows only, or abort.

``upload`` is the message id of the file the preview is about: a preview's button acts on its own file only (an
older preview's button, pressed after another file was sent, answers that it has expired)."""

from __future__ import annotations

import enum

from buttons import Action, action


class ImportChoice(enum.Enum):
    VALID_ONLY = "valid"
    ABORT = "abort"


@action("im")
class ImportDecision(Action):
    choice: ImportChoice
    upload: int = 0
