"""Features of a normalised text: content words (``w:``) and Chinese character bigrams (``c:``).

Words carry the vocabulary that bridges users and the standard; character bigrams catch words jieba splits
differently (监护仪导联线 → 导联) and spelling variants. Training and prediction share this one function.
"""

from __future__ import annotations

import re

_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def features(words: list[str], normalized: str) -> list[str]:
    """``words``: the text's content words (``Tokenizer.content_words``), computed once by the caller."""
    feats = [f"w:{w}" for w in words]
    for run in _HAN_RUN.findall(normalized):
        feats.extend(f"c:{run[i : i + 2]}" for i in range(len(run) - 1))
    return list(dict.fromkeys(feats))  # binary features, first-seen order kept for stable reasons
