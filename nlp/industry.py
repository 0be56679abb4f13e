"""GB/T 4754-2017 《国民经济行业分类》: sections (门类) and divisions (大类) with their official names and notes.

The table is shipped in ``nlp/data/gbt4754_2017.csv`` (see ``nlp/data/SOURCE.md``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from nlp.script import is_traditional, to_simplified, to_traditional

DATA = Path(__file__).resolve().parent / "data"
TABLE = DATA / "gbt4754_2017.csv"
ENGLISH = DATA / "gbt4754_sections_en.csv"  # the sections' English names (SOURCE.md)
DIVISIONS_ENGLISH = DATA / "gbt4754_divisions_en.csv"  # the divisions' English names, translated by us (SOURCE.md)


@dataclass(frozen=True)
class Division:
    code: str  # two digits, "32"
    section: str  # one letter, "C"
    name: str
    note: str
    # names and notes of its groups (中类) and classes (小类): the words the standard uses for the work
    detail: tuple[str, ...] = field(default=(), repr=False)
    name_en: str = ""

    @property
    def label(self) -> str:
        return f"{self.section}{self.code} {self.name}"

    def label_in(self, lang: str | None) -> str:
        """The label a reader of ``lang`` sees: "C29 Rubber and plastic products (橡胶和塑料制品业)" in English (our
        translation, so the official name stays beside it), "C29 橡膠和塑料製品業" in traditional script."""
        if lang == "en" and self.name_en:
            return f"{self.section}{self.code} {self.name_en} ({self.name})"
        return to_traditional(self.label, lang) if is_traditional(lang) else self.label


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    divisions: tuple[str, ...]
    name_en: str = ""

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"  # "C 制造业", as Division.label is "C32 …"

    def label_in(self, lang: str | None) -> str:
        """The label a reader of ``lang`` sees: "C Manufacturing" in English, "C 製造業" in traditional script."""
        if lang == "en" and self.name_en:
            return f"{self.code} {self.name_en}"
        return to_traditional(self.label, lang) if is_traditional(lang) else self.label


@dataclass(frozen=True)
class Catalogue:
    sections: dict[str, Section]
    divisions: dict[str, Division]

    def division(self, code: str) -> Division | None:
        return self.divisions.get(code)

    def section_of(self, division: str) -> Section:
        return self.sections[self.divisions[division].section]

    def label_in(self, code: str, lang: str | None) -> str:
        """A division's ("34") or a section's ("C") label for a reader of ``lang``; "" for an unknown code."""
        found = self.divisions.get(code) or self.sections.get(code)
        return found.label_in(lang) if found else ""

    def named(self, text: str) -> str | None:
        """The section ("C") or division ("34") ``text`` names exactly: a section's letter ("C", "c"), a division's
        code with its letter ("C34"), or an official or English name in either script ("制造业", "通用設備製造業",
        "Manufacturing"); None for anything else (a bare number, a word of a name)."""
        typed = " ".join(to_simplified(text).split())
        upper = typed.upper()
        if upper in self.sections:
            return upper
        if len(upper) == 3 and upper[1:] in self.divisions and self.divisions[upper[1:]].section == upper[0]:
            return upper[1:]
        lower = typed.lower()
        names = [(c, s.name, s.name_en) for c, s in self.sections.items()]
        names += [(c, d.name, d.name_en) for c, d in self.divisions.items()]
        for code, name, name_en in names:
            if typed == name or (name_en and lower == name_en.lower()):
                return code
        return None


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    sections: dict[str, tuple[str, list[str]]] = {}
    divisions: dict[str, dict[str, Any]] = {}
    with TABLE.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            level, code = row["level"], row["code"]
            if level == "门类":
                sections[code] = (row["name"], [])
            elif level == "大类":
                sections[row["section"]][1].append(code)
                divisions[code] = {"section": row["section"], "name": row["name"], "note": row["desc"], "detail": []}
            else:
                divisions[code[:2]]["detail"].extend(t for t in (row["name"], row["desc"]) if t)
    english: dict[str, str] = {}
    for path in (ENGLISH, DIVISIONS_ENGLISH):
        with path.open(encoding="utf-8", newline="") as fh:
            english.update((row["code"], row["name_en"]) for row in csv.DictReader(fh))
    return Catalogue(
        sections={c: Section(c, name, tuple(divs), english.get(c, "")) for c, (name, divs) in sections.items()},
        divisions={
            c: Division(c, d["section"], d["name"], d["note"], tuple(d["detail"]), english.get(c, ""))
            for c, d in divisions.items()
        },
    )
