"""nlp/data/heldout.tsv: the shape of the independent held-out evaluation set (never its predictions).

The set is built from public pages that the vocabulary and training data do not use, labelled by hand before any
prediction was looked at. These checks keep it honest: real codes and intent names, enough texts of every kind,
every row credited to a page, and no page or text shared with the in-sample set eval.tsv.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import opencc
import pytest

DATA = Path(__file__).resolve().parent.parent / "nlp" / "data"
HELDOUT = DATA / "heldout.tsv"
SOURCES = DATA / "heldout_sources.txt"
EVAL = DATA / "eval.tsv"
GBT = DATA / "gbt4754_2017.csv"

HEADER = ["text", "division", "intent", "source"]
TECHNICAL_INTENTS = {"problem", "training"}
UNION_SERVICE_INTENTS = {
    "membership",
    "welfare",
    "hardship",
    "certification",
    "subsidy",
    "contract",
    "wages",
    "injury",
    "culture",
}
OTHER_INTENTS = {"competition", "course", "labour_rights", "greeting", "other"}
KNOWN_INTENTS = TECHNICAL_INTENTS | UNION_SERVICE_INTENTS | OTHER_INTENTS
SECTIONS = "ABCDEFGHIJKLMNOPQRST"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    table = _rows(HELDOUT)
    assert table[0] == HEADER
    assert all(len(r) == 4 for r in table[1:]), [r for r in table[1:] if len(r) != 4]
    return [dict(zip(HEADER, r, strict=True)) for r in table[1:]]


@pytest.fixture(scope="module")
def division_section() -> dict[str, str]:
    with GBT.open(encoding="utf-8", newline="") as f:
        return {r["code"]: r["section"] for r in csv.DictReader(f) if r["level"] == "大类"}


def test_every_division_is_a_real_code_or_dash(rows, division_section):
    bad = [r for r in rows if r["division"] != "-" and r["division"] not in division_section]
    assert not bad


def test_every_intent_is_a_known_name(rows):
    assert {r["intent"] for r in rows} <= KNOWN_INTENTS


def test_division_present_exactly_for_technical_texts(rows):
    wrong = [r for r in rows if (r["division"] != "-") != (r["intent"] in TECHNICAL_INTENTS)]
    assert not wrong


def check_technical(
    rows: list[dict[str, str]], division_section: dict[str, str], at_least: int
) -> list[dict[str, str]]:
    """At least ``at_least`` technical texts, 3 in every section, 3 training needs; the technical rows."""
    technical = [r for r in rows if r["division"] != "-"]
    assert len(technical) >= at_least
    per_section = Counter(division_section[r["division"]] for r in technical)
    assert {s: per_section[s] for s in SECTIONS if per_section[s] < 3} == {}
    assert sum(r["intent"] == "training" for r in technical) >= 3
    return technical


def check_non_technical(rows: list[dict[str, str]], at_least: int, per_service: int, others: tuple[str, ...]) -> None:
    """At least ``at_least`` non-technical texts, ``per_service`` of every union-service intent, one of each other."""
    other = [r for r in rows if r["division"] == "-"]
    assert len(other) >= at_least
    per_intent = Counter(r["intent"] for r in other)
    assert {i: per_intent[i] for i in UNION_SERVICE_INTENTS if per_intent[i] < per_service} == {}
    assert [i for i in others if per_intent[i] < 1] == []


def test_enough_technical_texts_over_every_section(rows, division_section):
    check_technical(rows, division_section, 150)


def test_enough_non_technical_texts_of_every_kind(rows):
    check_non_technical(rows, 60, 4, ("greeting", "competition", "course", "labour_rights"))


def test_every_row_has_a_web_source_and_no_text_repeats(rows):
    assert all(r["source"].startswith(("http://", "https://")) for r in rows)
    assert all(r["text"].strip() == r["text"] and r["text"] for r in rows)
    repeated = [t for t, n in Counter(r["text"] for r in rows).items() if n > 1]
    assert not repeated


def test_nothing_shared_with_the_in_sample_eval_set(rows):
    table = _rows(EVAL)
    eval_sources = {r[3] for r in table[1:]}
    eval_texts = {r[0] for r in table[1:]}
    assert not eval_sources & {r["source"] for r in rows}
    assert not eval_texts & {r["text"] for r in rows}


def test_sources_file_lists_the_sorted_unique_sources(rows):
    listed = SOURCES.read_text(encoding="utf-8").splitlines()
    assert listed == sorted({r["source"] for r in rows})


def test_about_a_third_is_in_traditional_script(rows):
    to_simplified = opencc.OpenCC("t2s")
    traditional = sum(to_simplified.convert(r["text"]) != r["text"] for r in rows)
    assert traditional / len(rows) >= 0.25
