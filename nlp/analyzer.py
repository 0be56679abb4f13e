"""One entry point for the rest of the program: normalise, tokenise, classify the industry, route the intent.

``shared_analyzer()`` loads everything once per process; ``Analyzer.analyse`` is then a pure function of the text.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from nlp.classifier import IndustryClassifier, IndustryPrediction
from nlp.intent import Intent, IntentRouter
from nlp.normalize import normalize
from nlp.script import Script, detect_script
from nlp.tokenize import Tokenizer, shared_tokenizer


@dataclass(frozen=True)
class Analysis:
    text: str  # as the user wrote it, for display
    normalized: str  # simplified, half-width, lower-case: for analysis and storage next to the choice
    script: Script | None
    intent: Intent
    industry: IndustryPrediction
    domain_words: tuple[str, ...]
    intent_confidence: float = 1.0  # the intent router's calibrated probability of ``intent``

    def as_record(self) -> dict[str, object]:
        """The JSON line of ``python -m nlp.classify``."""
        p = self.industry
        return {
            "text": self.text,
            "intent": self.intent.value,
            "section": p.section,
            "section_name": p.section_name,
            "division": p.division,
            "division_name": p.division_name,
            "confidence": round(p.confidence, 4),
            "top": [
                {"division": c.division, "name": c.name, "score": round(c.score, 4), "reasons": list(c.reasons)}
                for c in p.top
            ],
        }


class Analyzer:
    def __init__(self, tokenizer: Tokenizer, classifier: IndustryClassifier, router: IntentRouter) -> None:
        self.tokenizer = tokenizer
        self.classifier = classifier
        self.router = router

    @classmethod
    def load(cls, tokenizer: Tokenizer | None = None) -> Analyzer:
        tokenizer = tokenizer or shared_tokenizer()
        return cls(
            tokenizer, IndustryClassifier.load(tokenizer), IntentRouter(industry_words_of=tokenizer.industry_count)
        )

    def analyse(self, text: str, prior: str | None = None, union_floor: float | None = None) -> Analysis:
        """``prior``: the writer's enterprise's registered division or section, when known; ``union_floor``: the
        router's floor for a union matter without a cue word, when the writer makes one likelier (a worker)."""
        normalized = normalize(text)
        words = self.tokenizer.content_words(normalized)
        domain = self.tokenizer.domain_words(words)
        decision = self.router.decide(normalized, len(domain), union_floor)
        if decision.intent is Intent.TRAINING:
            # what a training is about says the industry; "请老师来培训一次" says only that it is a training
            subject = _TEACHING.sub(" ", normalized)
            prediction = self.classifier.predict(subject, self.tokenizer.content_words(subject), prior)
        else:
            prediction = self.classifier.predict(normalized, words, prior)
        return Analysis(
            text, normalized, detect_script(text), decision.intent, prediction, tuple(domain), decision.confidence
        )

    def union_matter(self, text: str, union_floor: float) -> Intent | None:
        """The union matter ``text`` is about, if any, once its writer said it is no technical problem."""
        normalized = normalize(text)
        words = self.tokenizer.domain_words(self.tokenizer.content_words(normalized))
        return self.router.union_matter(normalized, len(words), union_floor)

    def suggest_divisions(self, lines: list[str], limit: int = 5, floor: float = 0.3) -> list[str]:
        """Divisions for a craftsman's specialities: each line and all of them together are classified; a
        division counts with its best score. The best always, then the others scoring at least ``floor``; none
        when no word of the lines points to any division (never a default)."""
        best: dict[str, float] = {}
        for text in [*lines, " ".join(lines)]:
            normalized = normalize(text)
            for candidate in self.classifier.predict(normalized, self.tokenizer.content_words(normalized)).top:
                if candidate.reasons:
                    best[candidate.division] = max(best.get(candidate.division, 0.0), candidate.score)
        ranked = sorted(best, key=lambda d: -best[d])
        return ranked[:1] + [d for d in ranked[1:limit] if best[d] >= floor]


# The words of asking for a training, which are evidence of a training need but not of the industry it serves (they
# pull a factory's "请老师给工人做一次编程培训" towards P83 education).
_TEACHING = re.compile("培训班|培训|老师|讲师|专家|师傅|课程|上课|讲课|授课|讲解|指导|教学|一次|一期")

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _shared() -> Analyzer:
    return Analyzer.load()


def shared_analyzer() -> Analyzer:
    with _lock:
        return _shared()


__all__ = ["Analysis", "Analyzer", "IndustryPrediction", "Intent", "shared_analyzer"]
