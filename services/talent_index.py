"""The talent index behind 平台匹配: the published talent pool as numpy arrays and a BM25 inverted index, the
static part of each craftsman's score (industry, speciality, region), and the read models the matcher returns.

services/matching.py holds the weights' story and the Matcher, which reads the live parts (load, rating, pause,
mode) from the database for the best candidates of each query.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Row

from db.models import CraftsmanStatus, DemandStatus, MatchStatus
from nlp.general_words import read_general
from nlp.industry import catalogue
from nlp.tokenize import Tokenizer

W_DIVISION, W_SECTION = 0.35, 0.10
W_SPECIALITY = 0.35
W_COUNTY, W_CITY, W_PROVINCE = 0.15, 0.10, 0.05
W_LOAD, W_RATING, W_MODE = 0.05, 0.05, 0.05
BM25_K1, BM25_B = 1.2, 0.75
BM25_FLOOR = 8.0  # a BM25 sum this high counts as a full speciality match even when nobody scores higher
RATING_PRIOR, RATING_PRIOR_WEIGHT = 4.0, 2
# a word says nothing about the trade, so it is no speciality reason on its own, when the texts of half the industry
# sections shipped in nlp/data use it (参数, 调试, 系统: nlp/general_words.py, whatever the size of the pool) or the
# pool's craftsmen use it across this share of the industries they cover (and at least GENERAL_MIN of them): "印染工艺"
# is no reason for an SMT problem that asks about 工艺参数, while 铝型材, however many aluminium experts, stays one
GENERAL_SHARE, GENERAL_MIN = 0.2, 3
SHORTLIST = 64  # candidates read fresh from the database per round
BUSY = (MatchStatus.OFFERED, MatchStatus.ACCEPTED)  # matches that hold a place of the craftsman's capacity
OPEN_DEMANDS = (DemandStatus.MATCHED, DemandStatus.ACCEPTED, DemandStatus.SCHEDULED, DemandStatus.IN_SERVICE)


@dataclass(frozen=True)
class Reasons:
    """Why a craftsman was proposed; rendered per language by the conversations."""

    division: str | None = None  # same division: its code
    section: str | None = None  # same section only: its letter
    skills: tuple[str, ...] = ()  # the craftsman's speciality lines that share a specific word with the demand
    region: str | None = None  # county | city | province
    load: int = 0
    capacity: int = 0
    rating: float | None = None  # the plain mean of the stars given
    ratings: int = 0
    mode: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Reasons:
        data = dict(data or {})
        data["skills"] = tuple(data.get("skills") or ())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Candidate:
    craftsman_id: int
    name: str
    user_id: int | None
    score: float
    reasons: Reasons
    phone: str = ""  # for staff to call one without a Telegram account (user_id)
    workplace: str = ""  # tells apart namesakes (queue buttons)
    region_code: str | None = None

    @property
    def has_phone(self) -> bool:
        """Without a Telegram account and without a phone, nobody can reach him."""
        return bool(self.phone)

    @property
    def reachable(self) -> bool:
        """An offer can be sent (he has an account) or phoned."""
        return self.user_id is not None or self.has_phone


def told_apart(candidates: list[Candidate]) -> list[tuple[str | None, str | None]]:
    """What a list of candidates shows besides each name so that none looks like another: (workplace, region code)
    — nothing for a name of its own, the workplace for namesakes, and the region too when that is shared as well."""
    names = [c.name for c in candidates]
    places = [(c.name, c.workplace) for c in candidates]
    return [
        (None, None)
        if names.count(c.name) == 1
        else (c.workplace, None)
        if places.count((c.name, c.workplace)) == 1
        else (c.workplace, c.region_code)
        for c in candidates
    ]


@dataclass(frozen=True)
class Live:
    """A shortlisted craftsman scored with fresh data, before its reasons are written."""

    craftsman_id: int
    score: float
    row: int
    row_data: Row[Any]  # the craftsman's fresh database row
    load: int
    mode: str | None


@dataclass(frozen=True)
class DemandQuery:
    """What the matcher needs of a demand."""

    text: str
    division: str | None
    region_code: str | None
    service_mode: str | None = None
    escalated: bool = False
    exclude: frozenset[int] = frozenset()  # craftsman ids


@dataclass
class TalentIndex:
    """The published talent pool as arrays: row i is craftsman ``ids[i]``."""

    ids: np.ndarray
    names: list[str]
    county: np.ndarray  # region code as int (330502)
    city: np.ndarray  # its first four digits
    province: np.ndarray  # its first two digits
    by_division: dict[str, np.ndarray]
    by_section: dict[str, np.ndarray]
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # word → (rows, BM25 weight of the word in each row)
    idf: dict[str, float]
    specialities: list[list[str]]
    version: tuple[Any, ...] = field(default=())
    general: frozenset[str] = frozenset()  # words used across too many industries to be a reason (GENERAL_SECTIONS)

    @property
    def size(self) -> int:
        return len(self.ids)


def _region_parts(code: str | None) -> tuple[int, int, int]:
    if not code or not code.isdigit():
        return -1, -1, -1
    return int(code), int(code[:4]), int(code[:2])


def build_index(
    rows: list[tuple[int, str, str, str, list[str]]],
    divisions: dict[int, list[str]],
    tokenizer: Tokenizer,
    version: tuple[Any, ...] = (),
) -> TalentIndex:
    """``rows``: (id, name, region code, normalised speciality text, speciality lines) of published craftsmen."""
    n = len(rows)
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    regions = np.array([_region_parts(r[2]) for r in rows], dtype=np.int64).reshape(n, 3)
    sections = catalogue()
    by_division: dict[str, list[int]] = {}
    by_section: dict[str, list[int]] = {}
    tf_rows: dict[str, list[tuple[int, int]]] = {}
    lengths = np.zeros(n, dtype=np.float64)
    for i, (craftsman_id, _name, _region, text, _lines) in enumerate(rows):
        for division in divisions.get(craftsman_id, ()):
            by_division.setdefault(division, []).append(i)
            found = sections.division(division)
            if found is not None:
                by_section.setdefault(found.section, []).append(i)
        words = tokenizer.content_words(text)
        lengths[i] = len(words)
        for word, count in Counter(words).items():
            tf_rows.setdefault(word, []).append((i, count))
    average = float(lengths.mean()) if n else 0.0
    postings, idf = {}, {}
    for word, hits in tf_rows.items():
        rows_of = np.fromiter((h[0] for h in hits), dtype=np.int64, count=len(hits))
        tf = np.fromiter((h[1] for h in hits), dtype=np.float64, count=len(hits))
        idf[word] = math.log(1 + (n - len(hits) + 0.5) / (len(hits) + 0.5))
        norm = BM25_K1 * (1 - BM25_B + BM25_B * lengths[rows_of] / (average or 1.0))
        postings[word] = (rows_of, idf[word] * tf * (BM25_K1 + 1) / (tf + norm))

    trades = {i: divisions.get(r[0], ()) for i, r in enumerate(rows)}
    common = max(GENERAL_MIN, GENERAL_SHARE * len({d for codes in trades.values() for d in codes}))
    general = read_general() | frozenset(
        word for word, hits in tf_rows.items() if len({d for i, _ in hits for d in trades[i]}) >= common
    )

    def unique(groups: dict[str, list[int]]) -> dict[str, np.ndarray]:
        return {k: np.unique(np.array(v, dtype=np.int64)) for k, v in groups.items()}

    return TalentIndex(
        ids,
        [r[1] for r in rows],
        regions[:, 0].copy(),
        regions[:, 1].copy(),
        regions[:, 2].copy(),
        unique(by_division),
        unique(by_section),
        postings,
        idf,
        [list(r[4]) for r in rows],
        version,
        general,
    )


def static_scores(index: TalentIndex, query: DemandQuery, words: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(score without load/rating/mode, BM25 sums) for every row of ``index``."""
    score = np.zeros(index.size, dtype=np.float64)
    if query.division:
        found = catalogue().division(query.division)
        if found is not None and found.section in index.by_section:
            score[index.by_section[found.section]] = W_SECTION
        if query.division in index.by_division:
            score[index.by_division[query.division]] = W_DIVISION
    bm25 = np.zeros(index.size, dtype=np.float64)
    for word in set(words):
        hit = index.postings.get(word)
        if hit is not None:
            bm25[hit[0]] += hit[1]
    top = float(bm25.max()) if index.size else 0.0
    if top > 0:
        score += W_SPECIALITY * bm25 / max(top, BM25_FLOOR)
    county, city, province = _region_parts(query.region_code)
    if province >= 0:
        if query.escalated:  # the provincial team looks across the whole province
            score[index.province == province] += W_COUNTY
        else:
            score[index.province == province] += W_PROVINCE
            score[index.city == city] += W_CITY - W_PROVINCE
            if county % 100:  # a county-level code, not a city's
                score[index.county == county] += W_COUNTY - W_CITY
    return score, bm25


def region_reason(query: DemandQuery, code: str) -> str | None:
    mine, theirs = _region_parts(query.region_code), _region_parts(code)
    if mine[2] < 0 or theirs[2] != mine[2]:
        return None
    if mine[0] == theirs[0] and mine[0] % 100:
        return "county"
    return "city" if mine[1] == theirs[1] else "province"


def rating_of(rating_sum: int, rating_count: int) -> float:
    return (rating_sum + RATING_PRIOR * RATING_PRIOR_WEIGHT) / (rating_count + RATING_PRIOR_WEIGHT)


def contains_row(rows: np.ndarray | None, row: int) -> bool:
    """Is ``row`` in the sorted array ``rows``?"""
    if rows is None or not len(rows):
        return False
    at = int(np.searchsorted(rows, row))
    return at < len(rows) and int(rows[at]) == row


def available(active: bool, status: CraftsmanStatus, paused_until: date | None, today: date) -> bool:
    return active and status is CraftsmanStatus.APPROVED and (paused_until is None or paused_until < today)
