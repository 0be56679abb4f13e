"""Finding one's place at registration and reading official names in one's language (issue 21, places): development
zones and new areas lead to the divisions they lie in, Taiwan, Hong Kong and Macao are found by their cities' (and
Hong Kong's districts') names in either script, an English reader sees regions in pinyin and GB/T 4754 sections by
their English names."""

from __future__ import annotations

from nlp.industry import catalogue
from services.regions import RegionDirectory, read_seed
from tests.harness import BotHarness


async def at_region_step(bot: BotHarness, user_id: int, language_code: str = "zh-hans"):
    """A new user through consent and role, at the region step: (the user, the province question)."""
    user = bot.user(user_id, "王工" if language_code != "en" else "Ann", language_code=language_code)
    user.send("/start")
    user.press(
        "同意" if language_code != "en" else "I agree", await user.expect(("个人信息", "個人信息", "personal data"))
    )
    user.press(
        {"en": "Worker", "zh-hk": "職工"}.get(language_code, "职工"),
        await user.expect(("请选择您的身份", "請選擇您的身份", "Which of these")),
    )
    return user, await user.expect(("省份", "province"))


async def pick_region(bot: BotHarness, user, message, label: str, done: str) -> str | None:
    """Press the region ``label`` on ``message``; the region the user is registered in once ``done`` is said."""
    user.press(label, message)
    await user.expect(done)
    return (await bot.services.users.get(user.id)).region_code


async def test_a_development_zone_leads_to_the_division_it_lies_in(bot: BotHarness):
    user, _ = await at_region_step(bot, 1)
    user.send("苏州工业园区")
    found = await user.expect("不是行政区划")  # says why a 苏州市 button answers it
    user.press("江苏省 苏州市", found)
    await user.expect("江苏省 苏州市 — 请继续选择")
    user.send("雄安新区")
    found = await user.expect("不是行政区划")
    names = [b["text"] for row in found["reply_markup"]["inline_keyboard"] for b in row]
    assert any("雄县" in n for n in names) and any("容城县" in n for n in names) and any("安新县" in n for n in names)


async def test_taipei_hong_kong_and_macao_are_found_in_either_script(bot: BotHarness):
    user, _ = await at_region_step(bot, 2)
    user.send("臺北")
    found = await user.expect("请选择")
    user.press("台湾省", found)
    await user.expect("设置完成")
    assert (await bot.services.users.get(2)).region_code == "710000"
    other, _ = await at_region_step(bot, 3, "zh-hk")
    other.send("九龍")
    found = await other.expect("請選擇")
    assert any("香港" in b["text"] for row in found["reply_markup"]["inline_keyboard"] for b in row)


def test_short_forms_aliases_and_ambiguous_names():
    regions = RegionDirectory(read_seed())
    assert [p.code for p in regions.search("苏州")][:1] == ["320500"]
    assert [p.code for p in regions.search("台北市")] == ["710000"]
    assert [p.code for p in regions.search("澳門")] == ["820000"]
    assert {"110105", "211300", "211321"} <= {p.code for p in regions.search("朝阳")}  # ambiguous: every one offered
    assert regions.zone("苏州工业园区") and regions.zone("浦东新区") is None  # 浦东新区 is a real district
    assert [p.code for p in regions.search("浦东新区")] == ["310115"]
    assert [p.code for p in regions.search("suzhou")][:1] == ["320500"]  # an English reader types pinyin


def test_regions_and_sections_have_english_names():
    regions = RegionDirectory(read_seed())
    assert regions.name("320500", "en") == "Suzhou (苏州市)" and regions.name("320000", "en") == "Jiangsu (江苏省)"
    assert regions.name("610000", "en") == "Shaanxi (陕西省)" and regions.name("140000", "en") == "Shanxi (山西省)"
    assert regions.full_name("320509", "en") == "Wujiang District, Suzhou, Jiangsu (江苏省 苏州市 吴江区)"
    assert regions.full_name("320509", "zh-tw") == "江蘇省 蘇州市 吳江區"
    assert regions.full_name("320509") == "江苏省 苏州市 吴江区"  # stored and exported data stay as they are
    sections = catalogue().sections
    assert all(s.name_en for s in sections.values()) and len(sections) == 20
    assert sections["C"].label_in("en") == "C Manufacturing" and sections["C"].label_in("zh-hk") == "C 製造業"


async def test_an_english_reader_sees_english_place_and_industry_names(bot: BotHarness):
    user, provinces = await at_region_step(bot, 4, "en")
    assert any(b["text"] == "Jiangsu (江苏省)" for row in provinces["reply_markup"]["inline_keyboard"] for b in row)
    user.send("Suzhou")
    user.press("Suzhou, Jiangsu (江苏省 苏州市)", await user.expect("These places match"))
    user.press("Wujiang District", await user.expect("Suzhou, Jiangsu"))
    done = await user.expect("All set")
    assert "Wujiang District, Suzhou, Jiangsu" in done["text"]
    user.send("/settings")
    user.press("Industries", await user.expect("Your settings"))
    user.press("C Manufacturing", await user.expect("Choose the industry sections you follow"))
    await user.expect("Choose the industry sections you follow")
    user.press("✅")
    shown = await user.expect("Industries you follow: C")
    assert "Industries you follow: C Manufacturing" in shown["text"]


def test_english_names_are_read_from_the_seed_not_made_by_pypinyin():
    """pypinyin wrote regions_en.csv once (db/seed/regions_en.py); the bot and the classifier never import it."""
    import sys

    import nlp.analyzer  # noqa: F401 - the classifier's cold start
    from db.seed.regions_en import english

    regions = RegionDirectory(read_seed())
    assert "pypinyin" not in sys.modules
    sample = [p for p in read_seed() if p.code in ("320500", "341500", "222400", "110105", "150000", "371722")]
    assert all(english(p.code, p.name) == regions.english[p.code] for p in sample)  # the CSV is what it writes


def test_hong_kong_districts_are_found_by_name_in_either_script_and_in_english():
    regions = RegionDirectory(read_seed())
    for name in (
        "觀塘",
        "观塘区",
        "九龍城",
        "九龙城区",
        "深水埗",
        "沙田",
        "荃灣",
        "大埔區",
        "香港東區",
        "Kwun Tong",
        "Sha Tin",
    ):
        assert [p.code for p in regions.search(name)][:1] == ["810000"], name
    # 广东 梅州 大埔县 and 四川 攀枝花 东区 share their names with Hong Kong's 大埔區 and 東區: asked, never guessed
    # (issue 19, outside testers; tests/test_hk_macao_areas.py), unless the reader lives in one of them
    assert set(regions.resolve("大埔").candidates) == {"441422", "810000"}
    assert set(regions.resolve("东区").candidates) == {"510402", "810000"}
    assert regions.resolve("大埔", within="441400").code == "441422"


async def test_a_hong_kong_district_is_found_at_registration(bot: BotHarness):
    user, _ = await at_region_step(bot, 606, "zh-hk")
    user.send("觀塘")
    assert await pick_region(bot, user, await user.expect("請選擇"), "香港特別行政區", "設置完成") == "810000"
