"""The button protocol in the running bot: a press whose data names a known button but is not well formed (a number
no column can hold, a word where a number goes, a field too many, a choice that does not exist) gets the polite
"this button has expired" answer — never an error, never a half-done action."""

from __future__ import annotations

import dataclasses
import enum
import typing

import pytest

from buttons import Action, BigInt, registry
from tests.harness import BotHarness
from tests.test_report import staffer
from tests.test_security import in_own_chat

BIG = "9" * 12  # digits, but past every INTEGER column on PostgreSQL

MALFORMED = [
    f"tk:a:{BIG}",
    "tk:v:abc",
    f"tk:r:{BIG}",
    f"tk:d:{BIG}",
    f"qu:v:{BIG}",
    f"qu:ok:1:{BIG}",
    "qu:vol:1:2",
    f"qu:f:{BIG}",
    "ma:maybe",
    f"bk:o:{BIG}",
    f"bk:p:{BIG}",
    "bk:x:",
    f"bk:r:{BIG}",
    f"fu:s:1:{BIG}",
    f"fu:ok:{BIG}",
    f"fu:re:{BIG}",
    f"dm:view:{BIG}",
    f"my:v:{BIG}:0",
    "my:r:1:bored",
    f"my:w:{BIG}",
    f"my:p:{BIG}",
    f"rv:ok:{BIG}",
    "rv:ok:abc",
    f"rv:no:{BIG}",
    f"ex:c:{BIG}",
    f"ex:a:{BIG}",
    f"ex:at:{BIG}:none",
    "ex:at:1:abc",
    "ex:s:nope",
    f"ex:l:C31:all:{BIG}",
    f"cp:f:{BIG}:0",
    f"cp:m:{BIG}",
    f"cp:xx:{BIG}",
    "cp:e:1:colour",
    f"cp:e:{BIG}:where",
    "cp:f:1:2:3",
    f"cs:j:{BIG}:0",
    f"cs:l:{BIG}:s",
    f"cs:lx:{BIG}:s",
    f"cs:mv:{BIG}",
    f"cs:xsx:{BIG}",
    f"cs:m:{BIG}",
    f"un:r:{BIG}",
    f"un:x:{BIG}",
    "un:a:a:b",
    f"el:ok:1:{BIG}",
    "el:maybe:1:1",
    f"bc:csv:{BIG}",
    f"ind:ok:{BIG}",
    f"ind:sec:1:C:{BIG}",
    "pv:erase:maybe",
    "st:q:1:2:3",
    "rg:page:0:x",
]


@pytest.mark.parametrize("data", MALFORMED)
async def test_a_malformed_press_of_a_known_button_is_answered_as_expired(bot: BotHarness, data: str):
    staff = await staffer(bot)  # staff: the role checks pass, so the data itself is what is judged
    answer = await staff.answer_to(staff.press_data(bot.signed(staff, data), in_own_chat(bot, staff.id)))
    await bot.wait_handled()
    assert "按钮已失效" in (answer.get("text") or ""), (data, answer)
    assert not any("出了问题" in text for text in staff.texts()), (data, staff.texts())


def sample(kind: type[Action]) -> Action:
    """A well-formed press of ``kind``: 1 for numbers, "1" for words, the first member of a choice."""
    hints = typing.get_type_hints(kind)
    return kind(
        *[
            next(iter(hints[f.name]))
            if isinstance(hints[f.name], enum.EnumMeta)
            else 1
            if hints[f.name] is int
            else "1"
            for f in dataclasses.fields(kind)
        ]
    )


def malformed(kind: type[Action]) -> list[str]:
    """Presses of ``kind`` that are not well formed: a field too many; each number past its column."""
    good, hints = sample(kind), typing.get_type_hints(kind, include_extras=True)
    presses = [good.data() + ":1"]
    for name, value in dataclasses.asdict(good).items():
        if type(value) is int:
            presses.append(dataclasses.replace(good, **{name: 2**63 if hints[name] == BigInt else 2**31}).data())
    return presses


async def test_every_action_answers_its_malformed_presses_as_expired(db_url: str):
    async with BotHarness(db_url, flood_max_updates=1000) as bot:  # many presses: not a flood
        staff = await staffer(bot)
        for prefix, kind in sorted(registry().items()):
            if prefix.startswith("zz:"):
                continue  # tests/test_buttons.py's own examples
            for data in malformed(kind):
                answer = await staff.answer_to(staff.press_data(bot.signed(staff, data), in_own_chat(bot, staff.id)))
                assert "按钮已失效" in (answer.get("text") or ""), (data, answer)
        await bot.wait_handled()
        assert not any("出了问题" in text for text in staff.texts())
