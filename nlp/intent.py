"""Intent router: what a text sent outside any conversation is about.

Intents, checked in this order (the first that fits wins):
labour_rights — unpaid wages, contracts, work injury, dismissal: answered with the 12351 hotline, never matched;
course — night-school and union courses; competition — skills competitions; training — a training need;
greeting — greetings and small talk addressed to the bot; problem — a technical problem (it has cue words or the
industry classifier finds industry vocabulary in it); other — everything else.
"""

from __future__ import annotations

from enum import Enum

from nlp.industry import DATA

INTENTS = DATA / "intents.tsv"
GREETING_MAX_CHARS = 16  # a greeting is short; a long text that starts with 你好 is about something


class Intent(str, Enum):
    PROBLEM = "problem"
    TRAINING = "training"
    COMPETITION = "competition"
    COURSE = "course"
    LABOUR_RIGHTS = "labour_rights"
    GREETING = "greeting"
    OTHER = "other"


ORDER = (Intent.LABOUR_RIGHTS, Intent.COURSE, Intent.COMPETITION, Intent.TRAINING)


def _read_cues() -> dict[Intent, tuple[str, ...]]:
    cues: dict[Intent, tuple[str, ...]] = {}
    for line in INTENTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, words = line.split("\t", 1)
            cues[Intent(name)] = tuple(words.split())
    return cues


class IntentRouter:
    def __init__(self) -> None:
        self.cues = _read_cues()

    def _has(self, intent: Intent, normalized: str) -> bool:
        return any(cue in normalized for cue in self.cues[intent])

    def route(self, normalized: str, industry_words: int) -> Intent:
        """``normalized``: the text after ``nlp.normalize``; ``industry_words``: how many of its words
        the industry vocabulary knows (the classifier's evidence)."""
        for intent in ORDER:
            if self._has(intent, normalized):
                return intent
        short = len(normalized) <= GREETING_MAX_CHARS
        if short and (self._has(Intent.GREETING, normalized) or ("你" in normalized and industry_words == 0)):
            return Intent.GREETING
        if self._has(Intent.PROBLEM, normalized) or industry_words >= 1:
            return Intent.PROBLEM
        return Intent.OTHER
