"""The trained industry model ships in nlp/model/ (a fresh machine starts without training it); rebuilding it from
nlp/data with ``python -m nlp.train`` must give the very same files, so what ships is what the data makes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nlp.classifier import MODEL_DIR, VOCAB, WEIGHTS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def test_rebuilding_the_model_from_the_data_gives_the_shipped_files(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "nlp.train", "--out", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for name in (WEIGHTS.name, VOCAB.name):
        shipped, rebuilt = (MODEL_DIR / name).read_bytes(), (tmp_path / name).read_bytes()
        assert rebuilt == shipped, (
            f"nlp/model/{name} is not what nlp/data makes: run `make model` and commit nlp/model/ with the data change"
        )


def test_the_model_files_are_tracked_by_git():
    listed = subprocess.run(["git", "ls-files", "nlp/model"], cwd=ROOT, capture_output=True, text=True).stdout
    if not listed and not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    assert {f"nlp/model/{WEIGHTS.name}", f"nlp/model/{VOCAB.name}"} <= set(listed.split())
