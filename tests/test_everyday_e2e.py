"""Everyday Chinese numbers and times through the real Application on the fake Bot API, on both databases:
a training need for "大约50人", booking slots "下周二下午两点" (and "3点" asked again, "下周二上午" taken as 09:00
and said so), quiet hours "22点半到6点半"; what cannot be read is refused politely and nothing read is lost."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Demand
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import enterprise_user
from tests.test_visit_slots import accepted_case

# The harness clock starts at 2026-11-21 10:00 in Shanghai, a Saturday: 下周二 is 11-24.


async def up_to_trainees(bot: BotHarness, user_id: int, topic: str) -> FakeUser:
    """/report a training need up to the question of how many workers."""
    user = await enterprise_user(bot, user_id)
    user.send("/report")
    user.press("培训需求", await user.expect("请选择需求类型"))
    await user.expect("培训主题")
    user.send(topic)
    await user.expect(("多少名职工", "多少名職工"))
    return user


async def up_to_dates(bot: BotHarness, user_id: int) -> FakeUser:
    """/report a training need for 30 workers up to the question of when."""
    user = await up_to_trainees(bot, user_id, "数控车床编程")
    user.send("30人")
    await user.expect("什么时间培训")
    return user


async def trainees_of(bot: BotHarness, user_id: int) -> int | None:
    async with bot.services.db.session() as session:
        return (await session.scalars(select(Demand.trainees).where(Demand.user_id == user_id))).one()


async def test_training_need_for_about_fifty_workers(bot: BotHarness):
    user = await up_to_trainees(bot, 41, "数控车床编程")
    for refused in ("-50", "一千万人", "5" * 4000, "很多人"):
        user.send(refused)
        assert "大约50人" in (await user.expect("请发送 1 到"))["text"]
    user.send("\x00\u200b")  # nothing visible: refused where it arrives, the question still waits
    await user.expect("没有可见的文字")
    user.send("大约50人\x00")  # the control character is taken out where the text arrives (a NUL was refused)
    await user.expect("什么时间培训")
    assert await trainees_of(bot, 41) == 50
    user.send("下周二下午两点")  # kept as typed, with the date it names, so "下周二" still says which one next week
    await user.expect("企业名称")
    async with bot.services.db.session() as session:
        dates = await session.scalar(select(Demand.preferred_dates).where(Demand.user_id == 41))
    assert dates == "下周二下午两点（2026-11-24 14:00）"


async def test_training_need_in_traditional_script(bot: BotHarness):
    user = await up_to_trainees(bot, 42, "數控車床編程")
    user.send("約二十來人")  # an approximate count is the number stated
    await user.expect(("什么时间培训", "什麼時間培訓"))
    assert await trainees_of(bot, 42) == 20


async def test_booking_slots_in_everyday_chinese(bot: BotHarness):
    helper, company, accepted = await accepted_case(bot)
    helper.press("📅 提供预约时段", accepted)
    asked = (await helper.expect("每行一个"))["text"]
    assert "例如：\n2026-11-24 14:00" in asked  # the example is still to come, from the clock (never a fixed date)

    helper.send("3点\n下周二下午两点\n昨天下午3点")
    again = (await helper.expect("这一行请重写：3点"))["text"]
    assert "凌晨 3 点还是下午 3 点" in again and "这一行请重写：昨天下午3点" in again and "已经过去了" in again
    assert "例如：11月24日下午2点" in again  # an example still to come, from the clock
    assert "“下周二下午两点” → 2026-11-24 14:00" in again and "共 1 个" in again  # the line read is kept

    helper.send("下週二上午\n后天10点半")
    read = (await helper.expect("问诊地点"))["text"]
    assert "“下週二上午” → 2026-11-24 09:00（没有写几点，按 09:00 计）" in read
    assert "“后天10点半” → 2026-11-23 10:30" in read
    helper.send("配电房")
    await helper.expect("已将 3 个时段发给企业")
    slots = await company.expect("提供了以下问诊时段")
    shown = [b["text"] for row in slots["reply_markup"]["inline_keyboard"] for b in row]
    assert {"2026-11-24 14:00", "2026-11-24 09:00", "2026-11-23 10:30"} <= set(shown)


async def test_quiet_hours_in_everyday_chinese(bot: BotHarness):
    user = await worker(bot, 44, "330502")
    user.send("/settings")
    user.press("免打扰", await user.expect("免打扰：22:00–07:00"))
    await user.expect("免打扰时段内不推送提醒")
    user.send("x" * 4000)
    assert "x" * 40 + "”" in (await user.expect("看不懂"))["text"]  # quoted back, cut short
    user.send("22点半到6点半")
    await user.expect("免打扰：22:30–06:30")
    profile = await bot.services.users.get(44)
    assert (profile.quiet.start, profile.quiet.end) == (22 * 60 + 30, 6 * 60 + 30)


async def test_an_ambiguous_or_past_preferred_time_is_asked_again(bot: BotHarness):
    """A stranger typed "3点" as the training time and it was stored as is: 03:00 or 15:00?"""
    user = await up_to_dates(bot, 45)
    for unclear in ("3点", "昨天下午3点"):
        user.send(unclear)
        again = (await user.expect("例如"))["text"]
        assert unclear in again
    user.send("尽快")  # no date at all: kept as typed
    await user.expect("企业名称")
    async with bot.services.db.session() as session:
        assert await session.scalar(select(Demand.preferred_dates).where(Demand.user_id == 45)) == "尽快"


async def test_a_far_year_or_impossible_training_time_is_answered_politely(bot: BotHarness):
    """ "9999年12月31日晚上11点" crashed the handler (JioNLP writes year 999, strptime raised); "明天下午2点60分" was
    kept (and read as 14:06 elsewhere)."""
    user = await up_to_dates(bot, 901)
    for bad in ("9999年12月31日晚上11点", "明天下午2点60分"):
        user.send(bad)
        again = (await user.expect("例如"))["text"]
        assert "不是有效的日期时间" in again and bad in again, again
    user.send("下周二午后2点")  # 午后 is the afternoon: JioNLP alone reads 02:00
    await user.expect("企业名称")
    async with bot.services.db.session() as session:
        dates = await session.scalar(select(Demand.preferred_dates).where(Demand.user_id == 901))
    assert dates == "下周二午后2点（2026-11-24 14:00）", dates
