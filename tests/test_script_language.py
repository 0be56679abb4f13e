"""Script and language that stay put, end to end through the real Application on the fake Bot API: a line of Latin
letters does not switch a Chinese reader to English, Taiwan and Hong Kong readers get their region's forms, what
people typed reaches others as typed, the /settings choice wins."""

from __future__ import annotations

import pytest

from db.models import Lang, Role
from fakebotapi import FakeUser
from nlp.script import to_traditional
from services.talent import Application
from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer

LATIN_LINES = ["FANUC 0i-MF SV0436", "<div class=x>", "select * from t", "https://example.org/live-class"]
HELP_ZH, HELP_EN = "我能为您做什么", "What I can do for you"


FORMS = {"zh-TW": "zh-tw", "zh-hant": "zh-hant"}  # each reader's catalogue variant (Taiwan's: OpenCC's s2twp, fixed)


def forms(code: str):
    """What the catalogue says to a reader with this language_code: ``forms(code)("简体")``."""
    return lambda text: to_traditional(text, FORMS[code])


async def worker(
    harness: BotHarness, user_id: int, lang: Lang = Lang.SIMPLIFIED, language_code: str = "zh-hans"
) -> FakeUser:
    await harness.services.users.register(user_id, "王工", language_code=language_code, lang=lang)
    await harness.services.users.set_role(user_id, Role.WORKER)
    await harness.services.users.set_region(user_id, "330502")
    return harness.user(user_id, language_code=language_code)


async def help_text(harness: BotHarness, user: FakeUser) -> str:
    await harness.wait_handled()
    user.send("/help")
    return (await user.expect((HELP_ZH, HELP_EN)))["text"]


@pytest.mark.parametrize("line", LATIN_LINES)
async def test_a_latin_line_keeps_a_chinese_user_in_chinese(bot: BotHarness, line: str):
    user = await worker(bot, 61)
    user.send(line)
    assert HELP_ZH in await help_text(bot, user)
    assert (await bot.services.users.get(61)).lang is Lang.SIMPLIFIED
    newcomer = bot.user(62)  # before consent: nothing stored, the language_code and the typing decide
    newcomer.send(line)
    await bot.wait_handled()
    newcomer.send("/start")
    assert "您好" in (await newcomer.expect(("您好", "Hello")))["text"]


async def test_taiwan_and_hong_kong_readers_get_their_regions_forms(bot: BotHarness):
    """The consent text says 为 and 信息/说明: OpenCC's standard gives 爲 / 信息 / 說明, Taiwan's 為 / 資訊 / 說明,
    Hong Kong's 為 / 信息 / 説明."""
    shown = {}
    for user_id, code in ((63, "zh-TW"), (64, "zh-HK"), (65, "zh-hant")):
        user = bot.user(user_id, language_code=code)
        user.send("/start")
        shown[code] = (await user.expect(("個人", "个人")))["text"]
    assert "個人資訊處理說明" in shown["zh-TW"] and "為企業匹配" in shown["zh-TW"] and "爲" not in shown["zh-TW"]
    assert "個人信息處理説明" in shown["zh-HK"] and "為企業匹配" in shown["zh-HK"] and "爲" not in shown["zh-HK"]
    assert "個人信息處理說明" in shown["zh-hant"] and "爲企業匹配" in shown["zh-hant"]


@pytest.mark.parametrize("code", FORMS)
async def test_a_traditional_users_own_words_reach_staff_as_typed(bot: BotHarness, code: str):
    tw = forms(code)
    staff = await staffer(bot)
    await bot.services.users.set_lang(staff.id, Lang.TRADITIONAL)
    async with bot.services.db.session() as session:
        from db.models import User

        (await session.get(User, staff.id)).language_code = code
    bot.services.users.forget(staff.id)
    staff = bot.user(staff.id, first_name="工会小李", language_code=code)
    user = await enterprise_user(bot, 66, Lang.TRADITIONAL, code)
    user.send("/report")
    user.press(tw("技术难题"), await user.expect(tw("请选择需求类型")))
    await user.expect(tw("企业名称"))
    user.send("湖州某鋁業有限公司")
    await user.expect(tw("统一社会信用代码"))
    user.send("91330100799655058B")
    user.press(tw("专精特新"), await user.expect(tw("请选择企业类型")))
    await user.expect(tw("联系人"))
    user.send("李工")
    await user.expect(tw("联系电话"))
    user.send_contact("+86 138 0013 8000")
    await user.expect(tw("请描述"))
    typed = (
        "LF精煉爐水冷電纜扭曲，为什么经常漏水停爐"  # traditional with simplified words: converted, they would change
    )
    user.send(typed)
    user.press(tw("完成"), await user.expect(tw("可以继续补充")))
    user.press(tw("✅确认"), await user.expect(tw("识别为")))
    user.press(tw("一般"), await user.expect(tw("请选择紧急程度")))
    user.press(tw("现场指导"), await user.expect(tw("请选择希望的服务方式")))
    card = await user.expect(tw("请核对需求信息"))
    assert typed in card["text"] and "湖州某鋁業有限公司" in card["text"]
    user.press(tw("📨 提交"), card)
    await user.expect(tw("已提交"))
    notice = await staff.expect(tw("新需求"))
    assert typed in notice["text"] and "湖州某鋁業有限公司" in notice["text"]
    staff.press(tw("打开"), notice)
    detail = await staff.expect(typed)
    assert "湖州某鋁業有限公司" in detail["text"]


@pytest.mark.parametrize("code", FORMS)
async def test_a_traditional_craftsmans_own_words_come_back_as_typed(bot: BotHarness, code: str):
    tw = forms(code)
    staff = await staffer(bot)
    craftsman = await enterprise_user(bot, 67, Lang.TRADITIONAL, code)
    card = await bot.services.talent.apply(
        67,
        Application(
            "黄师傅", "佛山某电器有限公司", "13800138000", [], ["电机绕组"], ["38"], "440604", None, 3, ["onsite"]
        ),
    )
    await bot.services.talent.decide(card.id, staff.id, Role.STAFF, approve=True)
    craftsman.send("/profile")
    craftsman.press(tw("技术处方"), await craftsman.expect(tw("我的工匠资料")))
    await craftsman.expect(tw("请发送新的技术处方"))
    craftsman.send("電機繞組\n爲感應加熱設備维修")  # 爲 forms and a simplified 维, as typed
    menu = await craftsman.expect(tw("已保存"))
    assert "黄师傅" in menu["text"] and "爲感應加熱設備维修" in menu["text"] and "佛山某电器有限公司" in menu["text"]
    assert tw("广东省 佛山市") in menu["text"]  # official data: in the reader's forms


async def test_the_settings_choice_wins_over_language_code_and_typing(bot: BotHarness):
    user = await worker(bot, 68, Lang.ENGLISH, "en")
    user.send("/settings")
    user.press("Language", await user.expect("Your settings"))
    user.press("简体中文", await user.expect("Choose the language"))
    await user.expect("当前设置")
    for line in ("please help us", "the spindle is hot", "what can I do now"):
        user.send(line)
        await bot.wait_handled()
    assert HELP_ZH in await help_text(bot, user)
    profile = await bot.services.users.get(68)
    assert profile.lang is Lang.SIMPLIFIED and profile.lang_chosen


async def test_an_english_user_keeps_english_after_one_chinese_word(bot: BotHarness):
    user = await worker(bot, 69, Lang.ENGLISH, "en")
    user.send("谢谢")
    assert HELP_EN in await help_text(bot, user)
    assert (await bot.services.users.get(69)).lang is Lang.ENGLISH


@pytest.mark.parametrize("variant", ["zh-hant", "zh-tw", "zh-hk"])
def test_signing_is_written_with_the_signing_character(variant: str):
    """OpenCC writes 签 as 籤 (a lot, a label) unless it knows the phrase: 未签书面合同 came out 未籤書面合同. Signing is
    簽 in every traditional variant; labels, lots and bookmarks keep 籤."""
    from nlp.script import to_traditional

    converted = to_traditional("仍未签书面合同，签合同要带身份证；标签、抽签和书签不变", variant)
    assert "籤書面" not in converted and "籤合同" not in converted
    assert converted.count("簽") == 2 and converted.count("籤") == 3
