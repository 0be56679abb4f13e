"""The message catalogue: ``t(key, lang, **values)``. Simplified Chinese is the source, the traditional variants
(zh-hant, zh-tw, zh-hk: nlp/script.py) are derived with OpenCC once, when the catalogue loads; English is written. Every value interpolated is HTML-escaped unless it is
wrapped in :class:`Raw` (for text that is already safe HTML, such as another catalogue message)."""

from __future__ import annotations

import html
import re
import string
import tomllib
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from nlp.script import TRADITIONAL_VARIANTS, Script, is_traditional, to_traditional

CATALOGUE = Path(__file__).with_name("messages.toml")
LANGS = (Script.SIMPLIFIED.value, *TRADITIONAL_VARIANTS, Script.ENGLISH.value)


class Raw(str):
    """A value that is already safe HTML; t() does not escape it."""


# Characters that change how the rest of a line is shown without being seen: C0/C1 controls (but line breaks and
# tabs: BEL and ESC go), DEL, bidirectional embeddings, overrides and isolates (U+202E shows what follows reversed),
# the marks LRM/RLM, zero-width space and non-joiner, the word joiner and the BOM. What people type is cleaned of them
# where it arrives (conversations/middleware.py), so no stored text holds them; values shown are cleaned again.
# A terminal's escape sequence (ECMA-48) goes whole, not only its ESC: a colour "\x1b[31m" would leave "[31m", a title
# "\x1b]0;title\x07" "]0;title". Control strings (OSC, DCS …) up to their terminator on the same line; CSI with its
# parameters; any other escape with its intermediates and final byte. What is left of ESC after these is INVISIBLE's.
ESCAPE_SEQUENCE = re.compile(
    "(?:\x1b[\\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x9c\n]{0,256}(?:\x07|\x1b\\\\|\x9c)"
    "|(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"
    "|\x1b[ -/]*[0-~]"
)
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200c\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# The zero-width joiner stays only inside an emoji sequence (👨‍🔧, 🏳️‍🌈, 👩🏽‍💻): after a pictograph, its emoji
# presentation selector or skin tone, and before a pictograph. Anywhere else it is one more invisible character.
_PICTOGRAPHS = "\u00a9\u00ae\u203c\u2049\u2100-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff"
STRAY_JOINER = re.compile(f"(?<![{_PICTOGRAPHS}\ufe0f])\u200d|\u200d(?![{_PICTOGRAPHS}])")


def shown(value: object) -> str:
    """A value as it may be shown, and stored: without the invisible characters that could disguise it."""
    return STRAY_JOINER.sub("", INVISIBLE.sub("", ESCAPE_SEQUENCE.sub("", str(value))))


class _Counted(string.Formatter):
    """``str.format`` plus English plurals: ``{count:class|classes}`` writes the first word when the count is 1 and
    the second otherwise; the count itself is written beside it (``{count} {count:class|classes}``)."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if str(value) == "1" else many
        return str(super().format_field(value, format_spec))


_COUNTED = _Counted()


def _format(text: str, values: dict[str, object]) -> str:
    return _COUNTED.vformat(text, (), values) if "|" in text else text.format(**values)


def _flatten(tree: dict[str, object], prefix: str = "") -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and "zh" in value and isinstance(value["zh"], str):
            out[name] = value
        elif isinstance(value, dict):
            out.update(_flatten(value, name + "."))
    return out


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """key → {lang: text} for every reply language; raises if any entry lacks its English."""
    entries = _flatten(tomllib.loads(CATALOGUE.read_text(encoding="utf-8")))
    table: dict[str, dict[str, str]] = {}
    for key, entry in entries.items():
        if "en" not in entry:
            raise ValueError(f"message {key!r} has no English text")
        source = entry.get("zh_hant") or entry["zh"]  # an override is traditional already: it takes the region's forms
        table[key] = {
            "zh-hans": entry["zh"],
            **{v: to_traditional(source, v) for v in TRADITIONAL_VARIANTS},
            "en": entry["en"],
        }
    return table


def t(key: str, lang: str | None = None, /, **values: object) -> str:
    entry = catalogue()[key]
    text = entry.get(lang or "zh-hans") or entry["zh-hans"]
    if not values:
        return text
    return _format(text, {k: _safe(v, lang) for k, v in values.items()})


def _safe(value: object, lang: str | None) -> str:
    """A value as t() interpolates it: Raw as is; a list one line an item, each item that names a message (a
    ``key`` and its ``values``, as a refusal does) said in ``lang`` (so a reply can name every bad line with its
    reason); anything else escaped."""
    if isinstance(value, Raw):
        return value
    if isinstance(value, list):
        return "\n".join(
            t(item.key, lang, **item.values) if hasattr(item, "key") and hasattr(item, "values") else _safe(item, lang)
            for item in value
        )
    return html.escape(shown(value), quote=False)


def label(key: str, lang: str | None = None, /, **values: object) -> str:
    """A catalogue text for a button label or a file caption: plain text, so values are not HTML-escaped."""
    entry = catalogue()[key]
    text = entry.get(lang or "zh-hans") or entry["zh-hans"]
    return _format(text, {k: shown(v) for k, v in values.items()}) if values else text


# Large amounts: Chinese counts them in ten-thousands (万元, one decimal), English in millions (two at most).
SCALES = {"en": (Decimal(1_000_000), 2)}
WAN = (Decimal(10_000), 1)


def money(value: Decimal | str, lang: str | None, exact: bool = False) -> str:
    """An amount of yuan as a reader of ``lang`` writes it, the one way every message shows money. A total:
    "186.4 万元" or "5,000 元" in Chinese, "¥1.86 million" or "¥51,000" in English (to the fen when it has fen);
    ``exact`` (one case's amount, as recorded): "15,000.00 元", "¥15,000.00"."""
    value = Decimal(value)
    step, places = SCALES.get(lang or "", WAN)
    if exact or abs(value) < step:
        whole = not exact and value == value.to_integral_value()
        return label("money.yuan", lang, value=f"{value:,.0f}" if whole else f"{value:,.2f}")
    scaled = f"{value / step:,.{places}f}"
    return label("money.large", lang, value=scaled.rstrip("0").rstrip(".") if lang == "en" else scaled)


def localise(data: str, lang: str | None) -> str:
    """Official data stored in simplified Chinese (region, industry and team names …), shown in the reader's script
    and region's forms. Never for what people typed (a demand, a name, a course title): that is shown as typed."""
    return to_traditional(data, lang) if is_traditional(lang) else data


def fill(
    key: str,
    lang: str,
    values: dict[str, object] | None = None,
    keys: dict[str, str] | None = None,
    labels: dict[str, object] | None = None,
    amounts: dict[str, object] | None = None,
) -> str:
    """How outbox notices and event cards are written: ``values`` are shown as they are (what people typed, numbers,
    times), ``labels`` are official data texts shown in ``lang``'s script, ``keys`` values are catalogue keys
    (a status, 不限 …) and ``amounts`` are one case's yuan, written the reader's way (:func:`money`)."""
    filled: dict[str, object] = dict(values or {})
    filled.update({k: money(str(v), lang, exact=True) for k, v in (amounts or {}).items()})
    filled.update({k: localise(str(v), lang) for k, v in (labels or {}).items()})
    filled.update({k: Raw(t(name, lang)) for k, name in (keys or {}).items()})
    return t(key, lang, **filled)
