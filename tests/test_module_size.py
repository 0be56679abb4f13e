"""The house rule "no module past ~400 lines" (README, Architecture): a long module is split along a seam, so a
reader finds one concern a file. Migrations are history and do not count."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400
FOLDERS = ("services", "conversations", "buttons", "nlp", "runtime", "db", "config", "i18n")


def test_no_module_of_ours_passes_four_hundred_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for folder in FOLDERS
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and (n := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    }
    assert long == {}
