"""The layers of docs/ARCHITECTURE.md, checked on the import statements themselves (AST, so imports inside functions
and under TYPE_CHECKING count too): no arrow runs back up, and the transport's plumbing lives in runtime/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# layer → modules it never imports (a prefix matches the module and everything below it)
NEVER = {
    "services": ("runtime", "conversations", "web", "bot", "telegram"),
    "conversations": ("runtime", "web", "bot", "db.database.Database", "db.session", "sqlalchemy.ext.asyncio"),
    "runtime": ("conversations", "web", "bot"),
    "nlp": ("db", "services", "runtime", "conversations", "telegram"),
    "db": ("services", "runtime", "conversations", "nlp", "web", "bot", "telegram"),
}
TRANSPORT = ("inbox", "state_store", "ratelimit", "budget", "presence", "flood")  # serve only runtime/


def imported(path: Path) -> set[str]:
    """Every module (and, for ``from m import n``, every ``m.n``) the file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def breaks(layer: str) -> list[str]:
    found = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for name in sorted(imported(path)):
            for banned in NEVER[layer]:
                if name == banned or name.startswith(banned + "."):
                    found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


@pytest.mark.parametrize("layer", sorted(NEVER))
def test_no_import_runs_against_the_layers(layer: str) -> None:
    assert breaks(layer) == []


def test_transport_plumbing_lives_in_runtime_and_the_database_handle_in_db() -> None:
    misplaced = [
        f"services/{name}.py" for name in (*TRANSPORT, "database") if (ROOT / "services" / f"{name}.py").exists()
    ]
    assert misplaced == []
    assert (ROOT / "db" / "database.py").exists()
