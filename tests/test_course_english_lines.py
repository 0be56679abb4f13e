"""A course's class lines read English spans as slot lines do ("Dec 18 7pm-9pm" was "看不懂"); the reminder lead
is read in hours and days too ("1.5 小时", "2小时", "1天" were refused with a minutes-only message); a resolution
benefit typed "-0" is 0, not a negative figure (hostile tester, issue 21 "periods and spans read whole")."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from services.course_times import parse_session_lines
from services.event_fields import Reading, lead_minutes
from services.resolution_figures import read_benefit, read_trained
from services.validation import Invalid
from tests.harness import BotHarness
from tests.test_course_night_school import up_to_dates
from tests.test_report import staffer
from tests.test_resolution_figures import at_workers_trained

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SH).astimezone(UTC)


def local(at: datetime) -> str:
    return at.astimezone(SH).strftime("%m-%d %H:%M")


def test_class_lines_read_english_spans():
    sessions = parse_session_lines("Dec 18 7pm-9pm\nDec 19 7-9pm\nFriday 19:00-21:00", SH, NOW)
    assert [(local(s), local(e)) for s, e in sessions] == [
        ("12-04 19:00", "12-04 21:00"),
        ("12-18 19:00", "12-18 21:00"),
        ("12-19 19:00", "12-19 21:00"),
    ]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("Dec 18 9pm-7pm", "time.why.end_before_start"),
        ("Dec 18 10pm-6am", "time.why.end_before_start"),  # a class ends on its own day
        ("yesterday 7pm-9pm", "everyday.past"),
    ],
)
def test_an_english_class_line_is_refused_with_its_reason(line, why):
    with pytest.raises(Invalid) as caught:
        parse_session_lines(line, SH, NOW)
    exc = caught.value
    assert exc.key == why or [w.key for w in exc.values.get("why", [])] == [why], exc


def test_the_lead_is_read_in_minutes_hours_or_days():
    reading = Reading(NOW, SH)
    for typed, minutes in (
        ("90", "90"),
        ("1.5 小时", "90"),
        ("2小时", "120"),
        ("两个小时", "120"),
        ("半小时", "30"),
        ("1天", "1440"),
        ("45分钟", "45"),
        ("2 hours", "120"),
        ("1 day", "1440"),
        ("7天", "10080"),
    ):
        assert lead_minutes(typed, reading) == minutes, typed
    for typed in ("0", "-0", "0小时", "8天", "0.001小时", "小时", "-1天", "1.5"):
        with pytest.raises(Invalid):
            lead_minutes(typed, reading)


def test_minus_zero_is_zero():
    assert read_benefit("-0").amount == Decimal(0)
    assert read_trained("-0").value == Decimal(0)
    assert read_benefit("-5").refused.key == "resolve.benefit_negative"


async def test_the_course_form_takes_english_lines_and_a_lead_in_hours(bot: BotHarness):
    """ "Dec 18 7pm-9pm" answered 看不懂; "1.5 小时" a minutes-only refusal."""
    staff = await staffer(bot)
    await up_to_dates(staff)
    staff.send("Dec 18 7pm-9pm")
    await staff.expect("每次课前多久提醒")
    staff.send("1.5 小时")
    staff.press("跳过", await staff.expect("课程简介"))
    summary = (await staff.expect("请核对"))["text"]
    assert "课前提醒：1 小时 30 分钟" in summary and "2026-12-18" in summary, summary


async def test_a_benefit_of_minus_zero_is_taken_as_zero(bot: BotHarness):
    """ "-0" answered 经济效益不能是负数."""
    helper = await at_workers_trained(bot)
    helper.send("12")
    await helper.expect("预计经济效益")
    helper.send("-0")
    await helper.expect("已登记解决结果")
