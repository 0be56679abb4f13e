#!/usr/bin/env python3
"""Matching quality: the demo talent pool against ``bench/data/matching_gold.tsv`` — real problem texts (from
the NLP evaluation set, sources listed per row) with the craftsman a union expert would pick from the demo pool.

Two runs: with the industry the enterprise confirmed (the gold division), and with the classifier's first guess
(what the matcher gets when the user just presses ✅). Reports top-1 and top-3 hit rates.

    python bench/matching_quality.py

Prints a table (and the misses), then one JSON line with the same figures.
"""

from __future__ import annotations

import asyncio
import csv
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from config.settings import load_settings
from services.container import Services
from services.demo import load_demo_data
from services.talent_index import DemandQuery

GOLD = Path(__file__).resolve().parent / "data" / "matching_gold.tsv"


@dataclass(frozen=True)
class GoldRow:
    text: str
    division: str
    region: str
    expected: str


def read_gold(path: Path = GOLD) -> list[GoldRow]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            GoldRow(r["text"], r["division"], r["region"], r["expected"]) for r in csv.DictReader(fh, delimiter="\t")
        ]


async def evaluate(services: Services, rows: list[GoldRow], predicted: bool = False) -> dict:
    """Hit rates over ``rows`` on the loaded talent pool; ``predicted`` uses the classifier's division."""
    top1 = top3 = 0
    misses = []
    for row in rows:
        division = services.analyzer.analyse(row.text).industry.division if predicted else row.division
        found = await services.matcher.rank(DemandQuery(row.text, division, row.region), 3)
        names = [c.name for c in found]
        top1 += bool(names) and names[0] == row.expected
        top3 += row.expected in names
        if not names or names[0] != row.expected:
            misses.append({"text": row.text[:30], "expected": row.expected, "got": names})
    n = len(rows)
    return {"demands": n, "top1": round(top1 / n, 3), "top3": round(top3 / n, 3), "misses": misses}


async def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp}/quality.sqlite3", bot_token=None)
        services = await Services.start(settings)
        try:
            await load_demo_data(services.db, services.clock, settings.tz)
            rows = read_gold()
            confirmed = await evaluate(services, rows)
            guessed = await evaluate(services, rows, predicted=True)
        finally:
            await services.close()
    print(f"{'industry given to the matcher':32} {'demands':>8} {'top-1':>7} {'top-3':>7}")
    for label, r in (("confirmed by the enterprise", confirmed), ("classifier's first guess", guessed)):
        print(f"{label:32} {r['demands']:>8} {r['top1']:>7.1%} {r['top3']:>7.1%}")
    for miss in confirmed["misses"]:
        print(f"  miss (confirmed): {miss['text']} → expected {miss['expected']}, got {', '.join(miss['got']) or '—'}")
    figures = {
        "bench": "matching_quality",
        "demands": confirmed["demands"],
        "craftsmen": "demo pool",
        "confirmed_top1": confirmed["top1"],
        "confirmed_top3": confirmed["top3"],
        "predicted_top1": guessed["top1"],
        "predicted_top3": guessed["top3"],
    }
    print(json.dumps(figures, ensure_ascii=False))
    return figures


if __name__ == "__main__":
    asyncio.run(main())
