"""The monthly union dues on the wage a member's dues question names (the answer in conversations/union.py adds the
figure to the catalogue's text)."""

from __future__ import annotations

import re
from decimal import Decimal

from services.everyday import amount

# Union dues: members pay 0.5 % of their monthly wage (ACFTU rule; the catalogue's answer cites it). A question that
# names a wage gets the figure: "我月薪5000，会费交多少" → 25.
DUES_RATE = Decimal("0.005")
MAX_WAGE = 10_000_000
_WAGE = re.compile(
    r"(?:月薪|工资|月收入|收入|薪水|薪资)(?:是|为|有|大概|大约|约)?([0-9０-９.,，一二三四五六七八九十两零百千万]+)(?:元|块)?"
)


def monthly_dues(question: str) -> Decimal | None:
    """The monthly dues on the wage a dues question names, to the fen; None when it asks about no dues or names no
    wage."""
    if "会费" not in question:
        return None
    found = _WAGE.search(question)
    wage = amount(found.group(1).rstrip(".,，"), MAX_WAGE) if found else None
    if not wage:
        return None
    return (wage * DUES_RATE).quantize(Decimal("0.01")).normalize()
