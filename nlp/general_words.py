"""General technical words: words used across the trades, which say nothing about a craftsman's speciality.

A word is general when the texts of at least half of the 20 GB/T 4754-2017 sections use it (GENERAL_SECTIONS).
The texts are those shipped in ``nlp/data``: the catalogue's division names, notes and detail lines, the green
finance catalogue's project rows and the training texts of ``train/*.tsv`` (never the held-out or evaluation sets).
参数, 调试, 系统, 工艺, 维修 are general; 回流焊, 铝型材, 注塑 are not. Document frequency over these texts, not
over the live talent pool: a pool of two craftsmen makes every word it shares look specific.

The list ships as ``nlp/data/general_words.txt`` (tokenising the texts takes seconds); ``python -m nlp.general_words``
remakes it after the data or the vocabulary changed (tests/test_match_reasons.py checks it is current).
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from nlp.industry import DATA, catalogue
from nlp.normalize import normalize
from nlp.tokenize import Tokenizer, read_terms

GENERAL_WORDS = DATA / "general_words.txt"
GREEN = DATA / "green_finance_catalogue_2025.csv"
TRAIN = DATA / "train"
GENERAL_SECTIONS = 10  # of the 20 sections: half the trades
HEADER = (
    "# General technical words: used in the texts of at least {n} of the 20 GB/T 4754-2017 sections (catalogue notes,\n"
    "# green finance catalogue, nlp/data/train). Made by `python -m nlp.general_words`; do not edit by hand.\n"
)


def texts() -> Iterable[tuple[str, str]]:
    """(text, division code) of every catalogue and training text shipped in nlp/data."""
    cat = catalogue()
    for code, division in cat.divisions.items():
        yield division.name, code
        if division.note:
            yield division.note, code
        yield from ((text, code) for text in division.detail)
    with GREEN.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["gb_code"]
            if len(code) == 4 and code.isdigit():
                yield f"{row['category_name']} {row['conditions']}", code[:2]
    for path in sorted(TRAIN.glob("*.tsv")):
        with path.open(encoding="utf-8", newline="") as fh:
            lines = (line for line in fh if line.strip() and not line.startswith("#"))
            yield from ((r["text"], r["division"].strip()) for r in csv.DictReader(lines, delimiter="\t"))


def section_spread(tokenizer: Tokenizer, documents: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """word → the sections whose texts use it."""
    cat = catalogue()
    spread: dict[str, set[str]] = defaultdict(set)
    for text, code in documents:
        division = cat.division(code)
        if division is None:
            continue
        for word in set(tokenizer.content_words(normalize(text))):
            spread[word].add(division.section)
    return spread


def general_words(tokenizer: Tokenizer, least: int = GENERAL_SECTIONS) -> frozenset[str]:
    """The words the shipped texts of at least ``least`` sections use, except the curated industry vocabulary's
    equipment and materials (``terms.tsv``: 电梯, 变压器, 压缩机 …), which are a speciality however widely they are
    used (the training texts put lifts and transformers at organisations of every trade on purpose) — unless every
    section uses them (系统)."""
    curated = {w for words in read_terms().values() for w in words}
    every = len(catalogue().sections)
    spread = section_spread(tokenizer, texts())
    return frozenset(
        w for w, sections in spread.items() if len(sections) >= least and (w not in curated or len(sections) == every)
    )


@lru_cache(maxsize=1)
def read_general() -> frozenset[str]:
    """The shipped list (``#`` starts a comment line)."""
    lines = GENERAL_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def main() -> int:
    from nlp.tokenize import shared_tokenizer

    words = general_words(shared_tokenizer())
    GENERAL_WORDS.write_text(HEADER.format(n=GENERAL_SECTIONS) + "".join(f"{w}\n" for w in sorted(words)), "utf-8")
    print(f"{len(words)} general words → {GENERAL_WORDS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
