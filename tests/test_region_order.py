"""A region typed child first, as the bot writes it in English ("Wuxing District, Huzhou, Zhejiang") and as people
write addresses (hostile report 4.7): the place is found as when typed city first."""

from __future__ import annotations

from services.regions import RegionDirectory, read_seed
from tests.harness import BotHarness
from tests.test_places import at_region_step

WUXING, HONG_KONG = "330502", "810000"


def test_a_place_typed_child_first_is_found_as_typed_city_first():
    regions = RegionDirectory(read_seed())
    for typed in (
        "Wuxing, Huzhou",
        "Wuxing District, Huzhou",
        "Wuxing District, Huzhou, Zhejiang",
        "Wuxing Huzhou",
        "吴兴 湖州",
        "吴兴区，湖州市，浙江省",
    ):
        assert [p.code for p in regions.search(typed)][:1] == [WUXING], typed
        assert regions.resolve(typed).code == WUXING, typed
    assert regions.resolve("Hong Kong Kwun Tong").code == HONG_KONG  # a district GB/T 2260 does not divide
    assert regions.resolve("Kwun Tong, Hong Kong").code == HONG_KONG
    assert regions.search("朝阳 湖州") == []  # no 朝阳 in 湖州, whichever comes first: nothing, not every 朝阳
    assert {p.code for p in regions.search("Chaoyang, Beijing")} == {"110105"}


async def test_an_english_reader_types_the_region_as_the_bot_writes_it(bot: BotHarness):
    user, _ = await at_region_step(bot, 507, "en")
    user.send("Wuxing District, Huzhou")
    found = await user.expect(("choose one", "No place called"))
    assert "No place called" not in found["text"], found["text"]
    [wuxing] = [b["text"] for b in user.buttons(found) if "Wuxing" in b["text"]]
    user.press(wuxing, found)
    await user.expect("All set")
    assert (await bot.services.users.get(507)).region_code == WUXING
