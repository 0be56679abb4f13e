"""nlp/data/dev.tsv: the shape of the development set the team tunes on (never its predictions).

The development set holds real technical problems and training needs quoted from public pages, labelled by hand
before any classifier saw them. The team may look at it and tune on it, so that the held-out set stays untouched.
These checks keep it honest: real division codes, the two technical intents, enough texts in every section, every
row credited to a public page, no text twice, and no page shared with the held-out sets, eval.tsv or the training
data (so nothing here leaks into, or out of, the figures that matter).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

# The held-out shape test already knows the data folder, the header, the sections and the division -> section map.
from tests.test_heldout_data import (
    DATA,
    EVAL,
    HEADER,
    SECTIONS,
    division_section,  # noqa: F401  (a shared pytest fixture)
)
from tests.test_heldout_data import SOURCES as HELDOUT_SOURCES

DEV = DATA / "dev.tsv"
TRAIN = DATA / "train"


def _table(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [r for r in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE) if r and not r[0].startswith("#")]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    header, *body = _table(DEV)
    assert header == HEADER and [r for r in body if len(r) != 4] == []
    return [dict(zip(HEADER, r, strict=True)) for r in body]


def _sources(path: Path) -> set[str]:
    table = _table(path)
    if not table or "source" not in table[0]:
        return set()
    col = table[0].index("source")
    return {r[col].strip() for r in table[1:] if len(r) > col and r[col].startswith("http")}


@pytest.fixture(scope="module")
def used_elsewhere() -> dict[str, set[str]]:
    heldout = {line.strip() for line in HELDOUT_SOURCES.read_text(encoding="utf-8").splitlines() if line.strip()}
    train: set[str] = set()
    for path in sorted(TRAIN.glob("*.tsv")):
        train |= _sources(path)
    heldout2 = DATA / "heldout2_sources.txt"
    second = {line.strip() for line in heldout2.read_text(encoding="utf-8").splitlines() if line.strip()}
    return {"heldout": heldout, "heldout2": second, "eval": _sources(EVAL), "train": train}


def test_every_division_is_a_real_two_digit_code(rows, division_section):
    assert not [r for r in rows if r["division"] not in division_section]


def test_every_row_is_a_problem_or_a_training_need(rows):
    assert {r["intent"] for r in rows} <= {"problem", "training"}


def test_at_least_200_rows(rows):
    assert len(rows) >= 200


def test_every_section_has_at_least_six_texts(rows, division_section):
    per_section = Counter(division_section[r["division"]] for r in rows)
    assert {s: per_section[s] for s in SECTIONS if per_section[s] < 6} == {}


def test_manufacturing_is_spread_but_not_the_bulk(rows, division_section):
    manufacturing = [r for r in rows if division_section[r["division"]] == "C"]
    assert len(manufacturing) >= 30
    assert len({r["division"] for r in manufacturing}) >= 10
    assert len(manufacturing) < len(rows) / 2


def test_every_text_is_non_empty_and_unique(rows):
    texts = [r["text"].strip() for r in rows]
    assert all(texts)
    assert [t for t, n in Counter(texts).items() if n > 1] == []


def test_every_source_is_a_public_web_address(rows):
    assert [r["source"] for r in rows if not r["source"].startswith(("http://", "https://"))] == []


def test_no_page_is_shared_with_heldout_eval_or_training(rows, used_elsewhere):
    sources = {r["source"] for r in rows}
    for name, pages in used_elsewhere.items():
        assert sources & pages == set(), name


def test_no_text_is_shared_with_eval(rows):
    eval_texts = {r[0].strip() for r in _table(EVAL)[1:]}
    assert {r["text"].strip() for r in rows} & eval_texts == set()
