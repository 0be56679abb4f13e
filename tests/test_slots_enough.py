"""专家问诊预约: after some slot lines were read and others asked again, the craftsman may go on with the slots read —
with the 就这些 button, or by typing 完成 / "就这两个吧，没别的了" — instead of having them refused as bad date lines."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.test_slots import booked_case


async def slots_asked(bot: BotHarness):
    """A booked case the enterprise asks to move: its craftsman, asked for slots."""
    helper, company, _, booked = await booked_case(bot)
    company.press("🔁 改期", booked)
    helper.press("📅 提供预约时段", await helper.expect("请重新提供时段"))
    await helper.expect("每行一个")
    return helper


async def asked_again(bot: BotHarness):
    helper = await slots_asked(bot)
    helper.send("11-27 09:00\n11-28 14:00\n明天3点")
    again = await helper.expect("这一行请重写：明天3点")
    assert "共 2 个" in again["text"]
    return helper, again


async def two_slots_sent(helper) -> None:
    """The place asked for next, and the offer of the two slots read sent as a reschedule."""
    await helper.expect("问诊地点")
    helper.send("配电房")
    await helper.expect("已将 2 个时段作为改期发给企业")


async def test_typing_that_these_are_all_goes_on_with_the_slots_read(bot: BotHarness):
    helper, _ = await asked_again(bot)
    helper.send("就这两个吧，没别的了")
    await two_slots_sent(helper)


async def test_done_typed_goes_on_with_the_slots_read(bot: BotHarness):
    helper, _ = await asked_again(bot)
    helper.send("完成")
    await two_slots_sent(helper)


async def test_the_these_are_all_button_goes_on_with_the_slots_read(bot: BotHarness):
    helper, again = await asked_again(bot)
    helper.press("就这些", again)
    await two_slots_sent(helper)


async def test_done_with_nothing_read_asks_for_a_time(bot: BotHarness):
    helper = await slots_asked(bot)
    helper.send("完成")
    said = await helper.expect("还没有")
    assert "问诊地点" not in said["text"]
