"""Simplified vs traditional Chinese: detect which script a text is written in, and convert (OpenCC)."""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from functools import cache
from typing import TypeGuard

import opencc

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A real word: a token between spaces (punctuation at its ends aside) of two or more letters only, maybe joined by an
# apostrophe or a hyphen ("don't", "well-known"). A letter run glued to digits or symbols ("SV0437", "0i-MF",
# "foo_bar", "a.b()") is a code or an identifier, not a word.
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}(?:['’-][A-Za-z]+)*|[A-Za-z]+(?:['’-][A-Za-z]+)+")
_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")


class Script(str, Enum):
    SIMPLIFIED = "zh-hans"
    TRADITIONAL = "zh-hant"
    ENGLISH = "en"


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    converted: str = _converter("t2s").convert(text)
    return converted


def folded(text: str) -> str:
    """``text`` as labels are compared: simplified, NFKC, case-folded, letters and digits only."""
    plain = to_simplified(unicodedata.normalize("NFKC", text)).casefold()
    return "".join(ch for ch in plain if unicodedata.category(ch)[0] in "LN")


def says_label(typed: str, label: str) -> bool:
    """Whether ``typed`` says what a button's ``label`` says: in either script (不限人数 / 不限人數), case and width
    aside, spaces, punctuation and emoji ignored — a label typed instead of pressed is the button's answer."""
    said = folded(typed)
    return bool(said) and said == folded(label)


# The traditional variants the bot writes, each with its OpenCC configuration: Taiwan's standard with its phrases
# (為 / 裡 / 床 / 核, 軟體), Hong Kong's, and OpenCC's standard forms for other zh-Hant readers (爲 / 裏 / 牀 / 覈).
TAIWAN, HONG_KONG = "zh-tw", "zh-hk"
TRADITIONAL_VARIANTS = {"zh-hant": "s2t", TAIWAN: "s2twp", HONG_KONG: "s2hk"}
_TAIWAN_REGIONS, _HONG_KONG_REGIONS = (
    ("tw",),
    ("hk", "mo"),
)  # Macao reads Hong Kong's forms (OpenCC has none of its own)


# OpenCC writes 签 as 籤 (a lot drawn, a label) unless it knows the phrase, so "未签书面合同" became "未籤書面合同".
# Signing is 簽; 籤 stays only in the words that mean lots, labels and slips.
_LOT = re.compile(r"(?<![標抽求書牙竹中靈上下掣])籤(?![詩筒])")


# OpenCC segments greedily, so a phrase of its dictionary that straddles two words wins: "最多只能" is read 最/多只
# ("many" + the measure word 隻: "最多隻能"), "没有采用" 沒/有采 (采 of 文采 kept: "沒有采用"). 只 before a verb of
# "only" (能, 有, 是, 要 …) is 只 unless a number counts it ("一隻能…" is a measure word); 采 before the verb's
# second character (採用, 採取, 採集, 採購 …) is 採.
_ONLY = re.compile(r"(?<![0-9一二兩三四五六七八九十百千萬幾])隻(?=[能有是要會需好可])")
_PICK = re.compile(r"采(?=[用取集購納訪摘礦樣光])")


# Taiwan's phrases (s2twp) are a computer vocabulary: they write 分区 as the disk's 分割槽, 代码 (行政区划代码) as
# 程式碼, 项目 as 專案, 审核 as 稽核, 设备 as 裝置, 社区 as 社群, 紧固件 as 緊韌體, 调试 (a machine's) as 除錯 …
# In a union's words, and in GB/T 4754's industry names, each of these keeps its ordinary form: the word is cut out
# before OpenCC sees the text and put back in these forms (s2t and s2hk change characters only, never phrases).
TAIWAN_WORDS = {
    "分区": "分區",
    "代码": "代碼",
    "项目": "項目",
    "审核": "審核",
    "设备": "設備",
    "类型": "類型",
    "对象": "對象",
    "绑定": "綁定",
    "调试": "調試",
    "权限": "權限",
    "高级": "高級",
    "发布": "發布",
    "屏蔽": "封鎖",  # people who blocked the bot: 封鎖 on Telegram in Taiwan, not the 遮蔽 of a screen
    "社区": "社區",
    "添加剂": "添加劑",
    "紧固件": "緊固件",
    "针织": "針織",  # "指针织T恤" was read 指針/織: 指標織
    "参数": "參數",
    "剪切": "剪切",
    "调度": "調度",
    "调制": "調製",
    "组件": "組件",
    "性能": "性能",
    "账": "帳",  # 帳號, 帳戶: Taiwan's form (OpenCC writes 賬)
}
_TAIWAN_WORD = re.compile("|".join(sorted(TAIWAN_WORDS, key=len, reverse=True)))


def _s2twp(text: str) -> str:
    """Taiwan's forms and phrases, TAIWAN_WORDS kept in their ordinary forms."""
    converter, out, at = _converter("s2twp"), [], 0
    for found in _TAIWAN_WORD.finditer(text):
        out += [converter.convert(text[at : found.start()]), TAIWAN_WORDS[found.group()]]
        at = found.end()
    out.append(converter.convert(text[at:]))
    return "".join(out)


def to_traditional(text: str, variant: str = "zh-hant") -> str:
    """``text`` in traditional script, in ``variant``'s forms (one of TRADITIONAL_VARIANTS; zh-hant by default)."""
    config = TRADITIONAL_VARIANTS.get(variant, "s2t")
    converted: str = _s2twp(text) if config == "s2twp" else _converter(config).convert(text)
    return _PICK.sub("採", _ONLY.sub("只", _LOT.sub("簽", converted)))


def is_traditional(lang: str | None) -> TypeGuard[str]:
    """Whether a reply language (zh-hans, zh-hant, zh-tw, zh-hk, en) is written in traditional script."""
    return lang in TRADITIONAL_VARIANTS


def script_of(lang: str) -> Script:
    """The script of a reply language: zh-tw and zh-hk are traditional."""
    return Script.TRADITIONAL if is_traditional(lang) else Script(lang)


def traditional_variant(code: str | None) -> str:
    """The traditional forms a reader with Telegram's ``language_code`` expects: zh-tw, zh-hk, else zh-hant."""
    parts = (code or "").lower().replace("_", "-").split("-")
    if parts[0] == "zh" and any(p in _TAIWAN_REGIONS for p in parts[1:]):
        return TAIWAN
    if parts[0] == "zh" and any(p in _HONG_KONG_REGIONS for p in parts[1:]):
        return HONG_KONG
    return Script.TRADITIONAL.value


def reply_language(script: Script | str, code: str | None) -> str:
    """The reply language for a script and Telegram's ``language_code``: traditional takes the region's forms."""
    value = script.value if isinstance(script, Script) else script
    return traditional_variant(code) if is_traditional(value) else value


_ADDRESS = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+\.\S+")


def _word_count(text: str) -> int:
    """How many real English words ``text`` holds (see _LATIN_WORD); codes and identifiers count for nothing."""
    tokens = (_EDGE_PUNCTUATION.sub("", token) for token in text.split())
    return sum(1 for token in tokens if _LATIN_WORD.fullmatch(token))


def detect_script(text: str) -> Script | None:
    """The script ``text`` is written in, or None when it says nothing (no Chinese, or only shared characters).

    A character that changes under t2s is traditional-only; one that changes under s2t is simplified-only.
    Plain Latin text (two or more real words, no Chinese) reads as English; alarm codes and identifiers
    ("SV0437 SV0438", "0i-MF", "foo_bar") are not words; commands are not judged.
    """
    if not text or text.startswith("/"):
        return None
    text = _ADDRESS.sub(" ", text)  # a web or e-mail address is not English
    han = "".join(_CJK.findall(text))
    if not han:
        return Script.ENGLISH if _word_count(text) >= 2 else None
    simplified, traditional = to_simplified(han), to_traditional(han)
    traditional_only = sum(1 for a, b in zip(han, simplified, strict=False) if a != b)
    simplified_only = sum(1 for a, b in zip(han, traditional, strict=False) if a != b)
    if traditional_only > simplified_only:
        return Script.TRADITIONAL
    if simplified_only > 0:
        return Script.SIMPLIFIED
    return None


def has_chinese(text: str) -> bool:
    """Does the text hold any Chinese character? The industry classifier reads nothing else."""
    return _CJK.search(text) is not None


def is_chinese_code(code: str | None) -> bool:
    """Whether Telegram's ``language_code`` names Chinese ("zh", "zh-hans", "zh_TW"; not "zha")."""
    code = (code or "").lower()
    return code == "zh" or code.startswith(("zh-", "zh_"))


def script_for_language_code(code: str | None) -> Script:
    """Telegram's ``language_code`` → the script to answer in before the user has written anything."""
    code = (code or "").lower()
    if is_chinese_code(code):
        return Script.TRADITIONAL if any(t in code for t in ("hant", "tw", "hk", "mo")) else Script.SIMPLIFIED
    if code.startswith("en"):
        return Script.ENGLISH
    return Script.SIMPLIFIED
