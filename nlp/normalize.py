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
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\U0000fe00-\U0000fe0f"
    "\U0000200b-\U0000200d\U00002b00-\U00002bff\U0001f3fb-\U0001f3ff]+"
)
_SPACE = re.compile(r"\s+")
MAX_CHARS = 2000  # the classifier reads the start of a very long text; the rest adds nothing but time


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = _URL.sub(" ", text)
    text = _EMOJI.sub(" ", text)
    text = to_simplified(text).lower()
    return _SPACE.sub(" ", text).strip()
