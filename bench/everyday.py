#!/usr/bin/env python3
"""What everyday Chinese input costs (services/everyday.py): each step in a fresh process, so the import is cold.

  * baseline: the interpreter with numpy and OpenCC loaded, as the bot has them before any input;
  * import: importing services.everyday, as the bot does at start (both libraries are left for first use);
  * cn2an: the first number read ("一万五"), which imports cn2an;
  * time parser: the first time typed ("下周二下午两点"), which imports JioNLP lazily;
  * per call: the mean of 200 more time parses and of 200 number reads in the warm process.

Import and first-call times and the RSS each step adds. The bot's start pays only the import row; the others
are paid once, on the first number or time anyone types.

    python bench/everyday.py

Prints a table, then one JSON line with the same figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, sys, time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo
def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20
import numpy, opencc
from nlp.script import to_simplified
to_simplified("一萬五")
out = {"baseline_rss_mib": rss()}
t, r = time.perf_counter(), rss()
from services import everyday
out["import_ms"], out["import_rss_mib"] = (time.perf_counter() - t) * 1000, rss() - r
t, r = time.perf_counter(), rss()
everyday.amount("一万五", 10**9)
out["cn2an_ms"], out["cn2an_rss_mib"] = (time.perf_counter() - t) * 1000, rss() - r
tz, now = ZoneInfo("Asia/Shanghai"), datetime(2026, 11, 30, 2, tzinfo=timezone.utc)
t, r = time.perf_counter(), rss()
everyday.moment("下周二下午两点", tz, now)
out["time_parser_first_ms"], out["time_parser_rss_mib"] = (time.perf_counter() - t) * 1000, rss() - r
t = time.perf_counter()
for _ in range(200):
    everyday.moment("12月3日下午2点", tz, now)
out["time_parse_ms"] = (time.perf_counter() - t) * 1000 / 200
t = time.perf_counter()
for _ in range(200):
    everyday.count("大约五十人", 0, 10**5)
out["number_read_ms"] = (time.perf_counter() - t) * 1000 / 200
print(json.dumps(out))
"""


def main() -> None:
    runs = []
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    figures = {key: round(sorted(run[key] for run in runs)[1], 2) for key in runs[0]}  # the median of three
    print(f"{'step':<36}{'ms':>10}{'+RSS MiB':>10}")
    print(f"{'baseline (numpy, OpenCC)':<36}{'':>10}{figures['baseline_rss_mib']:>10.1f}")
    print(f"{'import services.everyday (at start)':<36}{figures['import_ms']:>10.1f}{figures['import_rss_mib']:>10.1f}")
    print(f"{'first number read (cn2an import)':<36}{figures['cn2an_ms']:>10.1f}{figures['cn2an_rss_mib']:>10.1f}")
    print(
        f"{'first time typed (JioNLP import)':<36}{figures['time_parser_first_ms']:>10.1f}"
        f"{figures['time_parser_rss_mib']:>10.1f}"
    )
    print(f"{'one time parse, warm':<36}{figures['time_parse_ms']:>10.3f}")
    print(f"{'one number read, warm':<36}{figures['number_read_ms']:>10.3f}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
