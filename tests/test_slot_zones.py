"""A time zone typed in a slot line (hostile tester 7): "tomorrow 2pm UTC", "Dec 5 2pm to 4pm CET" were read as
local times, the zone silently dropped. A zone zoneinfo knows (UTC, GMT, CET, "Europe/Berlin", "UTC+2", 北京时间) is
read: the line is converted to the craftsman's local time and the confirmation says from which zone; an
abbreviation that names no one zone (PST, CST: China or US Central?) or a part-hour offset is refused with the
reason."""

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


def local(moment: datetime | None) -> str:
    assert moment is not None
    return moment.astimezone(SH).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("line", "at", "until", "zone"),
    [
        ("tomorrow 2pm UTC", "2026-12-02 22:00", None, "UTC"),
        ("tomorrow 2pm utc", "2026-12-02 22:00", None, "UTC"),
        ("tomorrow 2pm to 4pm CET", "2026-12-02 21:00", "2026-12-02 23:00", "CET"),
        ("Dec 3 2-4pm GMT", "2026-12-03 22:00", "2026-12-04 00:00", "GMT"),
        ("tomorrow 9am Europe/Berlin", "2026-12-02 16:00", None, "Europe/Berlin"),
        ("tomorrow 2pm UTC+2", "2026-12-02 20:00", None, "UTC+2"),
        ("明天下午2点 UTC", "2026-12-02 22:00", None, "UTC"),
        ("明天下午2点 北京时间", "2026-12-02 14:00", None, None),
        ("明天下午2点（北京时间）", "2026-12-02 14:00", None, None),
        ("tomorrow 2pm", "2026-12-02 14:00", None, None),
    ],
)
def test_a_zone_typed_in_a_slot_line_is_converted_to_local_time(line, at, until, zone):
    (read,) = read_slots(line, [], [], SH, NOW).read
    assert local(read.at) == at, read
    assert (local(read.until) if read.until else None) == until, read
    assert read.zone == zone, read


@pytest.mark.parametrize("line", ["tomorrow 2pm PST", "tomorrow 2pm CST", "tomorrow 2pm IST", "tomorrow 2pm UTC+5:30"])
def test_a_zone_that_names_no_one_zone_is_refused_with_the_reason(line):
    reading = read_slots(line, [], [], SH, NOW)
    assert not reading.read, reading.read
    (refused,) = reading.unusable
    assert refused.refused is not None and refused.refused.key == "time.zone_unknown", refused


async def test_an_english_craftsman_sees_the_converted_time_and_why_a_zone_is_refused(bot: BotHarness):
    helper, _ = await english_craftsman_asked_for_slots(bot)
    helper.send("Dec 5 2pm UTC\nDec 6 2pm to 4pm CET\nDec 7 2pm PST")
    answer = (await helper.expect("Please rewrite this line"))["text"]
    assert "“Dec 5 2pm UTC” → 2026-12-05 22:00 (converted from UTC)" in answer, answer
    assert "“Dec 6 2pm to 4pm CET” → 2026-12-06 21:00" in answer and "converted from CET" in answer, answer
    assert "Dec 7 2pm PST" in answer and "PST" in answer.split("Dec 7 2pm PST", 1)[1], answer


async def test_a_craftsman_sees_the_converted_time_in_chinese(bot: BotHarness):
    helper, _, accepted = await accepted_case(bot)
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send("12月5日下午2点 UTC\n12月6日下午3点 北京时间")
    answer = (await helper.expect("地点"))["text"]
    assert "“12月5日下午2点 UTC” → 2026-12-05 22:00（已按 UTC 换算）" in answer, answer
    assert "“12月6日下午3点 北京时间” → 2026-12-06 15:00" in answer and "换算" not in answer.split("北京时间")[-1]
