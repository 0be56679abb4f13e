"""Build the industry model: ``python -m nlp.train`` (``make model``). Deterministic: same data, same weights.

Training data, all shipped in ``nlp/data`` with its source (``SOURCE.md``), none of it from the evaluation set:
- the GB/T 4754-2017 table: every division's name and note, and the names and notes of its groups and classes;
- the labelled green-finance catalogue (2025): project names and technical criteria, labelled with a 4-digit class;
- the curated vocabulary ``terms.tsv``: single words, and short combinations of them, like the texts users type.
Model: multinomial logistic regression on binary, idf-weighted, L2-normalised features; the softmax temperature is
fitted on cross-validated predictions so the confidence the bot shows is calibrated.
"""

from __future__ import annotations

import csv
import json
import random
import sys
import time

import numpy as np
from scipy import sparse
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from nlp.classifier import MODEL_DIR, VOCAB, WEIGHTS
from nlp.features import features
from nlp.industry import DATA, catalogue
from nlp.normalize import normalize
from nlp.tokenize import Tokenizer, read_terms

GREEN = DATA / "green_finance_catalogue_2025.csv"
SEED = 4754
COMBOS_PER_DIVISION = 40
C = 8.0


def documents() -> list[tuple[str, str]]:
    """(text, division) pairs for training."""
    cat = catalogue()
    docs: list[tuple[str, str]] = []
    for code, division in cat.divisions.items():
        docs.append((division.name, code))
        if division.note:
            docs.append((division.note, code))
        docs.extend((text, code) for text in division.detail)
    with GREEN.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            code = row["gb_code"]
            if len(code) == 4 and code.isdigit() and code[:2] in cat.divisions:
                docs.append((f"{row['category_name']} {row['conditions'][:300]}", code[:2]))
    rng = random.Random(SEED)
    for code, words in sorted(read_terms().items()):
        docs.append((" ".join(words), code))
        docs.extend((w, code) for w in words)
        for _ in range(COMBOS_PER_DIVISION):
            docs.append(("".join(rng.sample(words, k=min(len(words), rng.choice((2, 3))))), code))
    return docs


def vectorise(tokenizer: Tokenizer, docs: list[tuple[str, str]]):
    normalized = [normalize(text) for text, _ in docs]
    rows = [features(tokenizer.content_words(n), n) for n in normalized]
    vocab: dict[str, int] = {}
    for feats in rows:
        for f in feats:
            vocab.setdefault(f, len(vocab))
    indptr, indices = [0], []
    for feats in rows:
        indices.extend(vocab[f] for f in feats)
        indptr.append(len(indices))
    x = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(rows), len(vocab)))
    df = np.asarray((x > 0).sum(axis=0)).ravel()
    idf = (np.log((1 + len(rows)) / (1 + df)) + 1).astype(np.float32)
    x = x.multiply(idf).tocsr()
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    x = sparse.diags(1 / norms) @ x
    return x.tocsr(), vocab, idf


def fit(x, y):
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    return model.fit(x, y)


def fit_temperature(x, y, classes) -> float:
    """Temperature that minimises the log-loss of 3-fold out-of-fold predictions."""
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=SEED)
    logits = np.zeros((x.shape[0], len(classes)))
    for train, test in folds.split(x, y):
        model = fit(x[train], y[train])
        part = model.decision_function(x[test])
        full = np.full((len(test), len(classes)), -1e9)
        for j, c in enumerate(model.classes_):
            full[:, classes.index(c)] = part[:, j]
        logits[test] = full
    target = np.array([classes.index(c) for c in y])

    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(target)), target].mean())

    return float(minimize_scalar(nll, bounds=(0.05, 20), method="bounded").x)


def main() -> int:
    started = time.perf_counter()
    tokenizer = Tokenizer()
    docs = documents()
    x, vocab, idf = vectorise(tokenizer, docs)
    y = np.array([code for _, code in docs])
    model = fit(x, y)
    classes = [str(c) for c in model.classes_]
    temperature = fit_temperature(x, y, classes)
    MODEL_DIR.mkdir(exist_ok=True)
    np.savez_compressed(WEIGHTS, weights=model.coef_.T.astype(np.float32), bias=model.intercept_.astype(np.float32),
                        idf=idf, temperature=np.float32(temperature))
    VOCAB.write_text(json.dumps({"classes": classes, "vocab": vocab}, ensure_ascii=False), encoding="utf-8")
    print(f"trained on {len(docs)} texts, {len(vocab)} features, {len(classes)} divisions; "
          f"temperature {temperature:.2f}; {time.perf_counter() - started:.1f} s → {WEIGHTS.relative_to(MODEL_DIR.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
