"""English plurals (issue 21 leftovers): a count before a noun reads "1 class" and "2 classes", never "1 classes".
The catalogue writes ``{count} {count:class|classes}`` (i18n/__init__.py); Chinese has no plural and is unchanged."""

from __future__ import annotations

from i18n import label, t

CASES = [  # key, values besides the count, the count's name, English for 1, English for 2
    ("course.list_header", {"page": 1, "pages": 1}, "count", "(1 course,", "(2 courses,"),
    ("course.published", {"name": "CNC"}, "count", "with 1 class.", "with 2 classes."),
    ("queue.title", {}, "count", "1 demand waiting", "2 demands waiting"),
    ("privacy.erased", {}, "demands", "(1 demand kept", "(2 demands kept"),
    ("report.attachments", {}, "count", "(1 attachment)", "(2 attachments)"),
    ("import.errors_file_caption", {}, "count", "1 row", "2 rows"),
    ("broadcast.preview", {"summary": "all"}, "count", "It goes to 1 person.", "It goes to 2 people."),
    ("stats.line.satisfaction", {"value": "100%"}, "ratings", "(1 rating)", "(2 ratings)"),
]


def test_english_counts_agree_with_their_nouns():
    for key, values, name, one, many in CASES:
        assert one in t(key, "en", **values, **{name: 1}), key
        assert many in t(key, "en", **values, **{name: 2}), key
        assert many in label(key, "en", **values, **{name: 2}), key


def test_two_counts_in_one_message_each_agree():
    text = t("report.text_noted", "en", length=1, files=2)
    assert "1 character, 2 attachments" in text
    text = t("report.text_noted_short", "en", length=2, files=1, min=10)
    assert "2 characters, 1 attachment so far" in text and "at least 10 characters" in text


def test_chinese_is_unchanged_and_counts_above_one_read_as_before():
    assert t("queue.title", "zh-hans", count=1) == "待匹配需求 1 条（紧急优先）："
    assert t("course.list_header", "en", count=12, page=1, pages=2) == "<b>Night school</b> (12 courses, page 1/2)"
