"""Cross-validation of the intent router on its own labelled phrasings (``python -m nlp.intent_cv``).

Stratified 5-fold, repeated with 3 shuffles: each fold's router is trained on the other folds only. Compared:
the router before issue 19 (cue words, one labour-rights intent: scored on the union family only), cue words alone,
the n-gram model alone, and n-grams with the cue words as features at several weights. Prints a table, then one
JSON line with the same figures and the temperature that minimises the log-loss of the held-out predictions.

Read the figures with their limit: the phrasings and the cue words were written by the same people, so the cue
rows are optimistic; the n-gram-only row is the honest one for texts whose words no cue list has.
"""

from __future__ import annotations

import json
import math
import subprocess

import numpy as np
from sklearn.model_selection import StratifiedKFold

from nlp.intent import INTENTS, UNION_SERVICES, Intent, IntentRouter, features, is_union_service, read_phrases, softmax
from nlp.normalize import normalize
from nlp.tokenize import shared_tokenizer

TECHNICAL = (Intent.PROBLEM, Intent.TRAINING)
SEEDS = (0, 1, 2)
TEMPERATURES = (1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 16.0)


def old_route(cues: dict[str, tuple[str, ...]], text: str, industry_words: int) -> str:
    """The router of f25dc96, from its cue file: labour_rights first, then course, competition, training …"""
    for name in ("labour_rights", "course", "competition", "training"):
        if any(c in text for c in cues[name]):
            return name
    if len(text) <= 16 and (any(c in text for c in cues["greeting"]) or ("你" in text and industry_words == 0)):
        return "greeting"
    if any(c in text for c in cues["problem"]) or industry_words >= 1:
        return "problem"
    return "other"


def _old_cues() -> dict[str, tuple[str, ...]]:
    raw = subprocess.run(
        ["git", "show", "f25dc96:nlp/data/intents.tsv"], capture_output=True, text=True, cwd=INTENTS.parent, check=True
    ).stdout
    return {
        line.split("\t")[0]: tuple(line.split("\t")[1].split())
        for line in raw.splitlines()
        if line.strip() and not line.startswith("#")
    }


def scores(gold: list[Intent], predicted: list[Intent]) -> dict[str, float]:
    n = len(gold)
    non_technical = [(g, p) for g, p in zip(gold, predicted, strict=True) if g not in TECHNICAL]
    union = [(g, p) for g, p in zip(gold, predicted, strict=True) if is_union_service(g)]
    problems = [(g, p) for g, p in zip(gold, predicted, strict=True) if g is Intent.PROBLEM]
    per_class = []
    for c in set(gold):
        tp = sum(g is c and p is c for g, p in zip(gold, predicted, strict=True))
        fp = sum(g is not c and p is c for g, p in zip(gold, predicted, strict=True))
        fn = sum(g is c and p is not c for g, p in zip(gold, predicted, strict=True))
        per_class.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {
        "accuracy": sum(g is p for g, p in zip(gold, predicted, strict=True)) / n,
        "macro_f1": sum(per_class) / len(per_class),
        "union_exact": sum(g is p for g, p in union) / len(union),
        "union_family": sum(is_union_service(p) for _, p in union) / len(union),
        "non_technical_kept": sum(p not in TECHNICAL for _, p in non_technical) / len(non_technical),
        "problems_kept": sum(p is Intent.PROBLEM for _, p in problems) / len(problems),
    }


def cues_only(router: IntentRouter, text: str, industry_words: int) -> Intent:
    for intent in UNION_SERVICES:
        if router._has(intent, text):
            return intent
    return router._by_rules(text, industry_words)


def main() -> None:
    tokenizer = shared_tokenizer()
    rows = [(normalize(t), i) for t, i in read_phrases()]
    texts, labels = [t for t, _ in rows], [i for _, i in rows]
    industry = [tokenizer.industry_count(t) for t in texts]
    old = _old_cues()
    configs = {
        "n-grams only, floor 0.5": (0, 0.5),
        "cues ×1, floor 0.5": (1, 0.5),
        "cues ×2, floor 0.5": (2, 0.5),
        "cues ×4, floor 0.5": (4, 0.5),
        "cues ×8, floor 0.5": (8, 0.5),
        "cues ×4, floor 0.7": (4, 0.7),
        "cues ×4, floor 0.8 (shipped)": (4, 0.8),
        "cues ×4, floor 0.9": (4, 0.9),
        "cues ×4, cue needed": (4, 1.01),
    }
    predicted: dict[str, list[Intent]] = {name: [] for name in ["cue words only", *configs]}
    gold: list[Intent] = []
    old_family, old_kept, old_union, old_problem, old_problem_kept, old_non_tech = 0, 0, 0, 0, 0, 0
    held_scores: dict[int, list[np.ndarray]] = {w: [] for w, _ in configs.values()}
    held_gold: list[int] = []
    for seed in SEEDS:
        for train, test in StratifiedKFold(5, shuffle=True, random_state=seed).split(texts, [i.value for i in labels]):
            gold += [labels[k] for k in test]
            for name, (weight, floor) in configs.items():
                router = IntentRouter(
                    [(texts[k], labels[k]) for k in train],
                    cue_weight=weight,
                    union_floor=floor,
                    industry_words_of=tokenizer.industry_count,
                )
                predicted[name] += [router.decide(texts[k], industry[k]).intent for k in test]
                held_scores[weight] += (
                    []
                    if floor != 0.5
                    else [router.model.log_scores(features(texts[k], router.cues, industry[k], weight)) for k in test]
                )
                if name == "cues ×4, floor 0.5":
                    predicted["cue words only"] += [cues_only(router, texts[k], industry[k]) for k in test]
                    classes = router.model.classes
            held_gold += [classes.index(labels[k]) for k in test]
            for k in test:
                guess = old_route(old, texts[k], industry[k])
                if is_union_service(labels[k]):
                    old_union += 1
                    old_family += guess == "labour_rights"
                if labels[k] not in TECHNICAL:
                    old_non_tech += 1
                    old_kept += guess not in ("problem", "training")
                if labels[k] is Intent.PROBLEM:
                    old_problem += 1
                    old_problem_kept += guess == "problem"
    table = {name: scores(gold, p) for name, p in predicted.items()}
    table["before (f25dc96)"] = {
        "accuracy": math.nan,
        "macro_f1": math.nan,
        "union_exact": math.nan,
        "union_family": old_family / old_union,
        "non_technical_kept": old_kept / old_non_tech,
        "problems_kept": old_problem_kept / old_problem,
    }
    losses: dict[float, float] = {}
    for t in TEMPERATURES:
        losses[t] = -float(
            np.mean([math.log(max(softmax(s, t)[g], 1e-12)) for s, g in zip(held_scores[4], held_gold, strict=True)])
        )
    best_t = min(losses, key=losses.__getitem__)
    conf = np.array([softmax(s, best_t).max() for s in held_scores[4]])
    right = np.array([int(np.argmax(s)) == g for s, g in zip(held_scores[4], held_gold, strict=True)], dtype=float)
    bins = np.minimum((conf * 10).astype(int), 9)
    ece = float(
        sum(
            abs(conf[bins == b].mean() - right[bins == b].mean()) * (bins == b).sum()
            for b in range(10)
            if (bins == b).any()
        )
        / len(conf)
    )
    print(f"intent router, {len(rows)} phrasings, {len(set(labels))} intents, stratified 5-fold × {len(SEEDS)}")
    print(
        f"{'configuration':28} {'accuracy':>9} {'macro F1':>9} {'union exact':>12} {'union family':>13} "
        f"{'non-tech kept':>14} {'problems kept':>14}"
    )
    for name, s in table.items():
        print(
            f"{name:28} "
            + " ".join(
                f"{s[k]:>{w}.1%}" if not math.isnan(s[k]) else f"{'—':>{w}}"
                for k, w in (
                    ("accuracy", 9),
                    ("macro_f1", 9),
                    ("union_exact", 12),
                    ("union_family", 13),
                    ("non_technical_kept", 14),
                    ("problems_kept", 14),
                )
            )
        )
    print(
        "log-loss of the held-out model probabilities (cues ×4) by temperature: "
        + ", ".join(f"T={t:g}: {v:.3f}" for t, v in losses.items())
    )
    print(f"best temperature {best_t:g}; expected calibration error there {ece:.1%}")
    print(
        json.dumps(
            {
                "phrasings": len(rows),
                "table": {
                    k: {m: (None if math.isnan(v) else round(v, 4)) for m, v in s.items()} for k, s in table.items()
                },
                "temperature": best_t,
                "log_loss": {str(t): round(v, 4) for t, v in losses.items()},
                "ece": round(ece, 4),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
