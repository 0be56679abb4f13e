"""What a statement's result says beyond its rows."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.engine import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched. ``session.execute()`` is typed as returning a Result; for these
    statements it is a CursorResult, which has the count."""
    return cast("CursorResult[Any]", result).rowcount
