"""/broadcast's region filter for a staffer with a region opens at her region (its districts, 就选 her city), not
at the list of provinces she may not broadcast to; a staffer without one starts at the provinces."""

from __future__ import annotations

from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_queue_scope import staff


async def region_picker(user: FakeUser) -> dict:
    user.send("/broadcast")
    await user.expect("符合条件的共")
    user.press("按地区")
    await user.expect("请选择地区")
    await user.wait_until(lambda: len(FakeUser.buttons(user.keyboard_message() or {})) > 1)  # the picker, after 不限
    return user.keyboard_message()


async def test_a_city_staffer_picks_the_broadcast_region_within_her_city(bot: BotHarness):
    huzhou = await staff(bot, 91, "330500")
    picker = await region_picker(huzhou)
    labels = [b["text"] for b in FakeUser.buttons(picker)]
    assert "吴兴区" in labels and any("就选" in label and "湖州" in label for label in labels), labels
    assert "广东省" not in labels, labels
    huzhou.press("吴兴区", picker)
    assert "地区：浙江省 湖州市 吴兴区" in (await huzhou.expect("地区：浙江省 湖州市 吴兴区"))["text"]

    national = await staff(bot, 92, None)
    labels = [b["text"] for b in FakeUser.buttons(await region_picker(national))]
    assert "广东省" in labels, labels
