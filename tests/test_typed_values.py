"""Typed values a newcomer tried (stranger s5): terminal escape sequences in a description, phones from Taiwan and
Hong Kong, a number typed at a capacity question, a region typed as two words or in English."""

from __future__ import annotations

import pytest

from i18n import shown
from services.validation import Invalid, phone
from tests.harness import BotHarness
from tests.test_report import demands, enterprise_user

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
