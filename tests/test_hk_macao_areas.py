"""Places in Hong Kong and Macao as people type them (outside testers, issue 19): "大埔" alone was taken for 广东
梅州 大埔县 though Hong Kong has 大埔區, and "东区" for 四川 攀枝花 东区 though Hong Kong has 東區: a name several
places share is asked about, never guessed. Neighbourhoods ("旺角", "铜锣湾", "Causeway Bay") and Macao's
parishes ("花地玛堂区", "Taipa") were not found at all: they are placed in Hong Kong / Macao (the level the regions
table has) from db/seed/hk_macao_areas.csv, and one that is also a mainland division's name is asked."""

from __future__ import annotations

import csv

import pytest

from db.seed.places import SEED
from services.regions import ALIASES, AREAS, RegionDirectory, read_seed
from tests.harness import BotHarness
from tests.test_places import at_region_step, pick_region

HONG_KONG, MACAO = "810000", "820000"


@pytest.fixture(scope="module")
def regions() -> RegionDirectory:
    return RegionDirectory(read_seed())


@pytest.mark.parametrize(
    ("name", "mainland"),
    [
        ("大埔", "441422"),  # 广东 梅州 大埔县
        ("东区", "510402"),  # 四川 攀枝花 东区
        ("東區", "510402"),
        ("九龙", "513324"),  # 四川 甘孜 九龙县
        ("马鞍山", "340500"),  # 安徽 马鞍山市: Hong Kong's 馬鞍山 is in 沙田
        ("蓝田", "610122"),  # 陕西 西安 蓝田县: Hong Kong's 藍田 is in 观塘
        ("長洲", "450405"),  # 广西 梧州 长洲区: Hong Kong's 長洲 is an island of 离岛
    ],
)
def test_a_name_hong_kong_shares_with_a_mainland_place_is_asked(regions, name, mainland):
    named = regions.resolve(name)
    assert not named.found and {HONG_KONG, mainland} <= set(named.candidates), named
    assert regions.resolve(name, within=mainland).code == mainland  # a reader living there means his own
    assert regions.resolve(name, within=HONG_KONG).code == HONG_KONG


@pytest.mark.parametrize(
    "name",
    ["大埔區", "香港东区", "Tai Po", "南区", "北区", "中西区", "西贡", "沙田", "元朗", "屯门", "离岛", "湾仔", "觀塘"],
)
def test_a_hong_kong_district_named_by_hong_kong_alone_is_found(regions, name):
    assert regions.resolve(name).code == HONG_KONG, regions.resolve(name)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("旺角", HONG_KONG),
        ("铜锣湾", HONG_KONG),
        ("銅鑼灣", HONG_KONG),
        ("尖沙咀", HONG_KONG),
        ("荃湾", HONG_KONG),
        ("將軍澳", HONG_KONG),
        ("Mong Kok", HONG_KONG),
        ("Causeway Bay", HONG_KONG),
        ("Tsim Sha Tsui", HONG_KONG),
        ("tseung kwan o", HONG_KONG),
        ("氹仔", MACAO),
        ("路环", MACAO),
        ("花地玛堂区", MACAO),
        ("花地瑪堂區", MACAO),
        ("Taipa", MACAO),
        ("Coloane", MACAO),
    ],
)
def test_a_hong_kong_area_or_macao_parish_is_placed(regions, name, code):
    assert regions.resolve(name).code == code, regions.resolve(name)
    assert [p.code for p in regions.search(name)][:1] == [code]


def test_the_area_file_names_its_sources_and_maps_each_name_once():
    header = [line for line in AREAS.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any("https://www.had.gov.hk/" in line for line in header)
    assert any("wikipedia.org/wiki/Parishes_of_Macau" in line for line in header)
    assert "hk_macao_areas.csv" in SEED.with_name("SOURCE.md").read_text(encoding="utf-8")
    with ALIASES.open(encoding="utf-8", newline="") as fh:
        names = [r["alias"].lower() for r in csv.DictReader(fh)]
    with AREAS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    names += [r["name_zh"] for r in rows] + [r["name_en"].lower() for r in rows if r["name_en"]]
    assert len(names) == len(set(names)), sorted({n for n in names if names.count(n) > 1})
    assert {r["code"] for r in rows} == {HONG_KONG, MACAO}


async def test_daipo_at_registration_offers_hong_kong_and_meizhou(bot: BotHarness):
    user, _ = await at_region_step(bot, 607, "zh-hk")
    user.send("大埔")
    found = await user.expect("請選擇")
    names = [b["text"] for row in found["reply_markup"]["inline_keyboard"] for b in row]
    assert any("香港特別行政區" in n for n in names) and any("大埔縣" in n for n in names), names
    assert await pick_region(bot, user, found, "香港特別行政區", "設置完成") == HONG_KONG


async def test_a_neighbourhood_at_registration_is_placed_in_hong_kong(bot: BotHarness):
    user, _ = await at_region_step(bot, 608, "en")
    user.send("Causeway Bay")
    found = await user.expect("“Causeway Bay” is in Hong Kong (香港特别行政区)")
    assert await pick_region(bot, user, found, "Hong Kong", "All set") == HONG_KONG


ENGLISH_DISTRICTS = [  # the Home Affairs Department's English names of the 18 districts
    "Central and Western",
    "Wan Chai",
    "Eastern",
    "Southern",
    "Yau Tsim Mong",
    "Sham Shui Po",
    "Kowloon City",
    "Wong Tai Sin",
    "Kwun Tong",
    "Kwai Tsing",
    "Tsuen Wan",
    "Tuen Mun",
    "Yuen Long",
    "North",
    "Tai Po",
    "Sha Tin",
    "Sai Kung",
    "Islands",
]


@pytest.mark.parametrize("name", [*ENGLISH_DISTRICTS, "sha tin", "EASTERN", "Islands District"])
def test_each_hong_kong_district_is_found_by_its_official_english_name(regions, name):
    assert regions.resolve(name).code == HONG_KONG, regions.resolve(name)
    assert [p.code for p in regions.search(name)][:1] == [HONG_KONG]


@pytest.mark.parametrize("text", ["North China", "eastern Zhejiang", "south", "East", "Northern", "nort"])
def test_a_plain_english_word_is_a_district_only_as_the_whole_input(regions, text):
    """ "North", "Eastern", "Southern" and "Islands" are Hong Kong's districts only typed alone: not inside a longer
    phrase, not a prefix, not a near word."""
    assert HONG_KONG not in {p.code for p in regions.search(text)}, regions.search(text)


@pytest.mark.parametrize(("typed", "shown"), [("Sha Tin", "Sha Tin"), ("Eastern", "Eastern")])
async def test_an_english_reader_typing_a_district_is_placed_in_hong_kong(bot: BotHarness, typed: str, shown: str):
    user, _ = await at_region_step(bot, 609, "en")
    user.send(typed)
    found = await user.expect(f"“{shown}” is in Hong Kong (香港特别行政区)")
    assert await pick_region(bot, user, found, "Hong Kong", "All set") == HONG_KONG
