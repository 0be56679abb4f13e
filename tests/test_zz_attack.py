"""Hostile tests of issue 19's features (union answers and consultations, the ask-before-filing question, the
language rule, everyday numbers and times). Each test states what should hold; a failing one is a weakness."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from db.models import Consultation, Demand, Lang
from services import everyday, local_time
from services.validation import Invalid
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 17, 2, 0, tzinfo=timezone.utc)  # Tuesday 10:00 in Shanghai
ASK = "向工会工作人员咨询"


def moment_or_key(text: str) -> str:
    try:
        found = local_time.parse_moment(text, TZ, NOW, future=True)
    except Invalid as exc:
        return exc.key
    return local_time.show(found.at, TZ)


# ------------------------------------------------------------------------------------------ everyday times
@pytest.mark.parametrize("text", ["9999年12月31日晚上11点", "0001年1月1日早上7点"])
def test_a_far_year_is_refused_politely_not_a_crash(text: str):
    """JioNLP writes year 999 / 1 without padding; strptime raises ValueError, which escapes as a crash."""
    assert moment_or_key(text).startswith(("time.", "everyday."))


@pytest.mark.parametrize("text", ["明天下午2点60分", "明天下午2点99秒", "13月1日下午2点", "0月0日下午2点",
                                  "明天下午1e400点"])
def test_an_impossible_time_is_not_stored_as_another_one(text: str):
    """"2点60分" became 14:06, "99秒" 14:09, month 13 next March, "0月0日" today, "下午1e400点" midnight."""
    assert moment_or_key(text) in ("time.bad_datetime", "everyday.need_time", "everyday.ambiguous_hour")


def test_afternoon_written_wuhou_is_the_afternoon():
    """"午后" (and traditional "午後") is in the bot's own list of day parts, yet JioNLP reads 02:00 and the bot
    stores it without asking."""
    assert moment_or_key("明天午后2点") in ("2026-11-18 14:00", "everyday.ambiguous_hour")
    assert moment_or_key("明天午後2時") in ("2026-11-18 14:00", "everyday.ambiguous_hour")


def test_user_input_puts_no_error_tracebacks_in_the_log(caplog):
    """A time the parser cannot read is a polite question again, not an ERROR with a traceback in the bot's log
    (JioNLP logs them on the root logger with logging.error)."""
    caplog.set_level(logging.ERROR)
    for text in ("期一每6五月期期今09二每点旬937六日到早九上7拜大去下2星七礼-四六3每月5拜后4二本早-三凌今末",
                 "六月到五月下旬八号"):
        try:
            local_time.parse_moment(text, TZ, NOW, future=True)
        except Invalid:
            pass
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_traditional_financial_numeral_is_read():
    """"參拾" (traditional 叁拾) is folded by OpenCC to 参拾, which cn2an does not know."""
    assert everyday.quantity("參拾") == 30


def test_an_amount_is_not_silently_rounded_to_nothing():
    """"0.000000001" yuan is taken as an amount of 0.00."""
    assert everyday.amount("0.000000001", 10**6) is None


# ------------------------------------------------------------------------------------------ through the bot
async def test_a_far_year_as_the_training_time_is_answered_politely(bot: BotHarness):
    from tests.test_everyday_e2e import up_to_trainees

    user = await up_to_trainees(bot, 901, "数控车床编程")
    user.send("30人")
    await user.expect("什么时间培训")
    user.send("9999年12月31日晚上11点")
    reply = await user.expect(("例如", "企业名称", "出错", "错误", "抱歉"))
    assert "例如" in reply["text"] or "企业名称" in reply["text"], reply["text"]


async def test_wuhou_as_the_training_time_is_not_stored_as_two_at_night(bot: BotHarness):
    from tests.test_everyday_e2e import up_to_trainees

    user = await up_to_trainees(bot, 902, "数控车床编程")
    user.send("30人")
    await user.expect("什么时间培训")
    user.send("下周二午后2点")
    await user.expect(("企业名称", "例如"))
    async with bot.services.db.session() as session:
        dates = await session.scalar(select(Demand.preferred_dates).where(Demand.user_id == 902))
    assert dates is None or "02:00" not in dates, dates


async def _consultations(bot: BotHarness) -> list[Consultation]:
    async with bot.services.db.session() as session:
        return list((await session.scalars(select(Consultation).order_by(Consultation.id))).all())


async def test_a_long_union_question_is_not_cut_silently(bot: BotHarness):
    """A 2,001–4,096 character question is either refused politely or filed whole; it was refused at 2,000 by
    route_text (MAX_TEXT), so this holds if refused: check the member hears why."""
    member = await worker(bot, 913, "330502", "李红")
    member.send(("老板拖欠三个月工资怎么办，" * 400)[:3000])
    reply = await member.expect(("字", "12351"))
    assert "12351" not in reply["text"] or ASK not in str(reply.get("reply_markup"))


async def test_html_and_invisible_characters_in_the_staff_answer_are_shown_as_plain_text(bot: BotHarness):
    member = await worker(bot, 914, "330502", "李红")
    question = "工会会费每个月交多少<b>粗</b>\u202e反转\x07"
    member.send(question)
    member.press(ASK, await member.expect("来源："))
    await member.expect("已把您的问题转给工会工作人员")
    [row] = await _consultations(bot)
    staff = await staffer(bot, 915)
    staff.send("/queue")
    item = await staff.expect(f"咨询 #{row.id}")
    assert "\u202e" not in item["text"] and "\x07" not in item["text"] and "<b>粗</b>" in item["text"]
    staff.press("回复", item)
    await staff.expect("请输入给这位职工的回复")
    staff.send('<a href="https://evil.example/">点这里</a> <b>加粗</b> \u202edesrever\u2066 ok')
    await staff.expect(f"已回复咨询 #{row.id}")
    await bot.tick()
    told = await member.expect("工会工作人员回复了您的咨询")
    assert '<a href="https://evil.example/">点这里</a>' in told["text"], told["text"]
    assert "\u202e" not in told["text"] and not told.get("entities"), told


CONFIDENT = "我们厂的配电线路频繁跳闸，变压器温度偏高，请问怎么处理？"


async def test_an_album_with_one_caption_makes_one_draft_with_every_photo(bot: BotHarness):
    """Telegram sends an album as one message per photo with the same media_group_id; only the first carries the
    caption. The other photos should join the draft (or at least not each get the no-caption hint)."""
    from tests.test_report import enterprise_user

    user = await enterprise_user(bot, 923)
    for index in range(3):
        stored = bot.api.world.store_file(b"\x89PNG fake%d" % index, "photo", "image/png")
        extra = {"caption": CONFIDENT} if index == 0 else {}
        bot.api.user_message(923, photo=[{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                                          "width": 640, "height": 480, "file_size": 9}],
                             media_group_id="album-1", **extra)
    await bot.wait_handled()
    await user.expect("企业名称")
    texts = user.texts()
    hints = [t for t in texts if "说明" in t and "照片" in t]
    assert len(hints) == 0, texts
