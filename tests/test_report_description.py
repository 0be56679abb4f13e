"""A /report description that says nothing (hostile test, issue 21 leftovers): one character repeated, or only
punctuation, is not a problem description. It is refused politely in the reader's language with an example; the
draft stays, and the next real text is taken."""

from __future__ import annotations

import pytest

from db.models import Lang
from tests.harness import BotHarness
from tests.test_report import demands, enterprise_user

CASES = [
    (Lang.SIMPLIFIED, "zh-hans", "技术难题", "请描述", "请具体描述", "可以继续补充", "注塑件表面有缩痕，尺寸不稳定"),
    (Lang.TRADITIONAL, "zh-hant", "技術難題", "請描述", "請具體描述", "可以繼續補充", "注塑件表面有縮痕，尺寸不穩定"),
    (
        Lang.ENGLISH,
        "en",
        "Technical problem",
        "Please describe",
        "Please describe what",
        "Add more",
        "Bubbles on the aluminium profiles after spraying",
    ),
]


async def profiled(bot: BotHarness, user_id: int, lang: Lang, code: str):
    """An enterprise user whose profile is complete: /report goes from the kind straight to the description."""
    user = await enterprise_user(bot, user_id, lang, code)
    for field, value in (("name", f"湖州某铝业有限公司{user_id}"), ("contact_name", "李工"), ("phone", "13800138000")):
        await bot.services.enterprises.set_field(user_id, field, value)
    await bot.services.enterprises.set_field(user_id, "region_code", "330502")
    return user


@pytest.mark.parametrize("lang, code, kind, ask, refused, noted, real", CASES)
async def test_a_description_that_says_nothing_is_refused_and_the_next_real_one_taken(
    bot: BotHarness, lang, code, kind, ask, refused, noted, real
):
    user = await profiled(bot, 41, lang, code)
    user.send("/report")
    user.press(kind, await user.expect(("请选择需求类型", "請選擇需求類型", "What kind of demand")))
    await user.expect(ask)
    for noise in ("啊啊啊啊啊啊啊啊啊啊啊啊", "。。。。。。。。。。。。", "aaaaaaaaaaaa", "!!! ??? ... ---"):
        user.send(noise)
        answer = await user.expect(refused)
        assert not user.buttons(answer)  # no 完成: nothing was taken
    [draft] = await demands(bot)
    assert draft.text == ""  # the draft stays, without the noise
    user.send(real)
    shown = await user.expect(noted)
    assert [b["text"] for b in user.buttons(shown)]  # 完成 is offered now
    [draft] = await demands(bot)
    assert draft.text == real


def test_what_says_nothing():
    from services.demand_form import says_nothing

    for text in ("啊啊啊啊啊啊啊啊", "。。。。。。", "aaaaaaaa", "AaAaAa", "？！…… ——", "", "   ", "👍👍👍👍"):
        assert says_nothing(text), text
    for text in ("注塑件表面有缩痕", "模具漏水", "ab", "CNC 报警 1001"):
        assert not says_nothing(text), text
