"""Answers several buttons share: yes / no."""

from __future__ import annotations

import enum


class YesNo(enum.Enum):
    YES = "yes"
    NO = "no"
