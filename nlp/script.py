"""Simplified vs traditional Chinese: detect which script a text is written in, and convert (OpenCC)."""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

import opencc

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


class Script(str, Enum):
    SIMPLIFIED = "zh-hans"
    TRADITIONAL = "zh-hant"
    ENGLISH = "en"


@lru_cache(maxsize=None)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


_ADDRESS = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+\.\S+")


def detect_script(text: str) -> Script | None:
    """The script ``text`` is written in, or None when it says nothing (no Chinese, or only shared characters).

    A character that changes under t2s is traditional-only; one that changes under s2t is simplified-only.
    Plain Latin text (two or more words, no Chinese) reads as English; commands are not judged.
    """
    if not text or text.startswith("/"):
        return None
    text = _ADDRESS.sub(" ", text)  # a web or e-mail address is not English
    han = "".join(_CJK.findall(text))
    if not han:
        return Script.ENGLISH if len(_LATIN_WORD.findall(text)) >= 2 else None
    simplified, traditional = to_simplified(han), to_traditional(han)
    traditional_only = sum(1 for a, b in zip(han, simplified) if a != b)
    simplified_only = sum(1 for a, b in zip(han, traditional) if a != b)
    if traditional_only > simplified_only:
        return Script.TRADITIONAL
    if simplified_only > 0:
        return Script.SIMPLIFIED
    return None


def script_for_language_code(code: str | None) -> Script:
    """Telegram's ``language_code`` → the script to answer in before the user has written anything."""
    code = (code or "").lower()
    if code.startswith("zh"):
        return Script.TRADITIONAL if any(t in code for t in ("hant", "tw", "hk", "mo")) else Script.SIMPLIFIED
    if code.startswith("en"):
        return Script.ENGLISH
    return Script.SIMPLIFIED
