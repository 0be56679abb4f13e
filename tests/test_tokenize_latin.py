"""A run of Latin letters and digits is one word, though the dictionary holds Latin terms (MES, APP, LED …)."""

from __future__ import annotations

import pytest

from nlp.tokenize import shared_tokenizer


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("our steel frames crack", ["our", "steel", "frames", "crack"]),  # was fra + mes: the MES system
        ("games mesh", ["games", "mesh"]),
        ("mes系统 plc程序", ["mes", "系统", "plc", "程序"]),  # a term alone stays itself
        ("4s店 app闪退", ["4s店", "app", "闪退"]),  # mixed dictionary words stay whole
        ("fanuc 0i-mf sv0436报警", ["fanuc", "0i", "mf", "sv0436", "报警"]),
    ],
)
def test_latin_words_are_never_cut_at_a_dictionary_term(text, words):
    assert shared_tokenizer().cut(text) == words


def test_an_english_text_gives_no_reason_from_inside_a_word():
    from nlp.analyzer import shared_analyzer

    record = shared_analyzer().analyse("our steel frames crack").as_record()
    reasons = [reason for candidate in record["top"] for reason in candidate["reasons"]]
    assert "mes" not in reasons
