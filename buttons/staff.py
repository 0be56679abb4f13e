"""Roles (conversations/staff_admin.py): confirming or cancelling the role change /grant showed."""

from __future__ import annotations

from buttons import Action, BigInt, action
from buttons.choices import YesNo


@action("sf:grant")
class ConfirmGrant(Action):
    """Apply (YES) or drop (NO) the grant /grant showed; the change itself waits in the admin's user_data and is
    checked again on the server when pressed."""

    user_id: BigInt
    answer: YesNo
