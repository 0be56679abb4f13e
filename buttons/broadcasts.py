"""Broadcasts outside the /broadcast conversation (runtime/broadcasting.py, conversations/broadcast_control.py):
the final report's button for the CSV of recipients not reached. The /broadcast form's own buttons share the
``bc`` family."""

from __future__ import annotations

from buttons import Action, action

FAMILY = "bc"


@action("bc:csv")
class BroadcastFailures(Action):
    broadcast_id: int


@action("bc:stop")
class StopBroadcast(Action):
    """/broadcast_cancel without a number: stop this one of the open broadcasts listed (checked again on press)."""

    broadcast_id: int
