"""Roles (conversations/staff_admin.py): confirming or cancelling the role change /grant or /revoke showed."""

from __future__ import annotations

import enum

from buttons import Action, BigInt, action
from buttons.choices import YesNo


class RoleChange(enum.Enum):
    GRANT = "grant"
    REVOKE = "revoke"


@action("sf:grant")
class ConfirmGrant(Action):
    """Apply (YES) or drop (NO) the grant or revocation /grant or /revoke showed. The press names the person and
    which of the two it confirms; both must equal the change waiting in the admin's user_data (what was shown, so
    an old /grant confirmation never applies a later /revoke), and the roles are checked again on the server."""

    user_id: BigInt
    change: RoleChange
    answer: YesNo
