"""GB/T 2260 regions: seeding the table, and an in-memory directory for the province → city → county picker.

Rules follow db/seed/SOURCE.md: 直辖市 districts hang directly under the province; "same city" uses
:meth:`RegionDirectory.city_of`, never the first four digits. Names are shown in the reader's language: traditional
script by OpenCC, English from regions_en.csv (pinyin, written once by db/seed/regions_en.py). A typed name is found
in either script, in pinyin, or through region_aliases.csv (a development zone or new area → the divisions it lies
in; a city of 台湾 / 澳门 or a district of 香港 (观塘, 九龙城, "Kwun Tong" …), which GB/T 2260 does not divide).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import func, insert, select

from db.database import Database
from db.models import Region, RegionLevel
from db.seed.places import SEED, Place, read_seed
from nlp.script import is_traditional, to_simplified, to_traditional

ENGLISH = SEED.with_name("regions_en.csv")
ALIASES = SEED.with_name("region_aliases.csv")
AREAS = SEED.with_name("hk_macao_areas.csv")
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


@cache
def english_names(path: Path = ENGLISH) -> dict[str, str]:
    """Code → English name (db/seed/regions_en.csv)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: r["name_en"] for r in csv.DictReader(fh)}


@dataclass(frozen=True, slots=True)
class Alias:
    """A name that is no division: ``kind`` "zone" (a development zone, a new area) or "place" (a city of 台湾,
    香港, 澳门), with the divisions it lies in."""

    codes: tuple[str, ...]
    kind: str


@cache
def aliases(path: Path = ALIASES, areas: Path = AREAS) -> dict[str, Alias]:
    """Every name that is no division: region_aliases.csv's, then hk_macao_areas.csv's well-known areas of Hong
    Kong and parishes of Macao (in Chinese and in English), each placed where the regions table can hold it."""
    with path.open(encoding="utf-8", newline="") as fh:
        found = {r["alias"]: Alias(tuple(r["codes"].split()), r["kind"]) for r in csv.DictReader(fh)}
    with areas.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            for name in filter(None, (row["name_zh"], row["name_en"])):
                found[name] = Alias((row["code"],), "place")
    return found


@dataclass(frozen=True, slots=True)
class RegionNamed:
    """What a typed region names (:meth:`RegionDirectory.resolve`): one region (``code``; None for every region),
    or, when it is not ``found``, the places it might mean (none: nothing by that name or code)."""

    found: bool
    code: str | None = None
    candidates: tuple[str, ...] = ()


_CODE = re.compile(r"\d{6}")  # a GB/T 2260 code
_KINDS = ("", "市", "县", "区", "旗", "自治县", "自治旗", "林区", "特区")  # what a division's name may add to a name
_FOLD = re.compile(r"[\s'’-]+")
_SYLLABLE = re.compile(r"[a-z]*[aeiouv]")  # a pinyin syllable has a vowel: "c", "ch", "zh" are none yet
_LISTED = re.compile(r"\s*[,，、/]\s*")  # between the names of a place typed with the places it lies in
MAX_WORDS = 6  # a place typed as more words than this is tried as one name per word only


def _folded(text: str, chinese: bool = True) -> str:
    """A name compared as simplified Chinese, lower case, without spaces or apostrophes ("Xi'an" = "xian")."""
    return _FOLD.sub("", to_simplified(text) if chinese else text).lower()


async def seed_regions(db: Database, path: Path = SEED) -> int:
    """Load the GB/T 2260 table into an empty ``regions`` table; return how many rows were inserted."""
    async with db.session() as session:
        if await session.scalar(select(func.count()).select_from(Region)):
            return 0
        places = read_seed(path)
        rows = [
            {"code": p.code, "name": p.name, "level": RegionLevel(p.level), "parent_code": p.parent_code}
            for p in sorted(places, key=lambda p: {"province": 0, "city": 1, "county": 2}[p.level])
        ]
        await session.execute(insert(Region), rows)
        return len(rows)


class RegionDirectory:
    """All regions in memory (3,212 rows): children, paths and name search in microseconds."""

    def __init__(self, places: list[Place]) -> None:
        self.by_code = {p.code: p for p in places}
        english = english_names()
        self.english = {p.code: english.get(p.code, p.name) for p in places}
        self._folded_english = {code: _folded(name, chinese=False) for code, name in self.english.items()}
        self.aliases = {_folded(a): alias for a, alias in aliases().items()}
        self.named: dict[str, list[str]] = {}
        for place in places:
            self.named.setdefault(place.name, []).append(place.code)
        self.children: dict[str | None, list[Place]] = {}
        for place in sorted(places, key=lambda p: p.code):
            self.children.setdefault(place.parent_code, []).append(place)

    @classmethod
    async def load(cls, db: Database) -> RegionDirectory:
        async with db.session() as session:
            rows = (await session.execute(select(Region.code, Region.name, Region.level, Region.parent_code))).all()
        return cls([Place(c, n, lvl.value if hasattr(lvl, "value") else lvl, p) for c, n, lvl, p in rows])

    def get(self, code: str | None) -> Place | None:
        return self.by_code.get(code or "")

    def provinces(self) -> list[Place]:
        return self.children.get(None, [])

    def children_of(self, code: str) -> list[Place]:
        return self.children.get(code, [])

    def path(self, code: str | None) -> list[Place]:
        out: list[Place] = []
        place = self.get(code)
        while place is not None:
            out.append(place)
            place = self.get(place.parent_code)
        return out[::-1]

    def name(self, code: str, lang: str | None = None) -> str:
        """A region's name for a reader of ``lang``: Chinese in their script; in English its English name with the
        Chinese after it ("Suzhou (苏州市)"), which is what signs and addresses show."""
        place = self.by_code[code]
        return f"{self.english[code]} ({place.name})" if lang == "en" else _script(place.name, lang)

    def full_name(self, code: str | None, lang: str | None = None) -> str | None:
        """Province to county, "江苏省 苏州市 吴江区" (as stored and exported when ``lang`` is None); for an English
        reader "Wujiang District, Suzhou, Jiangsu (江苏省 苏州市 吴江区)"."""
        parts = self.path(code)
        if not parts:
            return None
        chinese = " ".join(p.name for p in parts)
        if lang == "en":
            return ", ".join(self.english[p.code] for p in reversed(parts)) + f" ({chinese})"
        return _script(chinese, lang)

    def descendants(self, code: str) -> list[str]:
        """``code`` and every region under it: the places a scope of ``code`` covers."""
        out, stack = [], [code]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(p.code for p in self.children.get(current, []))
        return out

    def ancestors(self, code: str | None) -> list[str]:
        """``code`` and the regions above it: the scopes that cover a person living in ``code``."""
        return [p.code for p in self.path(code)]

    def city_of(self, code: str) -> str:
        place = self.by_code[code]
        if place.level in ("city", "province"):
            return code
        if place.parent_code in MUNICIPALITIES:
            return place.parent_code
        parent = self.get(place.parent_code)
        return parent.code if parent is not None and parent.level == "city" else code

    def zone(self, query: str) -> Alias | None:
        """What ``query`` names when it is no division but a zone or a city GB/T 2260 does not list."""
        folded = _folded(query)
        # 台北市, 观塘区 (香港), "Islands District": the whole name, with or without its kind
        for name in (folded, folded.removesuffix("市"), folded.removesuffix("区"), folded.removesuffix("district")):
            if name in self.aliases:
                return self.aliases[name]
        return None

    def search(self, query: str, limit: int = 12) -> list[Place]:
        """The places a typed name means, best first: what an alias names ("苏州工业园区" → 苏州市, "臺北" → 台湾省),
        then names that start with it (then contain it): '湖州' finds 湖州市, '朝阳' every 朝阳 there is; in either
        script, and in pinyin ("suzhou", "Xi'an"). A place named after the places it lies in ("湖州 吴兴", "huzhou
        wuxing", "北京 朝阳", "湖州吴兴") is what its last name finds inside what the others find; named before
        them, as the bot writes it in English and addresses are written ("Wuxing District, Huzhou", "吴兴 湖州",
        "Hong Kong Kwun Tong"), what its first name finds inside what the others find."""
        if shared := self.shared(query):  # 大埔, 东区: the places of exactly that name, not what merely ends in it
            return shared[:limit]
        found = self._named(query, limit)
        if found:
            return found
        names = _names_in(query)
        if len(names[0]) > 1:
            for order in names:  # as typed, then child first ("Wuxing District, Huzhou", "吴兴 湖州")
                if found := self._inside(order, limit) or self._inside(order[::-1], limit):
                    return found
            return []
        run = _folded(query)  # "湖州吴兴": the place may start anywhere after the first two characters
        for cut in range(2, len(run) - 1) if run and not run.isascii() else ():
            if found := self._inside([run[:cut], run[cut:]], limit) or self._inside([run[cut:], run[:cut]], limit):
                return found
        return []

    def _inside(self, words: list[str], limit: int) -> list[Place]:
        """What the last of ``words`` finds that lies inside something each of the others finds."""
        everything = len(self.by_code)
        outer = [{p.code for p in self._named(word, everything)} for word in words[:-1]]
        if not all(outer):
            return []
        return [  # the place itself may be what an outer name finds: "Hong Kong Kwun Tong" (a district not divided)
            p for p in self._named(words[-1], everything) if all(set(self.ancestors(p.code)) & codes for codes in outer)
        ][:limit]

    def _named(self, query: str, limit: int) -> list[Place]:
        folded = _folded(query)
        if not folded:
            return []
        alias = self.zone(query)
        named = [self.by_code[c] for c in alias.codes if c in self.by_code] if alias else []
        pinyin = _is_syllable_long(folded)
        starts = [
            p
            for p in self.by_code.values()
            if p.name.startswith(folded)
            or (self._folded_english[p.code].startswith(folded) if pinyin else self._folded_english[p.code] == folded)
        ]
        first = {p.code for p in starts}
        contains = [p for p in self.by_code.values() if folded in p.name and p.code not in first]
        order = {"province": 0, "city": 1, "county": 2}
        ranked = sorted(starts, key=lambda p: (order[p.level], p.code)) + sorted(
            contains, key=lambda p: (order[p.level], p.code)
        )
        shown = set(alias.codes) if alias else set()
        return (named + [p for p in ranked if p.code not in shown])[:limit]

    def shared(self, text: str) -> list[Place]:
        """The places a name of 香港, 澳门 or 台湾 (an alias of kind "place") shares with divisions named exactly so
        ("大埔": 香港 and 梅州 大埔县; "东区": 香港 and 攀枝花 东区, not 河东区 or 桥东区); empty when no division shares it."""
        alias = self.zone(text)
        if alias is None or alias.kind == "zone" or not self.namesakes(text):
            return []
        return [self.by_code[c] for c in self.alias_codes(text)]

    def alias_codes(self, text: str) -> list[str]:
        """The one rule for what an alias names (:meth:`shared` and :meth:`resolve` both read it): the divisions it
        lies in, then the divisions named exactly so (:meth:`namesakes`: "大埔" → 香港, then 梅州 大埔县); empty when
        ``text`` is no alias."""
        alias = self.zone(text)
        if alias is None:
            return []
        return list(dict.fromkeys([*(c for c in alias.codes if c in self.by_code), *self.namesakes(text)]))

    def namesakes(self, text: str) -> list[str]:
        """The divisions named ``text`` itself or ``text`` and the kind of division ("大埔" → 大埔县, "马鞍山" →
        马鞍山市): the places a name typed alone means as surely as an alias of it."""
        folded = _folded(text)
        return [code for kind in _KINDS for code in self.named.get(folded + kind, [])]

    def resolve(self, text: str, within: str | None = None) -> RegionNamed:
        """The one region ``text`` names (either script, pinyin, a zone's alias, or a GB/T 2260 code), never a guess:
        an exact name or an alias first (both, with the divisions named it plus their kind, when an alias shares a
        division's name: "大埔" is 香港 and 梅州 大埔县), then what :meth:`search` finds. Several places: a city and its namesake
        county (南昌市, 南昌县) is the city; else the one inside ``within`` (the reader's own region), if just one
        is; else they come back as candidates (朝阳: 辽宁 朝阳市, 北京 and 长春 朝阳区)."""
        text = to_simplified(text.strip())
        if _CODE.fullmatch(text):
            return RegionNamed(True, text) if self.get(text) else RegionNamed(False)
        places = self.search(text)
        exact = [p.code for p in places if p.name == text]
        named = self.alias_codes(text)  # a name Hong Kong or a zone shares with divisions (大埔: 大埔县 too): all asked
        for chosen in (named or exact, [p.code for p in places]):
            if not chosen:
                continue
            tops = [c for c in chosen if not any(o != c and o in self.ancestors(c) for o in chosen)]
            inside = [c for c in tops if within in self.ancestors(c)] if within else []
            for one in (tops, inside):
                if len(one) == 1:
                    return RegionNamed(True, one[0])
            return RegionNamed(False, candidates=tuple(tops))
        return RegionNamed(False)


def _is_syllable_long(folded: str) -> bool:
    """Whether a typed name is long enough to be read as the start of a pinyin name: not a letter or two short of a
    syllable ("C", "ch" listed every 常州, 长沙, 重庆 …), but at least a whole one ("an", "xi", "chang")."""
    return not folded.isascii() or (len(folded) >= 2 and _SYLLABLE.match(folded) is not None)


def _names_in(query: str) -> list[list[str]]:
    """The ways ``query`` may be several names, each a list of names, outermost or innermost first: split at its
    commas ("Wuxing District, Huzhou"); else at its spaces, each word a name ("湖州 吴兴"), then, for names of two
    words or more in English, at each space into two names ("Hong Kong Kwun Tong", "Wuxing District Huzhou")."""
    text = query.strip()
    parts = [p for p in _LISTED.split(text) if p.strip()]
    if len(parts) > 1:
        return [[p.strip() for p in parts]]
    words = text.split()
    if len(words) < 2:
        return [words]
    if not 2 < len(words) <= MAX_WORDS:
        return [words]
    return [words, *([" ".join(words[:cut]), " ".join(words[cut:])] for cut in range(1, len(words)))]


def _script(chinese: str, lang: str | None) -> str:
    """Official names stored in simplified Chinese, in a traditional reader's forms (i18n.localise's rule)."""
    return to_traditional(chinese, lang) if is_traditional(lang) else chinese
