"""The GB/T 2260 seed file read as plain records (db/seed/regions.csv; its source in db/seed/SOURCE.md)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

SEED = Path(__file__).resolve().parent / "regions.csv"


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name: str
    level: str
    parent_code: str | None


def read_seed(path: Path = SEED) -> list[Place]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [Place(r["code"], r["name"], r["level"], r["parent_code"] or None) for r in csv.DictReader(fh)]
