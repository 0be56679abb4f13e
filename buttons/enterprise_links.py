"""Pending enterprise links (services/enterprise_links.py, conversations/enterprise_links.py): a verified member of
the enterprise, or staff, confirms or refuses that ``requester`` belongs to it."""

from __future__ import annotations

import enum

from buttons import Action, BigInt, action


class Decision(enum.Enum):
    CONFIRM = "ok"
    REFUSE = "no"


@action("el")
class DecideLink(Action):
    decision: Decision
    requester: BigInt  # a Telegram user id
    enterprise_id: int
