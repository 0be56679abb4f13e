"""Roles (conversations/staff_admin.py, staff_region.py): confirming or cancelling the role change /grant or /revoke
showed, or the region /staff_region showed."""

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


@action("sf:region")
class ConfirmStaffRegion(Action):
    """Apply (YES) or drop (NO) the region /staff_region showed for staffer ``user_id``: ``region`` is the new one's
    GB/T 2260 code ("" for every region). Both must equal the change waiting in the admin's user_data, and the
    staffer's role and region are checked again on the server (as shown, or the press is stale)."""

    user_id: BigInt
    answer: YesNo
    region: str = ""
