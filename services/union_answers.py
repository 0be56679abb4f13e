"""Which catalogue answer a member's own union question gets (the rule behind conversations/union.py).

The catalogue's answers (``union.<topic>.answer``) are the mainland's: the PRC's labour laws, the ACFTU's rules, the
human-resources bureaus, the 12351 and 12333 hotlines. None of them applies in Hong Kong, Macao or Taiwan, which have
their own labour law and their own public body for it. A member registered there (their region, or the region it
lies in, is 810000, 820000 or 710000) is told so, in so many words, and pointed to that body instead: its hotline
and its official website, with the ask-staff button under it as for everyone. A member with no region yet, or one
in the mainland, gets the catalogue's answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.regions import RegionDirectory

# province code → (the message of the place's answer, the host its official links lie under)
PLACES: dict[str, tuple[str, str]] = {
    "810000": ("union.place.hong_kong", "gov.hk"),  # 劳工处 Labour Department
    "820000": ("union.place.macao", "gov.mo"),  # 劳工事务局 Labour Affairs Bureau
    "710000": ("union.place.taiwan", "gov.tw"),  # 劳动主管部门, hotline 1955
}


@dataclass(frozen=True, slots=True)
class UnionAnswer:
    """The message to send (``key``); ``mainland``: the catalogue's own answer (whose extras, such as the monthly
    dues worked out at 0.5% of a wage, apply too); ``labels``: placeholders filled with a label's text."""

    key: str
    mainland: bool
    labels: dict[str, str] = field(default_factory=dict)


def union_answer(topic: str, region_code: str | None, regions: RegionDirectory) -> UnionAnswer:
    """The answer for a union matter ``topic`` asked by a member registered in ``region_code``."""
    path = regions.path(region_code)
    place = PLACES.get(path[0].code) if path else None
    if place is None:
        return UnionAnswer(f"union.{topic}.answer", mainland=True)
    return UnionAnswer(place[0], mainland=False, labels={"topic": f"union.topic.{topic}"})
