"""Dates and times typed in English (hostile3 item 10): "tomorrow 3pm", "next Tuesday morning", "Dec 5 2pm",
"5 December 14:00", "Friday at 10am" were all "not a date and time I can read". They are read everywhere a time is
typed (everyday.moment under parse_moment: slots, events, broadcasts), with the rules of everyday Chinese."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from db.models import Lang
from services.local_time import parse_local_datetime, parse_moment
from services.validation import Invalid
from tests.harness import BotHarness
from tests.test_visit_slots import accepted_case

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=SH).astimezone(UTC)  # a Tuesday, 10:00 in Shanghai


def at(text: str) -> str:
    return parse_moment(text, SH, NOW, future=True).at.astimezone(SH).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tomorrow 3pm", "2026-12-02 15:00"),
        ("next Tuesday morning", "2026-12-08 09:00"),
        ("Dec 5 2pm", "2026-12-05 14:00"),
        ("5 December 14:00", "2026-12-05 14:00"),
        ("Friday at 10am", "2026-12-04 10:00"),
        ("next Tuesday, 2 pm", "2026-12-08 14:00"),
        ("Dec 5, 2:30 p.m.", "2026-12-05 14:30"),
        ("5th December at 9:30am", "2026-12-05 09:30"),
        ("tomorrow at 10", "2026-12-02 10:00"),
        ("at noon tomorrow", "2026-12-02 12:00"),
        ("Friday afternoon at 3", "2026-12-04 15:00"),
        ("tonight 11:30pm", "2026-12-01 23:30"),
        ("Monday 9 o'clock", "2026-12-07 09:00"),
        ("Jan 5 9am", "2027-01-05 09:00"),
    ],
)
def test_english_dates_and_times_are_read(text, expected):
    assert at(text) == expected


def test_an_english_part_of_the_day_takes_the_stated_hour_and_says_so():
    found = parse_moment("next Tuesday morning", SH, NOW, future=True)
    assert found.assumed == time(9)
    assert parse_moment("Friday evening", SH, NOW, future=True).assumed == time(19)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("tomorrow at 3", "everyday.ambiguous_hour"),  # 03:00 or 15:00?
        ("Tuesday 3pm", "everyday.ambiguous_weekday"),  # typed on a Tuesday: today or next week?
        ("tomorrow", "everyday.need_time"),
        ("yesterday 3pm", "everyday.past"),
        ("Nov 30 3pm", "everyday.past"),
        ("Dec 5 2030 3pm", "everyday.too_far"),
        ("hello world", "time.bad_datetime"),
        ("next week 3pm", "time.bad_datetime"),  # no day named
        ("Feb 30 3pm", "everyday.no_such_day"),  # named as "2月30日" is (issue 19: tests/test_english_spans.py)
    ],
)
def test_english_times_keep_the_rules(text, key):
    with pytest.raises(Invalid) as refused:
        parse_moment(text, SH, NOW, future=True)
    assert refused.value.key == key


def test_a_date_alone_in_english_takes_the_form_default():
    found = parse_local_datetime("Dec 5", SH, NOW, default_time=time(23, 59))
    assert found.astimezone(SH).strftime("%Y-%m-%d %H:%M") == "2026-12-05 23:59"


async def english_craftsman_asked_for_slots(bot: BotHarness):
    """An accepted case's craftsman, reading English, asked for the times he can offer: (him, the question)."""
    _, _, accepted = await accepted_case(bot)
    await bot.services.users.set_lang(601, Lang.ENGLISH, chosen=True)
    helper = bot.user(601, "Wu", language_code="en")
    helper.press("📅 提供预约时段", accepted)
    return helper, await helper.expect("Send the times you can offer")


async def test_an_english_craftsman_offers_slots_in_english(bot: BotHarness):
    """Hostile3 item 10 through the chat: with English UI every one of these lines was refused."""
    helper, question = await english_craftsman_asked_for_slots(bot)
    asked = question["text"]
    assert "next Tuesday 2pm" in asked and "下周二" not in asked
    helper.send("tomorrow 3pm\nnext Tuesday morning\nDec 5 2pm\n5 December 16:00\nFriday at 10am")
    read = (await helper.expect("Send the place"))["text"]
    for line in (
        "“tomorrow 3pm” → 2026-11-22 15:00",
        "“next Tuesday morning” → 2026-11-24 09:00 (no hour given: taken as 09:00)",
        "“Dec 5 2pm” → 2026-12-05 14:00",
        "“5 December 16:00” → 2026-12-05 16:00",
        "“Friday at 10am” → 2026-11-27 10:00",
    ):
        assert line in read, read
