#!/usr/bin/env python3
"""Matching at scale, on a SQLite file: 100,000 craftsmen over the 97 GB/T 4754 divisions and ~3,000 counties,
specialities drawn from the curated industry vocabulary, and 1,000 demands.

Measures, each with a baseline in the same process:
  * one top-5 query (p50 / p95 over the demands), against the plainest SQL match: craftsmen of the same division,
    LIMIT 5, no text, no region, no load;
  * building the in-memory index (once per change of the talent pool);
  * the batch assignment of 1,000 demands over a 10,000-craftsman pool (candidates + the exact solver), against a
    greedy assignment of the same candidates — time, and the total score each reaches.

    python bench/matching.py [--craftsmen 100000] [--demands 1000] [--batch-pool 10000]

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text

from config.settings import load_settings
from db.models import Craftsman, CraftsmanIndustry, CraftsmanStatus
from nlp.tokenize import read_terms
from services.assignment import Plan, plan_for, solve
from services.container import Services
from services.regions import read_seed
from services.talent_index import DemandQuery

CHUNK = 5000


def synthetic(n: int, seed: int = 7) -> tuple[list[dict], list[dict], list[tuple[str, str, str]]]:
    """(craftsman rows, industry rows, demand pool of (text, division, region))."""
    rng = random.Random(seed)
    terms = {d: words for d, words in read_terms().items() if len(words) >= 4}
    divisions = sorted(terms)
    counties = [p.code for p in read_seed() if p.level == "county"]
    crafts, industries = [], []
    for i in range(n):
        division = rng.choice(divisions)
        extra = rng.choice(divisions) if rng.random() < 0.3 else None
        specialities = ["".join(rng.sample(terms[division], 2)) for _ in range(rng.randint(2, 4))]
        crafts.append(
            {
                "id": i + 1,
                "name": f"工匠{i}",
                "workplace": f"单位{i % 5000}",
                "phone": None,
                "honours": [],
                "specialities": specialities,
                "service_modes": ["onsite"],
                "region_code": rng.choice(counties),
                "capacity": rng.randint(1, 5),
                "active": True,
                "status": CraftsmanStatus.APPROVED,
                "rating_sum": 0,
                "rating_count": 0,
                "search_text": " ".join(specialities),
            }
        )
        industries.append({"craftsman_id": i + 1, "division": division})
        if extra and extra != division:
            industries.append({"craftsman_id": i + 1, "division": extra})
    demands = []
    for _ in range(2000):
        division = rng.choice(divisions)
        words = rng.sample(terms[division], 3)
        demands.append(
            (f"我们厂{words[0]}出现问题，{words[1]}和{words[2]}不稳定，请专家指导", division, rng.choice(counties))
        )
    return crafts, industries, demands


async def populate(s: Services, crafts: list[dict], industries: list[dict]) -> None:
    async with s.db.session() as session:
        for start in range(0, len(crafts), CHUNK):
            await session.execute(insert(Craftsman), crafts[start : start + CHUNK])
        for start in range(0, len(industries), CHUNK):
            await session.execute(insert(CraftsmanIndustry), industries[start : start + CHUNK])


async def baseline_query(s: Services, division: str) -> list[int]:
    async with s.db.session() as session:
        return list(
            (
                await session.scalars(
                    select(CraftsmanIndustry.craftsman_id).where(CraftsmanIndustry.division == division).limit(5)
                )
            ).all()
        )


def greedy(candidates: dict, spare: dict[int, int]) -> Plan:
    """Best pair first, while capacity lasts: what a staffer working down a list would do."""
    from services.assignment import Pair

    left, pairs, taken = dict(spare), [], set()
    edges = sorted(((c.score, d, c) for d, found in candidates.items() for c in found), key=lambda e: -e[0])
    for score, demand_id, c in edges:
        if demand_id not in taken and left.get(c.craftsman_id, 0) > 0:
            taken.add(demand_id)
            left[c.craftsman_id] -= 1
            pairs.append(Pair(demand_id, c.craftsman_id, c.name, score))
    return Plan(pairs, [d for d in candidates if d not in taken])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def run(n: int, demands_n: int, pool: int) -> dict:
    crafts, industries, demands = synthetic(n)
    demands = demands[:demands_n]
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp}/matching.sqlite3", bot_token=None)
        s = await Services.start(settings)
        try:
            await populate(s, crafts, industries)
            t0 = time.perf_counter()
            await s.matcher.index()
            build = time.perf_counter() - t0

            queries = [DemandQuery(t, d, r) for t, d, r in demands]
            for q in queries[:20]:  # warm-up
                await s.matcher.rank(q, 5)
            ours, base = [], []
            for q in queries:
                t0 = time.perf_counter()
                await s.matcher.rank(q, 5)
                ours.append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                await baseline_query(s, q.division)
                base.append((time.perf_counter() - t0) * 1000)

            # the batch: a 10,000-craftsman pool (a province's talent pool)
            async with s.db.session() as session:
                await session.execute(text("UPDATE craftsmen SET active = 0 WHERE id > :pool"), {"pool": pool})
            s.matcher.invalidate()
            await s.matcher.index()
            t0 = time.perf_counter()
            candidates = {i: await s.matcher.rank(q, 10, reasons=False) for i, q in enumerate(queries)}
            rank_time = time.perf_counter() - t0
            spare = {
                c.craftsman_id: crafts[c.craftsman_id - 1]["capacity"] for found in candidates.values() for c in found
            }
            t0 = time.perf_counter()
            plan = solve(candidates, spare)
            solve_time = time.perf_counter() - t0
            t0 = time.perf_counter()
            simple = greedy(candidates, spare)
            greedy_time = time.perf_counter() - t0
            t0 = time.perf_counter()
            await plan_for(s.matcher, dict(enumerate(queries)))  # the whole path /match_all runs
            end_to_end = time.perf_counter() - t0
        finally:
            await s.close()
    p50, p95, b50, b95 = pct(ours, 0.5), pct(ours, 0.95), pct(base, 0.5), pct(base, 0.95)
    figures = {
        "bench": "matching",
        "craftsmen": n,
        "demands": len(queries),
        "index_build_s": round(build, 2),
        "query_p50_ms": round(p50, 2),
        "query_p95_ms": round(p95, 2),
        "query_max_ms": round(max(ours), 2),
        "baseline_p50_ms": round(b50, 2),
        "baseline_p95_ms": round(b95, 2),
        "p95_ratio": round(p95 / b95, 1),
        "batch_pool": pool,
        "batch_candidates_s": round(rank_time, 2),
        "batch_solve_s": round(solve_time, 3),
        "batch_total_s": round(end_to_end, 2),
        "greedy_s": round(greedy_time, 3),
        "assigned": len(plan.pairs),
        "greedy_assigned": len(simple.pairs),
        "score": plan.total,
        "greedy_score": simple.total,
        "score_ratio": round(plan.total / simple.total, 4),
    }
    print(f"{'measure':44} {'ours':>10} {'baseline':>10} {'ratio':>7}")
    print(f"{'top-5 query p50 (ms)':44} {p50:>10.2f} {b50:>10.2f} {p50 / b50:>7.1f}")
    print(f"{'top-5 query p95 (ms), target <= 50':44} {p95:>10.2f} {b95:>10.2f} {p95 / b95:>7.1f}")
    print(f"{'index build over ' + format(n, ',') + ' craftsmen (s)':44} {build:>10.2f}")
    print(f"{'batch: top-10 candidates x ' + str(len(queries)) + ' (s)':44} {rank_time:>10.2f}")
    print(
        f"{'batch: exact solver vs greedy (s)':44} {solve_time:>10.3f} {greedy_time:>10.3f} {solve_time / max(greedy_time, 1e-6):>7.1f}"
    )
    print(
        f"{'batch: total score, exact vs greedy':44} {plan.total:>10.2f} {simple.total:>10.2f} {plan.total / simple.total:>7.4f}"
    )
    print(f"{'batch: demands assigned':44} {len(plan.pairs):>10} {len(simple.pairs):>10}")
    print(f"{'batch: /match_all end to end (s)':44} {end_to_end:>10.2f}")
    print(json.dumps(figures, ensure_ascii=False))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--craftsmen", type=int, default=100_000)
    parser.add_argument("--demands", type=int, default=1000)
    parser.add_argument("--batch-pool", type=int, default=10_000)
    args = parser.parse_args()
    asyncio.run(run(args.craftsmen, args.demands, args.batch_pool))


if __name__ == "__main__":
    main()
