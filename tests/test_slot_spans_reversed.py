"""A slot span whose end is before its start on the same day ("Dec 5 4pm-2pm", "12月5日下午4点到下午2点") is
refused with the reason, in both languages; a span is read as overnight only when it starts in the evening and ends
in the early morning ("10pm-6am", "晚上10点到早上6点") (hostile tester, issue 21 "periods and spans read whole")."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.slot_reading import read_slots
from tests.harness import BotHarness
from tests.test_english_times import english_craftsman_asked_for_slots
from tests.test_visit_slots import accepted_case

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SH).astimezone(UTC)


@pytest.mark.parametrize(
    "line", ["Dec 5 4pm-2pm", "12月5日下午4点到下午2点", "12月5日下午4点到2点", "12月5日9点到8点", "Dec 5 9am-8am"]
)
def test_a_span_ending_before_it_starts_is_refused(line):
    """Each was read as a slot of 22 or 23 hours running into the next day."""
    reading = read_slots(line, [], [], SH, NOW)
    assert not reading.read, reading.read
    (refused,) = reading.unusable
    assert refused.refused is not None and refused.refused.key == "everyday.span_reversed", refused


@pytest.mark.parametrize(
    ("line", "end"),
    [
        ("12月5日晚上10点到早上6点", "2026-12-06 06:00"),
        ("12月5日23点到8点", "2026-12-06 08:00"),
        ("Dec 5 11pm-1am", "2026-12-06 01:00"),
        ("Dec 5 10pm to 6am", "2026-12-06 06:00"),
    ],
)
def test_an_evening_to_early_morning_span_runs_overnight(line, end):
    (read,) = read_slots(line, [], [], SH, NOW).read
    assert read.until is not None and read.until.astimezone(SH).strftime("%Y-%m-%d %H:%M") == end, read


async def test_a_craftsman_is_told_why_a_reversed_span_is_no_slot(bot: BotHarness):
    """The Chinese line went by without a word (the bot went on to the place question)."""
    helper, _, accepted = await accepted_case(bot)
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send("12月5日下午4点到下午2点")
    answer = (await helper.expect("这一行请重写"))["text"]
    assert "早于开始时间" in answer and "16:00" in answer and "14:00" in answer, answer


async def test_an_english_craftsman_is_told_why_a_reversed_span_is_no_slot(bot: BotHarness):
    """ "Dec 5 4pm-2pm" was accepted as a 22-hour slot to the next day."""
    helper, _ = await english_craftsman_asked_for_slots(bot)
    helper.send("Dec 5 4pm-2pm")
    answer = (await helper.expect("Please rewrite this line"))["text"]
    assert "before it starts" in answer and "16:00" in answer and "14:00" in answer, answer
