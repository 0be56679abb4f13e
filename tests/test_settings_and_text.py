"""Settings validation, script detection and the message catalogue."""

from __future__ import annotations

from datetime import UTC, timedelta
from string import Formatter

import pytest

from config.settings import SettingsError, load_settings
from i18n import Raw, catalogue, label, t
from nlp.script import Script, detect_script, script_for_language_code


def test_defaults_and_env(monkeypatch):
    monkeypatch.setenv("ADMIN_IDS", "12, 34")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/zhuqi")
    settings = load_settings()
    assert settings.admin_ids == [12, 34] and settings.timezone == "Asia/Shanghai"
    assert settings.database_url == "postgresql+asyncpg://u:p@db/zhuqi"
    assert settings.bot_base_url == "https://api.telegram.org/bot"
    assert load_settings(telegram_api_url="http://127.0.0.1:8081/").bot_file_url == "http://127.0.0.1:8081/file/bot"


def test_the_consoles_clock_starts_where_it_is_told_and_runs_on():
    from services.clock import ShiftedClock

    start = load_settings(console_clock="2026-12-01T10:00+08:00").console_clock
    clock = ShiftedClock(start)
    assert timedelta(0) <= clock.now() - start < timedelta(seconds=5)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("timezone", "Mars/Base", "configuration error: TIMEZONE: unknown time zone"),
        ("log_level", "LOUD", "configuration error: LOG_LEVEL: must be one of"),
        ("telegram_api_url", "ftp://x", "configuration error: TELEGRAM_API_URL: must start with http"),
        ("database_url", "mysql://x", "configuration error: DATABASE_URL: must be a sqlite"),
        ("bot_token", "123:short", "configuration error: BOT_TOKEN: does not look like a bot token"),
        ("console_clock", "2026-12-01T10:00", "configuration error: CONSOLE_CLOCK: give the time with its offset"),
        ("console_clock", "tomorrow", "configuration error: CONSOLE_CLOCK:"),
    ],
)
def test_invalid_settings_name_the_setting_in_one_line(field, value, message):
    with pytest.raises(SettingsError) as caught:
        load_settings(**{field: value})
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "text, script",
    [
        ("铝型材喷涂过程遇到氧化，皮膜厚度不均", Script.SIMPLIFIED),
        ("LF精煉爐水冷電纜扭曲", Script.TRADITIONAL),
        ("感應線圈和導電板輸出功率不一致", Script.TRADITIONAL),
        ("湖州", None),  # shared characters say nothing
        ("/start r_330500", None),
        ("please help us", Script.ENGLISH),
        ("😀", None),
        ("https://example.org/live-class", None),  # an address is not English
        ("see https://example.org/x please", Script.ENGLISH),
    ],
)
def test_detect_script(text, script):
    assert detect_script(text) is script


def test_language_codes():
    assert script_for_language_code("zh-hant") is Script.TRADITIONAL
    assert script_for_language_code("zh-TW") is Script.TRADITIONAL
    assert script_for_language_code("zh-hans") is Script.SIMPLIFIED
    assert script_for_language_code("en-GB") is Script.ENGLISH
    assert script_for_language_code(None) is Script.SIMPLIFIED


def test_catalogue_has_every_language_and_escapes_values():
    table = catalogue()
    assert all(set(entry) == {"zh-hans", "zh-hant", "zh-tw", "zh-hk", "en"} for entry in table.values())
    assert t("role.ask", "zh-hant") == "請選擇您的身份："
    assert t("start.greeting", "en", name="<i>&").startswith("Hello, &lt;i&gt;&amp;!")
    assert t("region.ask_child", "zh-hans", parent=Raw("<b>浙江</b>")).startswith("<b>浙江</b>")
    for key, entry in table.items():  # every language uses the source's placeholders
        names = {p[1] for p in Formatter().parse(entry["zh-hans"]) if p[1]}
        assert names == {p[1] for p in Formatter().parse(entry["en"]) if p[1]}, key
        for variant in ("zh-hant", "zh-tw", "zh-hk"):
            assert names == {p[1] for p in Formatter().parse(entry[variant]) if p[1]}, (key, variant)


def test_values_shown_lose_invisible_controls_that_could_disguise_them():
    """A user's text shown to others (a demand in /queue, a name in a notice) cannot reverse or hide what follows
    it: bidirectional overrides and isolates, zero-width spaces, C0/C1 controls and whole terminal escape sequences are dropped; line breaks, tabs and
    the joiners of emoji sequences stay."""
    typed = "主轴\u202e发热\u200b严重\x1b[31m\u2066x\u2069\x85\n第二行\t👨\u200d🔧"
    for shown in (t("start.greeting", "zh-hans", name=typed), label("start.greeting", "zh-hans", name=typed)):
        assert "主轴发热严重x\n第二行\t👨\u200d🔧" in shown, shown


def test_no_user_facing_chinese_outside_the_catalogue():
    """Handlers take every string from the catalogue (comments and docstrings may name programme words)."""
    import ast
    import re
    from pathlib import Path

    han = re.compile(r"[\u4e00-\u9fff]")
    offenders = []
    for path in Path(__file__).resolve().parent.parent.joinpath("conversations").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and han.search(node.value)
            ):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_what_is_typed_loses_invisible_characters_and_its_entities_move_with_the_text():
    """The one rule (i18n.shown) takes out the zero-width non-joiner, the word joiner and a joiner outside an emoji
    sequence too; where a message arrives (conversations/middleware.py) its text and caption are cleaned, its bold or
    link entities moved back so they still cover the same words (a /broadcast keeps its formatting)."""
    from datetime import datetime

    from telegram import Chat, Message, MessageEntity

    from conversations.middleware import clean_typed
    from i18n import shown

    assert (
        shown("主\u200c轴\u2060发\u200d热\x07👨\u200d🔧🏳️\u200d🌈👩🏽\u200d💻")
        == "主轴发热👨\u200d🔧🏳️\u200d🌈👩🏽\u200d💻"
    )
    typed = "\u202e注意\u200b：😀\u2060明天停电"  # bold 明天停电 (UTF-16: 😀 counts two)
    bold = MessageEntity(MessageEntity.BOLD, offset=8, length=4)
    message = Message(1, datetime.now(UTC), Chat(1, Chat.PRIVATE), text=typed, entities=(bold,))
    assert clean_typed(message) is True
    assert message.text == "注意：😀明天停电" and message.text_html == "注意：😀<b>明天停电</b>"
    blank = Message(2, datetime.now(UTC), Chat(1, Chat.PRIVATE), text="\u200b\u200d\x07 ")
    assert clean_typed(blank) is False and not blank.text
    photo = Message(3, datetime.now(UTC), Chat(1, Chat.PRIVATE), caption="\u2066\u2069")
    assert clean_typed(photo) is True and photo.caption is None
