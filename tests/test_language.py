"""The language rule (services/language.py) and the traditional variants per region (nlp/script.py)."""

from __future__ import annotations

import pytest

from i18n import catalogue, localise, t
from nlp.script import Script, is_traditional, to_traditional, traditional_variant
from services.language import HISTORY, SUSTAINED, answer_language, remember

LATIN_LINES = ["FANUC 0i-MF SV0436", "<div class=x>", "select * from t", "https://example.org/live-class"]


def typed(*texts: str, history: str = "") -> str:
    for text in texts:
        history = remember(history, text)
    return history


@pytest.mark.parametrize("line", LATIN_LINES)
@pytest.mark.parametrize("code", ["zh-hans", "zh-TW", None, "ru"])
def test_one_latin_line_never_switches_to_english(line, code):
    before = answer_language(None, code, typed("主轴发热"))
    assert answer_language(None, code, typed("主轴发热", line)) == before != "en"


def test_a_chinese_language_code_keeps_chinese_whatever_is_typed():
    english = typed("please help us", "the spindle is hot", "what can I do", "thank you all")
    assert answer_language(None, "zh-hans", english) == "zh-hans"
    assert answer_language(None, "zh-TW", english) == "zh-tw"


def test_sustained_english_without_a_chinese_code_is_answered_in_english():
    two = typed("please help us", "the spindle is hot")
    assert answer_language(None, None, two) == "zh-hans"  # two lines are not yet a pattern
    assert answer_language(None, None, typed("what can I do", history=two)) == "en"
    assert answer_language(None, "ru", typed("what can I do", history=two)) == "en"


def test_an_english_code_keeps_english_after_one_chinese_word_and_follows_sustained_chinese():
    assert answer_language(None, "en", typed("谢谢")) == "en"
    assert answer_language(None, "en", typed("谢谢", "主轴发热")) == "en"
    assert answer_language(None, "en", typed("谢谢", "主轴发热", "怎么办")) == "zh-hans"
    assert answer_language(None, "en-GB", typed("謝謝", "主軸發熱", "怎麼辦")) == "zh-hant"


def test_a_pattern_holds_until_another_replaces_it():
    chinese = typed("谢谢", "主轴发热", "怎么办", history="")
    assert answer_language(None, "en", typed("FANUC alarm code", history=chinese)) == "zh-hans"
    assert answer_language(None, "en", typed("FANUC alarm", "what now", "help me", history=chinese)) == "en"


def test_consistent_traditional_gets_traditional_one_line_does_not():
    assert answer_language(None, "zh-hans", typed("主軸發熱")) == "zh-hans"
    assert answer_language(None, "zh-hans", typed("主軸發熱", "電纜扭曲", "怎麼辦")) == "zh-hant"
    assert answer_language(None, "zh-hk", typed("主轴发热")) == "zh-hk"
    assert answer_language(None, "zh-hk", typed("主轴发热", "电缆扭曲", "怎么办")) == "zh-hans"


def test_the_settings_choice_wins():
    english = typed("please help us", "the spindle is hot", "what can I do")
    assert answer_language(Script.SIMPLIFIED, "en", english) == "zh-hans"
    assert answer_language(Script.ENGLISH, "zh-TW", typed("主軸發熱", "電纜扭曲", "怎麼辦")) == "en"
    assert answer_language(Script.TRADITIONAL, "zh-hant-HK", "") == "zh-hk"


def test_history_is_short_and_keeps_no_text():
    history = typed(*["主轴发热"] * 10, "please help us", "湖州", "/start", "😀")
    assert len(history) == HISTORY and set(history) <= set("ste") and SUSTAINED <= HISTORY
    assert history.endswith("se")


@pytest.mark.parametrize(
    "code, variant",
    [
        ("zh-TW", "zh-tw"),
        ("zh-hant-tw", "zh-tw"),
        ("zh-Hant-TW", "zh-tw"),
        ("zh-hk", "zh-hk"),
        ("zh-hant-hk", "zh-hk"),
        ("zh-mo", "zh-hk"),
        ("zh-hant", "zh-hant"),
        ("zh-hans", "zh-hant"),
        (None, "zh-hant"),
    ],
)
def test_traditional_variant_by_region(code, variant):
    assert traditional_variant(code) == variant and is_traditional(variant)


def test_variants_write_their_regions_forms():
    assert to_traditional("为了里面的床核查") == "爲了裏面的牀覈查"
    assert to_traditional("为了里面的床核查", "zh-tw") == "為了裡面的床核查"
    assert to_traditional("为了里面的床核查", "zh-hk") == "為了裏面的牀核查"
    assert localise("湖州市", "zh-tw") == "湖州市" and localise("苏州市", "zh-hk") == "蘇州市"
    assert localise("苏州市", "en") == "苏州市"


def test_catalogue_derives_every_variant_once():
    table = catalogue()
    assert all(set(entry) == {"zh-hans", "zh-hant", "zh-tw", "zh-hk", "en"} for entry in table.values())
    assert catalogue() is table  # derived when it loads, not per message
    assert "個人信息處理說明" in t("consent.ask", "zh-hant") and "爲企業" in t("consent.ask", "zh-hant")
    assert "個人資訊處理說明" in t("consent.ask", "zh-tw") and "為企業" in t("consent.ask", "zh-tw")
    assert "個人信息處理説明" in t("consent.ask", "zh-hk") and "為企業" in t("consent.ask", "zh-hk")
    assert t("lang.zh-hant", "zh-tw") == t("lang.zh-hant", "zh-hk") == "繁體中文"


def test_alarm_codes_after_chinese_do_not_turn_a_reader_without_language_code_to_english():
    """Telegram may omit language_code. Someone who has written Chinese, then pastes three alarm codes / markup
    lines (no sentence of English among them), was switched to English: every line with two Latin letter runs
    ("SV0436 SV0437" counted) read as English. Only letters-only tokens not glued to digits are words."""
    history = typed(
        "机器报警了", "数控机床停机", "报警代码如下", "FANUC 0i-MF SV0436", "SV0437 SV0438", "SELECT * FROM alarms"
    )
    assert answer_language(None, None, history) == "zh-hans", history
    assert typed("FANUC 0i-MF SV0436", "SV0437 SV0438", "foo_bar baz.qux()", "M30 G01 X10") == ""
    assert typed("alarm, please!", "don't know", "well-known fact") == "eee"


def test_opencc_phrase_mistakes_of_catalogue_texts_are_corrected():
    """The fourth hostile tester (LANG=zh_HK): "這一行沒有采用" (OpenCC read 有采 as a phrase) and "最多隻能提供"
    (多只, "many" + the measure word 隻). Corrected in the conversion itself, for every catalogue text and variant."""
    for variant in ("zh-hant", "zh-tw", "zh-hk"):
        assert to_traditional("这一行没有采用", variant) == "這一行沒有採用"
        assert to_traditional("最多只能提供 6 个时段", variant).startswith("最多只能提供")
        assert to_traditional("一只猫", variant) == "一隻貓"  # the measure word stays
        for key, entry in catalogue().items():
            assert "隻能" not in entry[variant] and "采用" not in entry[variant], (key, variant)


@pytest.mark.parametrize(
    "region, variant", [("810000", "zh-hk"), ("820000", "zh-hk"), ("710000", "zh-tw"), ("330502", "zh-hant")]
)
def test_a_traditional_typist_gets_the_forms_of_their_registered_region(region, variant):
    """Telegram's language_code names no region (zh-hans, or none): the user's own region does."""
    history = typed("主軸發熱", "電纜扭曲", "怎麼辦")
    assert answer_language(None, "zh-hans", history, region) == variant
    assert answer_language(None, None, history, region) == variant
    assert answer_language(None, "zh-TW", history, "810000") == "zh-tw"  # a language_code's region wins
