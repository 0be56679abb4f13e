"""The console's banner names what took the stage's time ahead (hostile report 4.17): after `:clock +2d` the next
run said "之前用 CONSOLE_CLOCK 走到了这里", though CONSOLE_CLOCK was never set."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from services.clock import ShiftedClock
from tests.test_console import stage_run


async def test_after_clock_the_next_run_says_clock_moved_the_stage(db_url: str, tmp_path: Path):
    async with stage_run(db_url, tmp_path, ShiftedClock(datetime.now(UTC))) as (first, terminal):
        await terminal.expect("王丽> ")
        terminal.type(":clock +2d")
        await terminal.expect("已前进到北京时间")
        ahead = first.clock.now()
    async with stage_run(db_url, tmp_path, ShiftedClock(datetime.now(UTC))) as (second, terminal):
        await terminal.expect("王丽> ")
        assert second.clock.now() >= ahead
        said = terminal.since(0)
        assert "舞台时间" in said and ":clock" in said and "CONSOLE_CLOCK 走到" not in said, said
