"""A place name several places share, typed at the region step (hostile tester, cards item 5): a neutral question
("“大埔”有几处，请选择：") rather than "“大埔”位于香港特别行政区…所以请选择香港特别行政区" over buttons that offer 梅州 大埔县
too; and the namesakes offered are the places of exactly that name ("东区": Hong Kong and 攀枝花 东区, not 天津 河东区,
桥东区, 大东区 … that merely end in it)."""

from __future__ import annotations

import pytest

from services.regions import RegionDirectory, aliases, read_seed
from tests.harness import BotHarness
from tests.test_places import at_region_step


@pytest.mark.parametrize(
    ("typed", "places"),
    [("大埔", {"香港特别行政区", "广东省 梅州市 大埔县"}), ("东区", {"香港特别行政区", "四川省 攀枝花市 东区"})],
)
async def test_a_shared_name_is_asked_neutrally_with_exact_namesakes_only(bot: BotHarness, typed: str, places: set):
    user, _ = await at_region_step(bot, 611)
    user.send(typed)
    found = await user.expect("请选择")
    assert found["text"].startswith(f"“{typed}”有几处"), found["text"]
    assert "位于" not in found["text"]
    names = {b["text"] for row in found["reply_markup"]["inline_keyboard"] for b in row}
    assert names == places, names


def test_the_region_step_and_resolve_offer_a_shared_name_by_one_rule():
    """RegionDirectory.shared (the region step's buttons) and resolve (/stats, /export, /staff_region) read an alias
    that divisions share by one rule: the same places in the same order, Hong Kong's (or Macao's) first."""
    regions = RegionDirectory(read_seed())
    shared = {name: [p.code for p in regions.shared(name)] for name in aliases()}
    shared = {name: codes for name, codes in shared.items() if codes}
    assert {"大埔", "东区", "马鞍山", "蓝田", "长洲", "九龙"} <= set(shared), sorted(shared)
    for name, codes in shared.items():
        assert regions.resolve(name).candidates == tuple(codes), name
        assert codes[0] in ("810000", "820000", "710000"), name
