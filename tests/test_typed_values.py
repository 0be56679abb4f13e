"""Typed values a newcomer tried (stranger s5): terminal escape sequences in a description, phones from Taiwan and
Hong Kong, a number typed at a capacity question, a region typed as two words or in English."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from i18n import shown
from services.validation import Invalid, phone
from tests.harness import BotHarness
from tests.test_report import answer_contact, demands, enterprise_user, report_up_to_code

CONFIDENT = "我们厂的配电线路频繁跳闸，变压器温度偏高，请问怎么处理？"


def test_terminal_escape_sequences_go_whole_not_just_their_escape_character():
    """ESC was taken out but the rest of the sequence stayed: "机床[31m主轴…[2J…", "abc]0;pwneddef"."""
    assert shown("机床\x1b[31m主轴异响严重，\x1b[2J加工精度下降\x1b[0m明显") == "机床主轴异响严重，加工精度下降明显"
    assert shown("abc\x1b]0;pwned\x07def 测试") == "abcdef 测试"
    assert shown("abc\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ 测试") == "abclink 测试"
    assert shown("a\x9b1;2Hb\x1b(Bc\x1b7d") == "abcd"
    assert shown("价格[31m] 与 ESC 无关") == "价格[31m] 与 ESC 无关"  # brackets typed by hand stay


async def test_a_description_typed_with_terminal_colours_is_stored_without_their_residue(bot: BotHarness):
    user = await enterprise_user(bot, 501)
    user.send(CONFIDENT + "\n机床\x1b[31m主轴异响严重，\x1b[2J加工精度下降明显怎么办")
    await user.expect("企业名称")
    [draft] = await demands(bot)
    assert draft.text == CONFIDENT + "\n机床主轴异响严重，加工精度下降明显怎么办", repr(draft.text)


def test_phones_from_taiwan_hong_kong_and_macao_are_taken_with_their_country_code():
    """ "+886 912 345 678" and "+852 9123 4567" were refused as not 11 digits; they are kept as written
    internationally. Mainland numbers keep their one form (13900010001, 0572-1234567) however they are typed."""
    assert phone("+886 912 345 678") == "+886 912 345 678"
    assert phone("+852 9123 4567") == phone("00852-91234567") == "+852 9123 4567"
    assert phone("+853 6612 3456") == "+853 6612 3456"
    assert phone("+8613900010001") == phone("0086 139 0001 0001") == phone("13900010001") == "13900010001"
    assert phone("0572-1234567") == "0572-1234567" and phone("010-12345678") == "010-12345678"
    for bad in ("+886 12", "+852 1234", "+999 12345678"):
        with pytest.raises(Invalid) as exc:
            phone(bad)
        assert exc.value.key == "validate.phone"


def test_a_number_no_mainland_number_can_be_is_not_saved_as_a_landline():
    """ "0912345678" (a Taiwan mobile typed without +886) was saved as the landline "0912-345678" (a six-digit
    number behind a four-digit area code): the user is asked for the country code instead."""
    with pytest.raises(Invalid) as exc:
        phone("0912345678")
    assert exc.value.key == "validate.phone_country" and exc.value.values["example"] == "+886 912 345 678"
    for short in ("0572-123456", "010-1234567", "0572-123456789"):  # the local number has 7 or 8 digits (010: 8)
        with pytest.raises(Invalid):
            phone(short)


async def test_a_hong_kong_phone_is_saved_at_the_contact_step_and_a_bare_taiwan_one_asked_about(bot: BotHarness):
    from db.models import Enterprise

    user = await enterprise_user(bot, 502)
    kinds = await report_up_to_code(user, "湖州某铝业有限公司", "91330100799655058B", "请选择企业类型")
    user.press("专精特新", kinds)
    await answer_contact(user, "陈先生", "0912345678")
    asked = await user.expect("+886 912 345 678")
    assert "国家或地区代码" in asked["text"], asked["text"]
    user.send("+852 9123 4567")
    await user.expect("已记录电话：+852 9123 4567")
    await user.expect("请描述")  # the next step: the profile answer is stored by now
    async with bot.services.db.session() as session:
        [enterprise] = (await session.scalars(select(Enterprise))).all()
    assert enterprise.phone == "+852 9123 4567"


async def test_the_demo_stores_every_phone_in_the_one_form_typed_phones_have(db_url: str):
    """The cast's phones were stored as "+8613900010001" beside typed "13900010001"."""
    from db.models import Craftsman, Enterprise
    from tests.test_demo import stage

    bot = await stage(db_url)
    try:
        async with bot.services.db.session() as session:
            phones = [p for p in (await session.scalars(select(Enterprise.phone))).all() if p]
            phones += [p for p in (await session.scalars(select(Craftsman.phone))).all() if p]
        assert phones and [p for p in phones if phone(p) != p] == []
    finally:
        await bot.stop()


async def test_a_capacity_typed_at_the_profile_question_is_taken_or_answered_with_the_range(bot: BotHarness):
    """Typing 0 or 99999999999999999999 at "您最多能同时承接几个服务项目？" got only "请点击上方消息中的按钮进行选择";
    a typed number in the range is taken like a press, one outside it is answered with the range."""
    from tests.test_profile_form import _craftsman

    user = await _craftsman(bot, 503)
    user.send("/profile")
    user.press("服务能力", await user.expect("我的工匠资料"))
    await user.expect("同时承接")
    for typed in ("0", "99999999999999999999"):
        user.send(typed)
        answer = await user.expect("1 到 20")
        assert "按钮" in answer["text"], answer["text"]
    user.send("十二")
    await user.expect("已保存")
    assert (await bot.services.talent.of_user(503)).capacity == 12


async def test_a_capacity_typed_at_the_join_question_is_taken(bot: BotHarness):
    from tests.test_join_form import _to_the_card

    applicant, card = await _to_the_card(bot, 504)
    applicant.press("✏️ 同时承接", card)
    await applicant.expect("同时承接")
    applicant.send("21")
    await applicant.expect("1 到 20")
    applicant.send("4")
    card = await applicant.expect("请核对您的申请")
    applicant.press("提交申请", card)
    await applicant.expect("申请已提交")
    assert (await bot.services.talent.of_user(504)).capacity == 4


def test_a_place_typed_with_its_city_first_in_either_script_or_pinyin():
    """ "湖州 吴兴" and "huzhou wuxing" found nothing though each word alone did; "Suzhou Industrial Park" found
    nothing though 苏州工业园区 does."""
    from services.regions import RegionDirectory, read_seed

    regions = RegionDirectory(read_seed())
    for typed in ("湖州 吴兴", "huzhou wuxing", "湖州市 吴兴区", "浙江 湖州 吴兴", "Huzhou, Wuxing", "湖州吴兴"):
        assert [p.code for p in regions.search(typed)][:1] == ["330502"], typed
    assert {p.code for p in regions.search("北京 朝阳")} == {"110105"}  # the city narrows an ambiguous name
    assert regions.search("湖州 朝阳") == []  # no 朝阳 in 湖州: nothing, not every 朝阳
    assert [p.code for p in regions.search("Suzhou Industrial Park")] == ["320500"]
    assert regions.zone("Suzhou Industrial Park") == regions.zone("苏州工业园区")
    assert regions.resolve("湖州 吴兴").code == "330502"


async def test_two_words_and_an_english_zone_at_the_region_step_and_why_kaohsiung_offers_taiwan(bot: BotHarness):
    from tests.test_places import at_region_step

    user, _ = await at_region_step(bot, 505)
    user.send("湖州 吴兴")
    found = await user.expect("请选择")
    user.press("浙江省 湖州市 吴兴区", found)
    await user.expect("设置完成")
    assert (await bot.services.users.get(505)).region_code == "330502"
    other, _ = await at_region_step(bot, 506, "en")
    other.send("Suzhou Industrial Park")
    await other.expect("is not an administrative division")
    other.send("Kaohsiung")
    why = await other.expect("Taiwan (台湾省)")
    assert "GB/T 2260" in why["text"], why["text"]
