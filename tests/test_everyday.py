"""Everyday Chinese numbers and times (services/everyday.py): many phrasings, both scripts, an injected now and zone,
and the refusals of what is ambiguous, in the past, huge, negative, long or full of control characters."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from services import everyday
from services.course_times import parse_date_range, parse_session_lines
from services.local_time import parse_local_datetime, parse_quiet_hours, parse_span, with_dates_read
from services.validation import Invalid

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=SH).astimezone(UTC)  # a Monday, 10:00 in Shanghai


def at(y: int, mo: int, d: int, h: int, mi: int = 0, tz: ZoneInfo = SH) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=tz).astimezone(UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("50人", 50),
        ("五十人", 50),
        ("大约50人", 50),
        ("30人", 30),
        ("３０", 30),
        ("二十人", 20),
        ("约二十来人", 20),
        ("50多人", 50),
        ("大概 30 名", 30),
        ("12", 12),
        ("十二", 12),
        ("一百二十人", 120),
        ("約二十來人", 20),
        ("五十人左右", 50),
        ("0", 0),
    ],
)
def test_counts_as_people_type_them(text, expected):
    assert everyday.count(text, 0, 100_000) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "很多",
        "二三十人",
        "2.5人",
        "-5",
        "负五人",
        "1e9",
        "99999999999999999999999",
        "十亿人",
        "5\x00",
        "5\u202e",
        "5" * 4000,
        "一" * 4000,
        "NaN",
        "Infinity",
        "50人\n" * 30,
    ],
)
def test_counts_refused_politely(text):
    assert everyday.count(text, 0, 100_000) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("一万五", "15000"),
        ("1.5万", "15000"),
        ("15,000元", "15000"),
        ("三千五百元", "3500"),
        ("两万", "20000"),
        ("一萬五", "15000"),
        ("兩萬元", "20000"),
        ("１５，０００", "15000"),
        ("50,000", "50000"),
        ("约5万元", "50000"),
        ("12.5", "12.5"),
        ("人民币8000元", "8000"),
        ("0", "0"),
        ("壹万伍仟元", "15000"),
        ("5000块", "5000"),
    ],
)
def test_amounts_as_people_type_them(text, expected):
    assert everyday.amount(text, Decimal("1e12")) == Decimal(expected).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    "text", ["-100", "负一万", "1e9", "9" * 40, "一万亿亿", "15,00", "五万块\x07", "x" * 4000, "很多钱"]
)
def test_amounts_refused_politely(text):
    assert everyday.amount(text, Decimal("1e12")) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12月3日下午2点", at(2026, 12, 3, 14)),
        ("明天下午三点", at(2026, 12, 1, 15)),
        ("下周二下午两点", at(2026, 12, 8, 14)),
        ("下週二下午兩點", at(2026, 12, 8, 14)),
        ("后天10点半", at(2026, 12, 2, 10, 30)),
        ("後天10點半", at(2026, 12, 2, 10, 30)),
        ("2026-12-03 14:00", at(2026, 12, 3, 14)),
        ("十二月三日下午两点", at(2026, 12, 3, 14)),
        ("12/3 14:00", at(2026, 12, 3, 14)),
        ("1月5日下午3点", at(2027, 1, 5, 15)),  # January typed in November is next year's
        ("今天下午3点", at(2026, 11, 30, 15)),
        ("12月3日 03:00", at(2026, 12, 3, 3)),  # a leading zero is the 24-hour clock: no question
        ("明早8点", at(2026, 12, 1, 8)),  # JioNLP alone reads today 08:00
        ("明天早上8点", at(2026, 12, 1, 8)),
        ("大后天上午10点", at(2026, 12, 3, 10)),
        ("下周二 14:00", at(2026, 12, 8, 14)),
        ("周日下午3点", at(2026, 12, 6, 15)),
        ("晚上12点", at(2026, 12, 1, 0)),
    ],
)
def test_moments_in_everyday_chinese(text, expected):
    found = everyday.moment(text, SH, NOW, future=True)
    assert found.at == expected and found.assumed is None


def test_a_part_of_the_day_takes_a_stated_default_hour():
    assert everyday.moment("下周二上午", SH, NOW) == everyday.Moment(at(2026, 12, 8, 9), time(9))
    assert everyday.moment("下周二下午", SH, NOW) == everyday.Moment(at(2026, 12, 8, 14), time(14))
    assert everyday.moment("下周二晚上", SH, NOW) == everyday.Moment(at(2026, 12, 8, 19), time(19))


def test_a_date_alone_takes_the_form_default_or_is_asked_for_a_time():
    assert everyday.moment("12月3日", SH, NOW, time(23, 59)).at == at(2026, 12, 3, 23, 59)
    with pytest.raises(Invalid) as raised:
        everyday.moment("12月3日", SH, NOW)
    assert raised.value.key == "everyday.need_time"


def test_the_zone_is_the_users():
    berlin = ZoneInfo("Europe/Berlin")
    assert everyday.moment("明天下午三点", berlin, NOW).at == at(2026, 12, 1, 15, tz=berlin)
    late = datetime(2026, 11, 30, 23, 30, tzinfo=berlin).astimezone(UTC)  # already 12-01 in Shanghai
    assert everyday.moment("明天下午三点", SH, late).at == at(2026, 12, 2, 15)


@pytest.mark.parametrize(
    "text, key",
    [
        ("3点", "everyday.ambiguous_hour"),
        ("12月3日3点", "everyday.ambiguous_hour"),
        ("明天2点半", "everyday.ambiguous_hour"),
        ("昨天下午3点", "everyday.past"),
        ("今天上午8点", "everyday.past"),
        ("2026-11-01 14:00", "everyday.past"),
        ("下周", "everyday.need_time"),
        ("随便什么时候", "time.bad_datetime"),
        ("22点半到6点半", "time.bad_datetime"),
        ("x" * 4000, "time.bad_datetime"),
        ("明天\x00下午3点", "time.bad_datetime"),
    ],
)
def test_ambiguous_past_and_unreadable_times_are_asked_again_with_a_future_example(text, key):
    with pytest.raises(Invalid) as raised:
        everyday.moment(text, SH, NOW, future=True)
    assert raised.value.key == key
    assert raised.value.values["example"] == "12月3日下午2点"
    assert raised.value.values["example_iso"] == "2026-12-03 14:00"
    assert raised.value.values["value"] == text.strip()[:40].replace("\x00", "")  # quoted back, control chars out


def test_a_bare_weekday_naming_today_is_asked_again():
    tuesday = at(2026, 12, 1, 9)
    with pytest.raises(Invalid) as raised:
        everyday.moment("周二下午3点", SH, tuesday)
    assert raised.value.key == "everyday.ambiguous_weekday"
    assert everyday.moment("下周二下午3点", SH, tuesday).at == at(2026, 12, 8, 15)
    assert everyday.moment("周三下午3点", SH, tuesday).at == at(2026, 12, 2, 15)


def test_parse_local_datetime_keeps_its_formats_and_learns_everyday_ones():
    assert parse_local_datetime("2026-12-01 19:00", SH, NOW) == at(2026, 12, 1, 19)
    assert parse_local_datetime("1-5 8:00", SH, NOW) == at(2027, 1, 5, 8)
    assert parse_local_datetime("下周二下午两点", SH, NOW) == at(2026, 12, 8, 14)
    assert parse_local_datetime("12月3日", SH, NOW, time(9)) == at(2026, 12, 3, 9)
    with pytest.raises(Invalid):
        parse_local_datetime("3点", SH, NOW)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("22:30-06:30", time(22, 30), time(6, 30)),
        ("22点半到6点半", time(22, 30), time(6, 30)),
        ("晚上10点到早上7点", time(22), time(7)),
        ("晚上十點到早上七點", time(22), time(7)),
        ("23点到8点", time(23), time(8)),
    ],
)
def test_quiet_hours_in_everyday_chinese(text, start, end):
    quiet = parse_quiet_hours(text, NOW, SH)
    assert (quiet.start, quiet.end) == (start.hour * 60 + start.minute, end.hour * 60 + end.minute)


@pytest.mark.parametrize("text", ["晚上十点", "周一到周五", "x" * 4000, "22点\x00到6点", "25:00-26:00"])
def test_quiet_hours_refused(text):
    with pytest.raises(Invalid) as raised:
        parse_quiet_hours(text, NOW, SH)
    assert raised.value.key == "settings.quiet_bad"


def test_course_spans_and_date_ranges():
    assert parse_span("19:00-21:00") == (time(19), time(21))
    assert parse_span("晚上7点到9点", NOW, SH) == (time(19), time(21))
    with pytest.raises(Invalid):
        parse_span("晚上9点到7点", NOW, SH)
    assert parse_date_range("2026-12-01 至 2026-12-31", SH, NOW) == (date(2026, 12, 1), date(2026, 12, 31))
    assert parse_date_range("12月1日到12月20日", SH, NOW) == (date(2026, 12, 1), date(2026, 12, 20))
    assert parse_date_range("下周一到下周五", SH, NOW) == (date(2026, 12, 7), date(2026, 12, 11))
    assert parse_date_range("下週一到下週五", SH, NOW) == (date(2026, 12, 7), date(2026, 12, 11))
    with pytest.raises(Invalid):
        parse_date_range("随便", SH, NOW)


def test_course_session_lines_in_everyday_chinese():
    assert parse_session_lines("2026-12-02 19:00-21:00\n12月3日晚上7点到9点\n下周三晚上7点到9点", SH, NOW) == [
        (at(2026, 12, 2, 19), at(2026, 12, 2, 21)),
        (at(2026, 12, 3, 19), at(2026, 12, 3, 21)),
        (at(2026, 12, 9, 19), at(2026, 12, 9, 21)),
    ]
    for bad in ("12月3日晚上9点到7点", "下周一到下周五", "12月3日晚上7点"):
        with pytest.raises(Invalid) as raised:
            parse_session_lines(bad, SH, NOW)
        assert raised.value.key == "time.bad_session_line"


@pytest.mark.parametrize(
    "text, stored",
    [
        ("下周二下午两点", "下周二下午两点（2026-12-08 14:00）"),
        ("下週二下午兩點", "下週二下午兩點（2026-12-08 14:00）"),  # the user's own script is kept
        ("下周二上午", "下周二上午（2026-12-08）"),  # no hour invented for a wish
        ("下周一到下周五", "下周一到下周五（2026-12-07 – 2026-12-11）"),
        ("12月5日", "12月5日（2026-12-05）"),
        ("2026-12-05", "2026-12-05"),
        ("尽快", "尽快"),
        ("x" * 200, "x" * 200),
    ],
)
def test_preferred_dates_are_kept_as_typed_with_the_dates_they_name(text, stored):
    assert with_dates_read(text, SH, NOW) == stored


@pytest.mark.parametrize(
    "text, key",
    [
        ("3点", "everyday.ambiguous_hour"),
        ("昨天下午3点", "everyday.past"),
        ("昨天", "everyday.past"),
    ],
)
def test_preferred_dates_that_are_unclear_or_past_are_asked_again(text, key):
    with pytest.raises(Invalid) as raised:
        with_dates_read(text, SH, NOW)
    assert raised.value.key == key
    assert raised.value.values["example_iso"] > NOW.astimezone(SH).strftime("%Y-%m-%d %H:%M")  # still to come


# ------------------------------------------------------------------ impossible times, far years, 午后, the log
def _key_or_time(text: str) -> str:
    try:
        found = everyday.moment(text, SH, NOW, future=True)
    except Invalid as exc:
        assert exc.values["example_iso"] == "2026-12-03 14:00", exc.values  # asked again with a future example
        return exc.key
    return found.at.astimezone(SH).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    "text", ["9999年12月31日晚上11点", "0001年1月1日早上7点", "0001-01-01 07:00", "9999-12-31 23:00"]
)
def test_a_far_year_is_refused_politely_not_a_crash(text):
    """JioNLP writes year 9999 as "999-12-31" (no zero padding): strptime raised ValueError, uncaught."""
    with pytest.raises(Invalid) as raised:
        parse_local_datetime(text, SH, NOW)
    assert raised.value.key == "time.bad_datetime"
    assert raised.value.values["example_iso"] == "2026-12-03 14:00"


@pytest.mark.parametrize(
    "text",
    [
        "明天下午2点60分",
        "明天下午2点99秒",
        "13月1日下午2点",
        "0月0日下午2点",
        "明天下午1e400点",
        "明天上午13点",
        "凌晨15点",
        "明天下午0点",
        "明天下午NaN点",
        "明天14:75",
        "下午25点",
        "99点99分",
        "25点",
    ],
)
def test_an_impossible_time_is_asked_again_not_stored_as_another(text):
    """ "2点60分" was 14:06, "99秒" 14:09, month 13 next March, "0月0日" today, "下午1e400点" midnight, "上午13点"
    13:00, "下午0点" midnight; "下午25点" and "99点99分" were called past, "25点" an ambiguous hour."""
    assert _key_or_time(text) == "time.bad_datetime"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("明天下午2点30分", "2026-12-01 14:30"),
        ("明天中午12点", "2026-12-01 12:00"),
        ("明天凌晨0点", "2026-12-01 00:00"),
        ("明天下午三点一刻", "2026-12-01 15:15"),
        ("明天下午15点", "2026-12-01 15:00"),
        ("明天上午12点", "2026-12-01 12:00"),
        ("二〇二六年十二月三日下午两点", "2026-12-03 14:00"),
        ("明天下午两点五十分", "2026-12-01 14:50"),
    ],
)
def test_possible_times_next_to_the_impossible_ones_are_read(text, expected):
    assert _key_or_time(text) == expected


def test_impossible_preferred_dates_are_asked_again_not_kept():
    for text in ("明天下午2点60分", "9999年12月31日晚上11点"):
        with pytest.raises(Invalid) as raised:
            with_dates_read(text, SH, NOW)
        assert raised.value.key == "time.bad_datetime"


def test_afternoon_written_wuhou_is_the_afternoon():
    """JioNLP reads "午后2点" as 02:00, and the 1–6 o'clock question was skipped ("午后" is a part of the day)."""
    assert _key_or_time("明天午后2点") == "2026-12-01 14:00"
    assert _key_or_time("明天午後2時") == "2026-12-01 14:00"


def test_user_input_puts_no_jionlp_tracebacks_in_the_log_but_ours_stay(caplog):
    """JioNLP logs logging.error(traceback) on the root logger for text it cannot read."""
    import logging

    caplog.set_level(logging.ERROR)
    for text in (
        "期一每6五月期期今09二每点旬937六日到早九上7拜大去下2星七礼-四六3每月5拜后4二本早-三凌今末",
        "六月到五月下旬八号",
    ):
        with pytest.raises(Invalid):
            parse_local_datetime(text, SH, NOW)
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    logging.error("our own error")  # noqa: LOG015 - on purpose: the filter drops only JioNLP's records
    logging.getLogger("zhuqi").error("ours too")
    assert [r.getMessage() for r in caplog.records] == ["our own error", "ours too"]


def test_a_traditional_financial_numeral_is_read():
    """ "參拾" is folded by OpenCC to 参拾, which cn2an does not know (it knows 叁拾)."""
    assert everyday.quantity("參拾") == 30
    assert everyday.amount("參拾元", Decimal(100)) == Decimal("30.00")


@pytest.mark.parametrize("text", ["0.000000001", "12.345", "0.001"])
def test_an_amount_finer_than_the_fen_is_refused_not_rounded(text):
    """ "0.000000001" yuan was taken as 0.00, "12.345" as 12.35."""
    assert everyday.amount(text, 10**6) is None
