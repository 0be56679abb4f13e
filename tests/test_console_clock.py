"""The console's stage clock drives the reminders (hostile report item 16): `:clock +1h` moves the stage on and
what fell due goes out, worded for the new time; `:clock` says the stage's time; a step back is refused."""

from __future__ import annotations

from pathlib import Path

from tests.test_console import console


async def test_clock_moves_the_stage_on_and_the_visit_reminders_come_when_due(db_url: str, tmp_path: Path):
    """The stage starts at 12-01 10:00; 王丽's demo consultation with 周建华 is 12-02 14:30."""
    async with console(db_url, tmp_path) as terminal:
        await terminal.expect("王丽> ")
        terminal.type(":clock")
        await terminal.expect("2026-12-01 10:00")
        terminal.type(":clock -1h")
        await terminal.expect(":clock +1h")  # the usage: the stage's time never runs back
        moved = len(terminal.out)
        terminal.type(":clock +1d3h")  # 12-02 13:00: the day-before reminder (12-01 14:30) was skipped over
        await terminal.expect("已前进到北京时间 2026-12-02 13:00", after=moved)
        late = await terminal.expect("问诊提醒（1 小时 30 分钟后）", after=moved)
        assert "【补发】" in terminal.since(late - 3) and "明天" not in terminal.since(moved)
        moved = len(terminal.out)
        terminal.type(":clock +30m")  # 13:30: the hour-before reminder is due, on time
        await terminal.expect("已前进到北京时间 2026-12-02 13:30", after=moved)
        await terminal.expect("问诊提醒（1 小时后）", after=moved)
        assert "【补发】" not in terminal.since(moved)
