"""Command line: ``python -m nlp.classify`` reads lines from stdin and writes one JSON object per line.

Each input line is plain text, or a JSON object with a ``text`` field. Output fields: text, intent, section,
section_name, division, division_name, confidence, top (division, name, score, reasons). The model loads once.
"""

from __future__ import annotations

import json
import sys
from typing import TextIO

from nlp.analyzer import Analyzer


def text_of(line: str) -> str | None:
    line = line.strip()
    if not line:
        return None
    if line.startswith("{"):
        try:
            value = json.loads(line)
        except json.JSONDecodeError:
            return line
        if isinstance(value, dict):
            text = value.get("text")
            return text if isinstance(text, str) and text.strip() else None
    return line


def run(source: TextIO, sink: TextIO, analyzer: Analyzer) -> int:
    count = 0
    for line in source:
        if not line.strip():
            continue  # blank lines are skipped; every other line gets exactly one output line
        text = text_of(line)
        if text is None:
            sink.write(json.dumps({"error": "no text"}) + "\n")
            continue
        sink.write(json.dumps(analyzer.analyse(text).as_record(), ensure_ascii=False) + "\n")
        count += 1
    sink.flush()
    return count


def main() -> int:
    run(sys.stdin, sys.stdout, Analyzer.load())
    return 0


if __name__ == "__main__":
    sys.exit(main())
