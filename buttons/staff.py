"""Roles (conversations/staff_admin.py): confirming or cancelling the role change /grant or /revoke showed."""

from __future__ import annotations

from buttons import Action, BigInt, action
from buttons.choices import YesNo


@action("sf:grant")
class ConfirmGrant(Action):
    """Apply (YES) or drop (NO) the grant or revocation /grant or /revoke showed; the change itself (which of the
    two, for whom) waits in the admin's user_data and is checked again on the server when pressed."""

    user_id: BigInt
    answer: YesNo
