"""Visit times as the hostile tester typed them (hostile3 item 14): a slot typed as a span ("12月3日下午2点到4点",
"22点半到6点半") takes its start and says so; a slot at night is read and said plainly; pressing 🔁 改期 twice
sends the craftsman one request; a reschedule cannot offer the time already booked."""

from __future__ import annotations

import pytest

from services.results import Reason, Refused
from tests.harness import BotHarness
from tests.test_casework_visits import VISIT, booked_visit
from tests.test_visit_slots import accepted_case


async def slots_read(bot: BotHarness, lines: str) -> str:
    """An accepted case's craftsman offers ``lines`` as slots; the reply that reads them and asks the place."""
    helper, _, accepted = await accepted_case(bot)
    helper.press("📅 提供预约时段", accepted)
    await helper.expect("每行一个")
    helper.send(lines)
    return (await helper.expect("问诊地点"))["text"]


async def test_a_span_typed_as_a_slot_takes_its_start_and_says_so(bot: BotHarness):
    """Both lines were "不是有效的日期时间" (docs/nlp.md lists the second as readable)."""
    read = await slots_read(bot, "12月3日下午2点到4点\n明天22点半到6点半")
    assert "“12月3日下午2点到4点” → 2026-12-03 14:00（写的是一段时间，到 2026-12-03 16:00 为止" in read, read
    assert "“明天22点半到6点半” → 2026-11-22 22:30（写的是一段时间，到 2026-11-23 06:30 为止" in read, read
    assert read.count("夜间时段") == 1  # the 22:30 start, said plainly


async def test_a_slot_at_night_is_said_plainly(bot: BotHarness):
    """ "明天凌晨2点" and "今晚11点半" were taken for a visit without a word."""
    read = await slots_read(bot, "明天凌晨2点\n今晚11点半\n明天上午10点")
    assert "“明天凌晨2点” → 2026-11-22 02:00\n⚠️ 这是夜间时段" in read, read
    assert "“今晚11点半” → 2026-11-21 23:30\n⚠️ 这是夜间时段" in read, read
    assert read.count("夜间时段") == 2


async def test_asking_to_reschedule_twice_sends_the_craftsman_one_request(bot: BotHarness):
    helper, company, match_id, booked = await booked_visit(bot, 961, "吴师傅", 38)
    company.press("🔁 改期", booked)
    await company.expect("已请劳模工匠重新提供时段")
    bot.clock.advance(minutes=1)
    company.press("🔁 改期", booked)
    await company.expect("不用再按一次")
    await bot.application.sender.flush()
    assert sum("请重新提供时段" in text for text in helper.texts()) == 1
    # once he has offered new times, another request is a new one
    await bot.services.booking.offer_slots(961, match_id, [VISIT.replace(day=27)], "配电房", None)
    bot.clock.advance(minutes=1)
    company.press("🔁 改期", booked)
    await company.expect("已请劳模工匠重新提供时段")
    await bot.application.sender.flush()
    await helper.expect("请重新提供时段")
    assert sum("请重新提供时段" in text for text in helper.texts()) == 2


async def test_a_reschedule_cannot_offer_the_time_already_booked(bot: BotHarness):
    """The enterprise picking it read "时间：2026-11-26 15:00（原定 2026-11-26 15:00 的预约已取消）"."""
    helper, company, match_id, booked = await booked_visit(bot, 961, "吴师傅", 38)
    company.press("🔁 改期", booked)
    asked = await helper.expect("请重新提供时段")
    helper.press("📅 提供预约时段", asked)
    await helper.expect("每行一个")
    helper.send("2026-11-26 15:00\n11月27日上午10点")
    again = (await helper.expect("这一行请重写：2026-11-26 15:00"))["text"]
    assert "这正是本次已预约的时间（2026-11-26 15:00）" in again and "共 1 个" in again
    with pytest.raises(Refused) as refused:
        await bot.services.booking.offer_slots(961, match_id, [VISIT], "配电房", None)
    assert refused.value.reason is Reason.SAME_TIME and refused.value.values["at"] == "2026-11-26 15:00"
