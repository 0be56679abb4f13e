#!/usr/bin/env python3
"""Classifier speed: texts per second over a batch of 10,000 short texts in one process, p50/p99 latency of one
text after start, cold start (a fresh process importing and loading everything, with jieba's cache warm), and
peak memory of that process. The baseline, run in the same process on the same texts, is bare jieba
(``jieba.lcut`` on the global tokenizer) — the least any Chinese analysis has to do.

    python bench/classify.py [--texts 10000]

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jieba  # noqa: E402

from nlp.evaluate import read  # noqa: E402

COLD = """
import resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from nlp.analyzer import Analyzer
analyzer = Analyzer.load()
analyzer.analyse("铝型材喷涂过程遇到氧化，皮膜厚度不均")
print(time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def cold_start() -> tuple[float, float]:
    """Seconds to import, load and answer one text in a fresh interpreter; its peak RSS in MiB (median of 3)."""
    runs = []
    for _ in range(3):
        out = subprocess.run(
            [sys.executable, "-c", COLD.format(root=str(ROOT))], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout.split()
        runs.append((float(out[0]), int(out[1]) / 1024))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=10_000)
    args = parser.parse_args()
    corpus = [item.text for item in read()]
    texts = [corpus[i % len(corpus)] for i in range(args.texts)]

    cold_s, peak_mib = cold_start()

    from nlp.analyzer import Analyzer

    analyzer = Analyzer.load()
    jieba.setLogLevel(60)
    jieba.initialize()
    for text in corpus:  # warm both
        analyzer.analyse(text)
        jieba.lcut(text)

    started = time.perf_counter()
    for text in texts:
        jieba.lcut(text)
    bare_s = time.perf_counter() - started

    started = time.perf_counter()
    for text in texts:
        analyzer.analyse(text)
    ours_s = time.perf_counter() - started

    latencies = []
    for text in texts[:2000]:
        t0 = time.perf_counter()
        analyzer.analyse(text)
        latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[int(len(latencies) * 0.99)]

    ours_rate, bare_rate = args.texts / ours_s, args.texts / bare_s
    ratio = ours_rate / bare_rate
    print(f"{'pipeline':<34}{'texts':>7}{'seconds':>9}{'texts/s':>10}")
    print(f"{'zhuqi nlp (normalise+classify+route)':<34}{args.texts:>7}{ours_s:>9.2f}{ours_rate:>10.0f}")
    print(f"{'bare jieba.lcut (baseline)':<34}{args.texts:>7}{bare_s:>9.2f}{bare_rate:>10.0f}")
    print(f"throughput ratio zhuqi / bare jieba: {ratio:.3f}")
    print(f"one text: p50 {p50:.2f} ms, p99 {p99:.2f} ms;  cold start {cold_s:.2f} s;  peak memory {peak_mib:.0f} MiB")
    print(
        json.dumps(
            {
                "benchmark": "classify",
                "texts": args.texts,
                "texts_per_s": round(ours_rate),
                "baseline_jieba_texts_per_s": round(bare_rate),
                "throughput_ratio": round(ratio, 3),
                "p50_ms": round(p50, 3),
                "p99_ms": round(p99, 3),
                "cold_start_s": round(cold_s, 3),
                "peak_memory_mib": round(peak_mib),
            }
        )
    )


if __name__ == "__main__":
    main()
