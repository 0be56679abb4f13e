"""nlp/data/heldout2.tsv: the shape of the second held-out evaluation set (never its predictions).

The first held-out set (heldout.tsv) had been scored 14 times when this one was built, so its figures were no longer
quite held-out. This set is drawn the same way from yet other public pages: quoted, labelled by hand before any
prediction was looked at, and from no page *and no site* that the first held-out set, the development set, eval.tsv
or the training data use (a site's other pages may restate the same text). These checks keep it that way.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import opencc
import pytest

from tests import test_heldout_data as first
from tests.test_dev_data import DEV, TRAIN, _sources, _table
from tests.test_heldout_data import division_section  # noqa: F401  (a shared pytest fixture)

HELDOUT2 = first.DATA / "heldout2.tsv"
SOURCES2 = first.DATA / "heldout2_sources.txt"


def _site(url: str) -> str:
    """The host a page is on, without ``www.`` (as tests/test_nlp.py compares sites)."""
    return (urlsplit(url.strip()).hostname or "").removeprefix("www.")


def _listed(path: Path) -> set[str]:
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    header, *body = _table(HELDOUT2)
    assert header == first.HEADER and [r for r in body if len(r) != 4] == []
    return [dict(zip(first.HEADER, r, strict=True)) for r in body]


@pytest.fixture(scope="module")
def used_elsewhere() -> dict[str, set[str]]:
    """Every page the other evaluation sets and the training data cite, by name."""
    train: set[str] = set()
    for path in sorted(TRAIN.glob("*.tsv")):
        train |= _sources(path)
    return {
        "heldout": _listed(first.SOURCES) | _sources(first.HELDOUT),
        "dev": _sources(DEV),
        "eval": _sources(first.EVAL),
        "train": train,
    }


def test_every_division_is_a_real_code_or_dash(rows, division_section):
    assert [r for r in rows if r["division"] != "-" and r["division"] not in division_section] == []


def test_every_intent_is_a_known_name(rows):
    assert {r["intent"] for r in rows} <= first.KNOWN_INTENTS


def test_division_present_exactly_for_technical_texts(rows):
    assert [r for r in rows if (r["division"] != "-") != (r["intent"] in first.TECHNICAL_INTENTS)] == []


def test_enough_technical_texts_over_every_section(rows, division_section):
    technical = first.check_technical(rows, division_section, 110)
    # most of it outside manufacturing, and manufacturing itself spread over many divisions
    manufacturing = [r for r in technical if division_section[r["division"]] == "C"]
    assert len(manufacturing) < len(technical) / 3 and len({r["division"] for r in manufacturing}) >= 10


def test_enough_non_technical_texts_of_every_kind(rows):
    first.check_non_technical(rows, 50, 3, ("greeting", "competition", "course", "labour_rights", "other"))


def test_every_row_has_a_web_source_and_no_text_repeats(rows):
    assert [r["source"] for r in rows if not r["source"].startswith(("http://", "https://"))] == []
    assert [r["text"] for r in rows if not r["text"] or r["text"].strip() != r["text"]] == []
    assert [t for t, n in Counter(r["text"] for r in rows).items() if n > 1] == []


def test_sources_file_lists_the_sorted_unique_sources(rows):
    assert SOURCES2.read_text(encoding="utf-8").splitlines() == sorted({r["source"] for r in rows})


def test_no_page_and_no_site_is_shared_with_the_other_sets_or_training(rows, used_elsewhere):
    pages = {r["source"] for r in rows}
    sites = {_site(p) for p in pages}
    for name, elsewhere in used_elsewhere.items():
        assert pages & elsewhere == set(), name
        assert sites & {_site(p) for p in elsewhere} == set(), name


def test_no_text_is_shared_with_the_other_evaluation_sets(rows):
    texts = {r["text"].strip() for r in rows}
    for path in (first.HELDOUT, DEV, first.EVAL):
        assert texts & {r[0].strip() for r in _table(path)[1:]} == set(), path.name


def test_at_least_a_quarter_is_in_traditional_script(rows):
    to_simplified = opencc.OpenCC("t2s")
    traditional = sum(to_simplified.convert(r["text"]) != r["text"] for r in rows)
    assert traditional / len(rows) >= 0.25
