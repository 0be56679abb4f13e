"""Evaluation: ``python -m nlp.evaluate`` (``make eval``) prints the figures of README's NLP table.

The set is ``nlp/data/eval.tsv``: real public texts, each with its source, labelled by hand with a GB/T 4754-2017
division (``-`` when it is not a technical problem) and an intent. It is never used for training. Each text is
scored as written, as a simplified copy and as a traditional copy (``eval_traditional.tsv``, made by OpenCC s2t).
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from nlp.analyzer import Analyzer
from nlp.industry import DATA, catalogue
from nlp.intent import family
from nlp.script import to_simplified, to_traditional

EVAL = DATA / "eval.tsv"
EVAL_TRADITIONAL = DATA / "eval_traditional.tsv"
FIELDS = ("text", "division", "intent", "source")


@dataclass(frozen=True)
class Item:
    text: str
    division: str | None
    intent: str
    source: str


def read(path: Path = EVAL) -> list[Item]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [Item(r["text"], None if r["division"] == "-" else r["division"], r["intent"], r["source"])
                for r in csv.DictReader(fh, delimiter="\t")]


def write_traditional(items: list[Item], path: Path = EVAL_TRADITIONAL) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t", lineterminator="\n")
        out.writerow(FIELDS)
        for item in items:
            out.writerow((to_traditional(item.text), item.division or "-", item.intent, item.source))


def score(analyzer: Analyzer, items: list[Item]) -> dict:
    cat = catalogue()
    industry = [i for i in items if i.division]
    section_hits: Counter[str] = Counter()
    section_totals: Counter[str] = Counter()
    confusions: Counter[tuple[str, str]] = Counter()
    d1 = d3 = s1 = 0
    confidences = []
    analyses = {item.text: analyzer.analyse(item.text) for item in items}
    for item in industry:
        p = analyses[item.text].industry
        gold_section = cat.divisions[item.division].section
        section_totals[gold_section] += 1
        if p.section == gold_section:
            s1 += 1
            section_hits[gold_section] += 1
        d1 += p.division == item.division
        d3 += item.division in {c.division for c in p.top}
        confidences.append((p.confidence, p.division == item.division))
        if p.division != item.division:
            confusions[(item.division, p.division)] += 1
    intents = sum(family(analyses[i.text].intent.value) == family(i.intent) for i in items)
    n = len(industry)
    return {
        "texts": len(items), "industry_texts": n, "sections_covered": len(section_totals),
        "section_top1": s1 / n, "division_top1": d1 / n, "division_top3": d3 / n,
        "section_macro": sum(section_hits[s] / section_totals[s] for s in section_totals) / len(section_totals),
        "intent_accuracy": intents / len(items),
        "calibration_error": expected_calibration_error(confidences),
        "confusions": [f"{g}→{p} ×{k}" for (g, p), k in confusions.most_common(8)],
    }


def expected_calibration_error(pairs: list[tuple[float, bool]], bins: int = 10) -> float:
    total, error = len(pairs), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            error += len(inside) / total * abs(sum(c for c, _ in inside) / len(inside)
                                                 - sum(ok for _, ok in inside) / len(inside))
    return error


def main() -> int:
    analyzer = Analyzer.load()
    items = read()
    if not EVAL_TRADITIONAL.exists():
        write_traditional(items)
    runs = {
        "as written": score(analyzer, items),
        "simplified copy": score(analyzer, [Item(to_simplified(i.text), i.division, i.intent, i.source) for i in items]),
        "traditional copy": score(analyzer, read(EVAL_TRADITIONAL)),
    }
    names = [("section_top1", "section top-1 accuracy"), ("division_top1", "division top-1 accuracy"),
             ("division_top3", "division top-3 recall"), ("section_macro", "section accuracy, macro-averaged"),
             ("intent_accuracy", "intent accuracy"), ("calibration_error", "expected calibration error")]
    base = runs["as written"]
    print(f"evaluation set: {base['texts']} texts ({base['industry_texts']} technical problems "
          f"over {base['sections_covered']} sections), nlp/data/eval.tsv")
    print(f"{'metric':<36}" + "".join(f"{k:>18}" for k in runs))
    for key, label in names:
        print(f"{label:<36}" + "".join(f"{r[key]:>18.1%}" for r in runs.values()))
    print("worst confusions (gold→predicted): " + ", ".join(base["confusions"]))
    summary = {k: {m: round(v[m], 4) for m, _ in names} for k, v in runs.items()}
    summary["texts"], summary["sections"] = base["texts"], base["sections_covered"]
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
