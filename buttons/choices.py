"""Answers several buttons share: yes / no, and the last button of a multi-select."""

from __future__ import annotations

import enum


class YesNo(enum.Enum):
    YES = "yes"
    NO = "no"


DONE = "done"  # the value of a multi-select's last button
