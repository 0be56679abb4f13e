"""Industry classifier: GB/T 4754-2017 section and division of a short problem description.

A linear model over word and character-bigram features (trained by ``nlp/train.py`` with scikit-learn) whose
weights are loaded here with numpy alone. Probabilities are temperature-calibrated; the section is the one whose
divisions hold the most probability; the reasons are the words that pushed a division up the most.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.features import features
from nlp.industry import Catalogue, catalogue
from nlp.tokenize import Tokenizer

MODEL_DIR = Path(__file__).resolve().parent / "model"
WEIGHTS = MODEL_DIR / "industry.npz"
VOCAB = MODEL_DIR / "industry.vocab.json"
TOP_K = 3
MAX_REASONS = 3
# The enterprise's own registered industry is a prior, mixed into the model's distribution: p' = (1 - λ)·p + λ·q, q all
# on the registered division (or spread over the registered section's divisions as the model ranks them). λ is
# PRIOR_WEIGHT, or IN_USE_WEIGHT when the text says the equipment is in use at the writer's own place: equipment
# words then speak of the user's work, not the maker's, and the equipment makers' divisions (C33–C40) count half
# unless one is the prior. A mixture, not a multiplier, because the calibrated distribution is sharp: 0.93 for C34
# leaves a hospital's Q84 at 0.0003, which no factor of a few lifts.
PRIOR_WEIGHT = 0.2
IN_USE_WEIGHT = 0.6
MAKERS = frozenset({"33", "34", "35", "36", "37", "38", "39", "40"})
MAKER_DISCOUNT = 0.5
_OURS = re.compile(r"(我们|我|咱们|咱|本|我司|我厂|我院|我校|我行)(厂|公司|单位|司|院|医院|学校|校|店|酒店|矿|站|场|车间|"
                   r"工地|项目部|仓库|码头|银行|行|小区)?")
_IN_USE = re.compile(r"(在用|用的|使用的|正在用|用了|用着|在使用)")


class ModelMissing(RuntimeError):
    """The trained model is not there: run `make model`."""


@dataclass(frozen=True)
class Candidate:
    division: str
    name: str
    section: str
    score: float
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.section}{self.division} {self.name}"


@dataclass(frozen=True)
class IndustryPrediction:
    section: str
    section_name: str
    division: str
    division_name: str
    confidence: float  # calibrated probability of ``division``
    section_confidence: float
    top: tuple[Candidate, ...]
    evidence: int  # how many of the text's features the model knows; 0 means it has nothing to go on


class IndustryClassifier:
    def __init__(self, tokenizer: Tokenizer, weights: np.ndarray, bias: np.ndarray, idf: np.ndarray,
                 vocab: dict[str, int], classes: list[str], temperature: float,
                 catalogue_: Catalogue | None = None) -> None:
        self.tokenizer = tokenizer
        self.weights = weights  # (n_features, n_classes) float32
        self.bias = bias
        self.idf = idf
        self.vocab = vocab
        self.classes = classes
        self.temperature = temperature
        self.catalogue = catalogue_ or catalogue()
        sections = sorted({self.catalogue.divisions[c].section for c in classes})
        self._section_codes = sections
        self._section_of_class = np.array([sections.index(self.catalogue.divisions[c].section) for c in classes])

    @classmethod
    def load(cls, tokenizer: Tokenizer, model_dir: Path = MODEL_DIR) -> IndustryClassifier:
        weights, vocab = model_dir / WEIGHTS.name, model_dir / VOCAB.name
        if not weights.exists() or not vocab.exists():
            raise ModelMissing(f"no trained industry model in {model_dir}: run `make model`")
        with np.load(weights) as npz:
            w, b, idf, temp = npz["weights"], npz["bias"], npz["idf"], float(npz["temperature"])
        meta = json.loads(vocab.read_text(encoding="utf-8"))
        return cls(tokenizer, w, b, idf, meta["vocab"], meta["classes"], temp)

    def _vector(self, normalized: str, words: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        feats = [f for f in features(words, normalized) if f in self.vocab]
        index = np.fromiter((self.vocab[f] for f in feats), dtype=np.int64, count=len(feats))
        values = self.idf[index]
        norm = float(np.sqrt(values @ values)) or 1.0
        return feats, index, values / norm

    def predict(self, normalized: str, words: list[str] | None = None, prior: str | None = None) -> IndustryPrediction:
        """``words``: the content words when the caller has them already; tokenised here otherwise.
        ``prior``: the enterprise's registered division ("32") or section ("C"), when known."""
        if words is None:
            words = self.tokenizer.content_words(normalized)
        feats, index, values = self._vector(normalized, words)
        rows = self.weights[index]
        logits = values @ rows + self.bias
        z = logits / self.temperature
        prob = np.exp(z - z.max())
        prob /= prob.sum()
        prob = self._weigh(prob, prior, in_use(normalized))
        by_section = np.bincount(self._section_of_class, weights=prob, minlength=len(self._section_codes))
        section = self._section_codes[int(by_section.argmax())]
        in_section = np.where(self._section_of_class == int(by_section.argmax()), prob, -1.0)
        best = int(in_section.argmax())
        order = np.argsort(-prob)[:TOP_K]
        top = tuple(self._candidate(int(k), float(prob[k]), feats, values, rows) for k in order)
        division = self.classes[best]
        return IndustryPrediction(
            section=section, section_name=self.catalogue.sections[section].name,
            division=division, division_name=self.catalogue.divisions[division].name,
            confidence=float(prob[best]), section_confidence=float(by_section.max()), top=top, evidence=len(feats))

    def _weigh(self, prob: np.ndarray, prior: str | None, used_here: bool) -> np.ndarray:
        """The maker-vs-user rule: the prior mixed in, more strongly when the text says the equipment is in use here."""
        division = self.catalogue.divisions.get(prior or "")
        section = division.section if division else (prior if prior in self._section_codes else None)
        if section is None and not used_here:
            return prob
        mixed = prob.copy()
        if section is not None:
            target = np.zeros_like(prob)
            if division is not None and division.code in self.classes:
                target[self.classes.index(division.code)] = 1.0
            else:
                in_section = self._section_of_class == self._section_codes.index(section)
                target[in_section] = prob[in_section] + 1e-9
                target /= target.sum()
            weight = IN_USE_WEIGHT if used_here else PRIOR_WEIGHT
            mixed = (1 - weight) * prob + weight * target
        if used_here:
            for k, code in enumerate(self.classes):
                if code in MAKERS and code != prior:
                    mixed[k] *= MAKER_DISCOUNT
        return mixed / mixed.sum()

    def _candidate(self, k: int, score: float, feats: list[str], values: np.ndarray, rows: np.ndarray) -> Candidate:
        code = self.classes[k]
        division = self.catalogue.divisions[code]
        reasons: list[str] = []
        if len(feats):
            contribution = values * rows[:, k]
            for i in np.argsort(-contribution):
                if contribution[i] <= 0 or len(reasons) >= MAX_REASONS:
                    break
                kind, word = feats[i].split(":", 1)
                if kind == "w" and word not in reasons:
                    reasons.append(word)
        return Candidate(code, division.name, division.section, score, tuple(reasons))


def in_use(normalized: str) -> bool:
    """Does the text say the equipment is in use at the writer's own place (我们厂在用, 我司用的…)?"""
    return bool(_OURS.search(normalized)) and bool(_IN_USE.search(normalized))
