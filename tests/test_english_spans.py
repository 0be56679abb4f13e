"""Time spans typed in English where one slot is asked (outside testers, issue 19): "tomorrow 2pm to 4pm",
"Dec 3 2-4pm", "Thursday 9am-11am" were "not a date and time I can read" while "12月3日下午2点到4点" took its start
and said so. An English span now takes its start the same way, and an English line the bot cannot use is named with
its reason as a Chinese one is (an unclear hour, a day its month lacks, a time past)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from services.local_time import parse_moment
from services.slot_reading import read_slots
from services.validation import Invalid
from tests.harness import BotHarness
from tests.test_english_times import english_craftsman_asked_for_slots

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SH).astimezone(UTC)  # a Tuesday, 10:00 in Shanghai


def shown(at: datetime | None) -> str:
    return at.astimezone(SH).strftime("%Y-%m-%d %H:%M") if at else "-"


@pytest.mark.parametrize(
    ("line", "start", "end"),
    [
        ("tomorrow 2pm to 4pm", "2026-12-02 14:00", "2026-12-02 16:00"),
        ("Dec 3 2-4pm", "2026-12-03 14:00", "2026-12-03 16:00"),
        ("Thursday 9am-11am", "2026-12-03 09:00", "2026-12-03 11:00"),
        ("Thursday 9-11am", "2026-12-03 09:00", "2026-12-03 11:00"),
        ("Dec 3 11-1pm", "2026-12-03 11:00", "2026-12-03 13:00"),
        ("tomorrow 2pm-4", "2026-12-02 14:00", "2026-12-02 16:00"),
        ("Dec 3 14:00-16:00", "2026-12-03 14:00", "2026-12-03 16:00"),
        ("Dec 3 from 2pm until 4:30pm", "2026-12-03 14:00", "2026-12-03 16:30"),
        ("Dec 3 between 2 and 4pm", "2026-12-03 14:00", "2026-12-03 16:00"),
        ("tomorrow 10pm to 6am", "2026-12-02 22:00", "2026-12-03 06:00"),
        ("Friday afternoon 2 to 4", "2026-12-04 14:00", "2026-12-04 16:00"),
    ],
)
def test_an_english_span_takes_its_start_and_keeps_its_end(line, start, end):
    reading = read_slots(line, [], [], SH, NOW)
    assert not reading.unusable, reading.unusable
    (slot,) = reading.read
    assert (shown(slot.at), shown(slot.until)) == (start, end)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("Dec 3 2-4", "everyday.ambiguous_hour"),  # 02:00 or 14:00?
        ("yesterday 2pm to 4pm", "everyday.past"),
        ("Dec 5 2030 2-4pm", "everyday.too_far"),
        ("Feb 30 2-4pm", "everyday.no_such_day"),
        ("Feb 30 3pm", "everyday.no_such_day"),  # as "2月30日下午3点": the day its month lacks, named
        ("Nov 31st at 10am", "everyday.no_such_day"),
        ("Dec 3 2pm to whenever", "time.bad_datetime"),
        ("next week 2-4pm", "time.bad_datetime"),  # no day named
    ],
)
def test_an_english_line_that_cannot_be_used_is_named_with_its_reason(line, key):
    (refused,) = read_slots(line, [], [], SH, NOW).unusable
    assert refused.refused is not None and refused.refused.key == key, refused


def test_an_english_date_range_is_no_span_of_hours():
    """ "Dec 3-5" names days, not hours: it is no slot (no time given)."""
    with pytest.raises(Invalid):
        parse_moment("Dec 3-5", SH, NOW, future=True)
    assert read_slots("Dec 3-5", [], [], SH, NOW).unusable


async def test_an_english_craftsman_offers_spans_as_slots(bot: BotHarness):
    helper, _ = await english_craftsman_asked_for_slots(bot)
    helper.send("tomorrow 2pm to 4pm\nDec 3 2-4pm\nThursday 9am-11am\nDec 3 2-4\nFeb 30 2-4pm")
    read = (await helper.expect("Please rewrite this line"))["text"]
    for line in (
        "“tomorrow 2pm to 4pm” → 2026-11-22 14:00 (a span until 2026-11-22 16:00; the slot is its start",
        "“Dec 3 2-4pm” → 2026-12-03 14:00 (a span until 2026-12-03 16:00",
        "“Thursday 9am-11am” → 2026-11-26 09:00 (a span until 2026-11-26 11:00",
        "Please rewrite this line: Dec 3 2-4\nIs “Dec 3 2-4” 2 at night or 2 in the afternoon?",
        "Please rewrite this line: Feb 30 2-4pm\n“Feb 30 2-4pm”: month 2 has no day 30",
    ):
        assert line in read, read
