"""Intent router: what a text sent outside any conversation is about.

Union matters — the member's own questions, answered from the catalogue with a button to ask union staff and
never matched to a craftsman: ``membership`` (joining, dues, card, transfer), ``welfare`` (慰问, 福利, holiday
gifts), ``hardship`` (困难帮扶, 送温暖, 金秋助学), ``certification`` (技能等级评价/认定), ``subsidy`` (技能提升补贴,
稳岗返还, 以工代训), ``contract`` (劳动合同, 不续签, 试用期), ``wages`` (欠薪, 加班费, 最低工资), ``injury`` (工伤,
职业病), ``culture`` (健身, 体检, 文体, 心理健康) and ``labour_rights`` (dismissal, arbitration, social insurance …).
The other intents: course, competition, training, greeting, problem (a technical problem), other.

How: a multinomial naive Bayes over character unigrams and bigrams (digits and Chinese numerals folded into one
symbol, so "三个月" and "3个月" read alike), each intent's cue words (``data/intents.tsv``) as one strong
feature, a question-form feature (怎么办, 能不能, 有没有, 吗 …) and the count of industry words. It is trained when
the router is built (a few milliseconds) on ``data/intent_phrases.tsv``: phrasings written for it plus public
question titles named by URL. Its probabilities are temperature-scaled (the temperature fitted on
cross-validated predictions by ``python -m nlp.intent_cv``, which also reports the figures).

A union matter wins when the model puts it first and the text has one of its cue words, or without one with
probability ≥ ``UNION_FLOOR`` (0.8: at 0.5 technical questions ending in 有哪些 were taken for union matters; the
caller may lower it for an asker whose texts are likelier union questions, services/intake.py); so a wage question
that mentions a construction site (工地) is a wage question, not a problem. Each n-gram counts once per text: a
question pasted five times into one message was answered about membership, its repeated n-grams multiplying the
evidence past the floor. Otherwise
the cue rules of before decide between course, competition, training, greeting, problem and other.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import numpy as np

from nlp.industry import DATA

INTENTS = DATA / "intents.tsv"
PHRASES = DATA / "intent_phrases.tsv"
GREETING_MAX_CHARS = 16  # a greeting is short; a long text that starts with 你好 is about something
CUE_WEIGHT = 4  # a cue word counts as this many n-grams (chosen by cross-validation, nlp/intent_cv.py)
ALPHA = 0.3  # additive smoothing of the n-gram counts
TEMPERATURE = 3.0  # divides the log-likelihoods before the softmax (fitted by nlp/intent_cv.py)
UNION_FLOOR = 0.8  # a union matter with no cue word of its own needs this probability (see nlp/intent_cv.py)


class Intent(str, Enum):
    PROBLEM = "problem"
    TRAINING = "training"
    COMPETITION = "competition"
    COURSE = "course"
    MEMBERSHIP = "membership"
    WELFARE = "welfare"
    HARDSHIP = "hardship"
    CERTIFICATION = "certification"
    SUBSIDY = "subsidy"
    CONTRACT = "contract"
    WAGES = "wages"
    INJURY = "injury"
    CULTURE = "culture"
    LABOUR_RIGHTS = "labour_rights"
    GREETING = "greeting"
    OTHER = "other"


# The member's own matters: answered with a source and the ask-staff button; never a demand, never a craftsman.
UNION_SERVICES = (
    Intent.MEMBERSHIP,
    Intent.WELFARE,
    Intent.HARDSHIP,
    Intent.CERTIFICATION,
    Intent.SUBSIDY,
    Intent.CONTRACT,
    Intent.WAGES,
    Intent.INJURY,
    Intent.CULTURE,
    Intent.LABOUR_RIGHTS,
)
ORDER = (Intent.COURSE, Intent.COMPETITION, Intent.TRAINING)
_NUMBER = re.compile(r"[0-9一二三四五六七八九十两百千万半几]+")
_PIECES = re.compile(r"[a-z]+|[\u3400-\u9fff#]+")
_FORMS = (
    "怎么办",
    "怎么",
    "能不能",
    "可不可以",
    "有没有",
    "吗",
    "哪里",
    "多少",
    "要什么材料",
    "算不算",
    "是不是",
    "找谁",
    "如何申请",
    "怎么申请",
    "合法吗",
)


def is_union_service(intent: Intent) -> bool:
    return intent in UNION_SERVICES


def family(intent: str) -> str:
    """An intent as labelled before issue 19: every union matter was one ``labour_rights`` (for older eval sets)."""
    return Intent.LABOUR_RIGHTS.value if is_union_service(Intent(intent)) else intent


@dataclass(frozen=True)
class IntentDecision:
    intent: Intent
    confidence: float  # the model's calibrated probability of ``intent``
    ranked: tuple[tuple[Intent, float], ...]  # the model's three best, for logs and the evaluation


def read_cues(path: Path = INTENTS) -> dict[Intent, re.Pattern[str]]:
    """Each intent's cue words as one pattern. Chinese cues match anywhere; a Latin cue (one word, or words joined by
    ``_`` for a phrase: ``union_dues``) only as whole words, so "hi" is found in "hi there" but not in "thickness"."""
    cues: dict[Intent, re.Pattern[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, words = line.split("\t", 1)
            cues[Intent(name)] = re.compile("|".join(_cue_pattern(w) for w in words.split()))
    return cues


def _cue_pattern(word: str) -> str:
    if not word.isascii():
        return re.escape(word)
    return r"(?<![a-z0-9])" + r"\s+".join(map(re.escape, word.split("_"))) + r"(?![a-z0-9])"


def read_phrases(path: Path = PHRASES) -> list[tuple[str, Intent]]:
    """(text, intent) pairs; the texts as written (the router normalises nothing itself)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and not line.startswith("intent\t"):
            intent, text, _source = line.split("\t")
            rows.append((text, Intent(intent)))
    return rows


def features(
    normalized: str, cues: dict[Intent, re.Pattern[str]], industry_words: int, cue_weight: int = CUE_WEIGHT
) -> list[str]:
    """Character unigrams and bigrams (numbers folded to ``#``), Latin words, the cue features, the question form
    and the industry evidence."""
    grams: list[str] = []
    for piece in _PIECES.findall(_NUMBER.sub("#", normalized)):
        if piece.isascii() and piece != "#":
            grams.append(piece)
            continue
        grams.extend(piece)
        grams.extend(piece[i : i + 2] for i in range(len(piece) - 1))
    out = list(dict.fromkeys(grams))  # each n-gram once: a text said twice is no surer than said once
    for intent, pattern in cues.items():
        if pattern.search(normalized):
            out.extend([f"cue:{intent.value}"] * cue_weight)
    if any(form in normalized for form in _FORMS):
        out.append("form:ask")
    out.append(f"industry:{min(industry_words, 2)}")
    return out


class NaiveBayes:
    """Multinomial naive Bayes over feature strings: counts at build time, a sum of log-probabilities per text."""

    def __init__(self, samples: list[list[str]], labels: list[Intent], alpha: float = ALPHA) -> None:
        self.classes = sorted(set(labels), key=lambda i: list(Intent).index(i))
        index = {c: k for k, c in enumerate(self.classes)}
        counts: dict[str, np.ndarray] = {}
        totals = np.zeros(len(self.classes))
        priors = Counter(labels)
        for feats, label in zip(samples, labels, strict=True):
            k = index[label]
            for f in feats:
                counts.setdefault(f, np.zeros(len(self.classes)))[k] += 1
                totals[k] += 1
        denominator = np.log(totals + alpha * (len(counts) + 1))
        self.logp = {f: np.log(c + alpha) - denominator for f, c in counts.items()}
        self.prior = np.log(np.array([priors[c] for c in self.classes]) / len(labels))

    def log_scores(self, feats: list[str]) -> np.ndarray:
        score = self.prior.copy()
        for f in feats:
            if f in self.logp:  # a feature never seen in training says nothing
                score += self.logp[f]
        return score


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = np.exp(z - z.max())
    probabilities: np.ndarray = z / z.sum()
    return probabilities


class IntentRouter:
    def __init__(
        self,
        phrases: list[tuple[str, Intent]] | None = None,
        *,
        cue_weight: int = CUE_WEIGHT,
        temperature: float = TEMPERATURE,
        alpha: float = ALPHA,
        union_floor: float = UNION_FLOOR,
        industry_words_of: Callable[[str], int] | None = None,
    ) -> None:
        """``phrases``: (normalized text, intent) to train on (default: the shipped phrasings, normalised);
        ``industry_words_of``: counts a training text's industry words (default: none known)."""
        from nlp.normalize import normalize

        self.cues = read_cues()
        self.cue_weight, self.temperature, self.union_floor = cue_weight, temperature, union_floor
        if phrases is None:
            phrases = [(normalize(text), intent) for text, intent in read_phrases()]
        count = industry_words_of or (lambda _text: 0)
        self.model = NaiveBayes(
            [features(t, self.cues, count(t), cue_weight) for t, _ in phrases], [i for _, i in phrases], alpha
        )

    def _has(self, intent: Intent, normalized: str) -> bool:
        return self.cues[intent].search(normalized) is not None

    def probabilities(self, normalized: str, industry_words: int) -> dict[Intent, float]:
        scores = self.model.log_scores(features(normalized, self.cues, industry_words, self.cue_weight))
        return dict(zip(self.model.classes, softmax(scores, self.temperature).tolist(), strict=True))

    def decide(self, normalized: str, industry_words: int, union_floor: float | None = None) -> IntentDecision:
        """``normalized``: the text after ``nlp.normalize``; ``industry_words``: how many of its words the industry
        vocabulary knows (the classifier's evidence); ``union_floor``: the probability at which a union matter
        without a cue word of its own wins, when the asker makes one likelier than the default ``UNION_FLOOR``."""
        probs = self.probabilities(normalized, industry_words)
        ranked = tuple(sorted(probs.items(), key=lambda kv: -kv[1])[:3])
        best, p = ranked[0]
        if self._union_wins(best, p, normalized, self.union_floor if union_floor is None else union_floor):
            return IntentDecision(best, p, ranked)
        intent = self._by_rules(normalized, industry_words)
        if intent is Intent.OTHER and best is not Intent.OTHER and p >= self.union_floor and not is_union_service(best):
            intent = best  # no cue word, but the model is sure: "垃圾填埋场渗滤液处理不达标" is a problem
        return IntentDecision(intent, probs.get(intent, 0.0), ranked)

    def union_matter(self, normalized: str, industry_words: int, union_floor: float) -> Intent | None:
        """The union matter a text is about once the asker said it is no technical problem or training need: the
        model's best intent but those two, when it is a union matter with its cue word or ``union_floor``."""
        probs = self.probabilities(normalized, industry_words)
        best = max((i for i in probs if i not in (Intent.PROBLEM, Intent.TRAINING)), key=probs.__getitem__)
        return best if self._union_wins(best, probs[best], normalized, union_floor) else None

    def _union_wins(self, intent: Intent, p: float, normalized: str, floor: float) -> bool:
        return is_union_service(intent) and (self._has(intent, normalized) or (p >= floor and says_more(normalized)))

    def route(self, normalized: str, industry_words: int) -> Intent:
        return self.decide(normalized, industry_words).intent

    def _by_rules(self, normalized: str, industry_words: int) -> Intent:
        for intent in ORDER:
            if self._has(intent, normalized):
                return intent
        short = len(normalized) <= GREETING_MAX_CHARS
        if short and (self._has(Intent.GREETING, normalized) or ("你" in normalized and industry_words == 0)):
            return Intent.GREETING
        if self._has(Intent.PROBLEM, normalized) or industry_words >= 1:
            return Intent.PROBLEM
        return Intent.OTHER


_TIME_WORDS = re.compile(
    r"[0-9零〇一二两三四五六七八九十百千万亿#.:：/\-\s年月日号点分秒时半刻整]|上午|下午|中午|晚上|早上|凌晨|傍晚|午后|"
    r"今天|明天|后天|昨天|前天|今晚|明晚|本周|下周|上周|周[一二三四五六日天]|星期[一二三四五六日天]|礼拜[一二三四五六日天]"
)


def says_more(normalized: str) -> bool:
    """Whether a text says more than a date, a time or a number: "9999年12月31日晚上11点" or "12月3日下午2点" typed
    at a question is an answer to it, not a wage question, however the model weighs its numbers (a union matter
    without a cue word of its own needs words besides them)."""
    return len(_TIME_WORDS.sub("", normalized)) >= 2


def log_loss(probabilities: list[float]) -> float:
    """Mean negative log-probability of the true labels (for fitting the temperature)."""
    return -sum(math.log(max(p, 1e-12)) for p in probabilities) / max(len(probabilities), 1)
