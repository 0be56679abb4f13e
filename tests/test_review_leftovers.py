"""Code review leftovers (issue 21): one reader of a staffer's working region, and no wiring nobody reads."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from config.settings import load_settings
from services.clock import ManualClock
from services.container import Services
from services.reminders import Reminders

ROOT = Path(__file__).resolve().parent.parent


async def test_the_reminders_are_built_without_the_region_directory_they_never_read(db_url: str):
    assert "regions" not in inspect.signature(Reminders).parameters
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), clock=ManualClock())
    try:
        assert not hasattr(services.reminders, "regions")
    finally:
        await services.close()


def test_only_staff_scope_reads_a_staffers_region_from_the_users_table():
    """services/statistics.py (/stats) and staff_scope.covered both take it from staff_scope.work_region."""
    for name in ("statistics.py", "export.py"):
        tree = ast.parse((ROOT / "services" / name).read_text(encoding="utf-8"))
        reads = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr == "region_code"
            and isinstance(node.value, ast.Name)
            and node.value.id == "User"
        ]
        assert reads == [], name
