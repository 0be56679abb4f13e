"""Normalisation for analysis: one canonical form of a text, the original is kept by the caller for display.

NFKC folds full-width letters, digits and punctuation to half-width; OpenCC turns traditional into simplified;
URLs, e-mail addresses and emoji are dropped; Latin letters are lower-cased; runs of whitespace become one space.
"""

from __future__ import annotations

import re
import unicodedata

from nlp.script import to_simplified

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
# Pictographs, dingbats, flags, variation selectors, zero-width joiners and skin tones.
_EMOJI = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F1E6-\U0001F1FF\U0000FE00-\U0000FE0F"
    "\U0000200B-\U0000200D\U00002B00-\U00002BFF\U0001F3FB-\U0001F3FF]+"
)
_SPACE = re.compile(r"\s+")
MAX_CHARS = 2000  # the classifier reads the start of a very long text; the rest adds nothing but time


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = _URL.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = to_simplified(text).lower()
    return _SPACE.sub(" ", text).strip()
