"""Tokenisation: jieba in default (accurate) mode through a private ``jieba.Tokenizer``, loaded once per process.

The user dictionary is the industry vocabulary (official names from GB/T 4754-2017 and the curated terms in
``nlp/data/terms.tsv``), so 电解槽, 回转窑 or 配电线路 stay whole. jieba caches its prefix dictionary in
``data/cache/``; the first start builds it (about a second), later starts load it.
"""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

import jieba

from config.settings import ROOT
from nlp.industry import DATA, catalogue

CACHE_DIR = ROOT / "data" / "cache"
TERMS = DATA / "terms.tsv"
STOPWORDS = DATA / "stopwords.txt"
USER_WORD_FREQ = 5000  # high enough that jieba keeps a dictionary term whole against common splits
_SPLIT_NAME = re.compile(r"[、，,和及与（）()“”\s]+|的")
_KEEP = re.compile(r"[\u4e00-\u9fffa-z0-9]")
_ASCII_WORD = re.compile(r"[a-z0-9]+")

jieba.setLogLevel(logging.WARNING)


def read_terms() -> dict[str, list[str]]:
    """division code → curated words, from ``terms.tsv`` (``#`` starts a comment line)."""
    terms: dict[str, list[str]] = {}
    for line in TERMS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, words = line.split("\t", 1)
        terms.setdefault(code.strip(), []).extend(words.split())
    return terms


def user_words() -> set[str]:
    """Every word the tokenizer must keep whole: curated terms plus the parts of official names."""
    words = {w.lower() for ws in read_terms().values() for w in ws}
    for division in catalogue().divisions.values():
        for name in (division.name, *division.detail[::2]):
            words.update(p for p in _SPLIT_NAME.split(name) if 2 <= len(p) <= 8)
    return words


class Tokenizer:
    def __init__(self, cache_dir: Path = CACHE_DIR) -> None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._jieba = jieba.Tokenizer()
        self._jieba.tmp_dir = str(cache_dir)
        self._jieba.cache_file = "jieba.prefix.cache"
        self._jieba.initialize()
        self.domain = frozenset(user_words())
        for word in sorted(self.domain):
            self._jieba.add_word(word, USER_WORD_FREQ)
        self.stopwords = frozenset(
            w for w in STOPWORDS.read_text(encoding="utf-8").splitlines() if w and not w.startswith("#")
        )

    def cut(self, normalized: str) -> list[str]:
        """All tokens of a normalised text, punctuation and spaces dropped. A run of Latin letters and digits is one
        word: jieba cuts it at the dictionary's Latin terms ("frames" → "fra" + "mes", the MES system), so the
        pieces it yields side by side are joined again."""
        tokens: list[str] = []
        glued = False  # the last token kept is Latin and nothing came between
        for token in self._jieba.cut(normalized, HMM=True):
            latin = _ASCII_WORD.fullmatch(token) is not None
            if latin and glued:
                tokens[-1] += token
            elif _KEEP.search(token):
                tokens.append(token)
            glued = latin
        return tokens

    def domain_words(self, words: list[str]) -> list[str]:
        """The words of ``words`` that the industry vocabulary knows."""
        return [w for w in words if w in self.domain]

    def industry_count(self, normalized: str) -> int:
        """How many words of ``normalized`` the industry vocabulary knows (the intent router's evidence)."""
        return len(self.domain_words(self.content_words(normalized)))

    def content_words(self, normalized: str) -> list[str]:
        """Tokens that can say something about an industry: no stopwords, no single Chinese characters."""
        return [
            t
            for t in self.cut(normalized)
            if t not in self.stopwords and (len(t) >= 2 or t.isascii()) and not t.isdigit()
        ]


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shared() -> Tokenizer:
    return Tokenizer()


def shared_tokenizer() -> Tokenizer:
    """The process-wide tokenizer; the first caller pays the load."""
    with _lock:
        return _shared()
