"""Union questions from everywhere (hostile test 3, items 9 and 17): a member registered in Hong Kong, Macao or
Taiwan is not told mainland law applies to them but pointed to the place's
own labour authority; a message the bot does not understand still offers the way to union staff. Through the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from db.models import Consultation, Lang
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_union import ASK, consultations

MAINLAND = ("保障农民工工资支付条例", "劳动合同法", "12333", "12351", "工伤保险条例", "工会法", "人社")


@pytest.mark.parametrize(
    "region, body, link",
    [
        ("810000", "勞工處", "labour.gov.hk"),
        ("820000", "勞工事務局", "dsal.gov.mo"),
        ("710000", "勞動部", "mol.gov.tw"),
    ],
)
async def test_a_member_outside_the_mainland_is_not_told_mainland_law_applies(
    bot: BotHarness, region: str, body: str, link: str
):
    await worker(bot, 601, region, "陳大文")
    await bot.services.users.set_lang(601, Lang.TRADITIONAL, chosen=True)
    member = bot.user(601, "陳大文", language_code="zh-hk")
    member.send("老闆拖欠三個月工資一萬五怎麼辦")
    reply = await member.expect("不適用")
    assert body in reply["text"] and link in reply["text"], reply["text"]
    assert not any(word in reply["text"] for word in MAINLAND), reply["text"]
    assert [b["text"] for b in member.buttons(reply)] == ["向工會工作人員諮詢"]


async def test_a_mainland_member_still_gets_the_mainland_answer(bot: BotHarness):
    member = await worker(bot, 602, "330502", "李红")
    member.send("老板拖欠三个月工资怎么办")
    reply = await member.expect("来源：")
    assert "保障农民工工资支付条例" in reply["text"] and "不适用" not in reply["text"]


def test_every_link_in_a_place_answer_is_that_places_government():
    from i18n import LANGS, fill
    from services.union_answers import PLACES

    for lang in LANGS:
        for place, (key, host) in PLACES.items():
            text = fill(key, lang)
            urls = re.findall(r"https?://[^\s）)，,；;]+", text)
            assert urls, (lang, place)
            for url in urls:
                assert (urlparse(url.rstrip(".")).hostname or "").endswith(host), (lang, place, url)


async def test_a_message_not_understood_offers_the_way_to_union_staff(bot: BotHarness):
    member = await worker(bot, 603, "330502", "李红")
    member.send("我想问一下")
    reply = await member.expect("暂时还不能理解")
    assert [b["text"] for b in member.buttons(reply)] == [ASK]
    member.press(ASK, reply)
    await member.expect("已把您的问题转给工会工作人员")
    [row] = await consultations(bot)
    assert (row.topic, row.question) == ("other", "我想问一下")
    staff = await staffer(bot, 604)
    staff.send("/queue")
    item = await staff.expect("咨询 #")
    assert "其他问题" in item["text"] and "我想问一下" in item["text"]


async def test_before_consent_a_message_not_understood_says_what_to_do(bot: BotHarness):
    stranger = bot.user(605)
    stranger.send("我想问一下")
    reply = await stranger.expect("暂时还不能理解")
    assert "/help" in reply["text"]
    await bot.wait_handled()
    rows: list[Consultation] = await consultations(bot)
    assert rows == []
