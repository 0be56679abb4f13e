"""/broadcast's audience summary shows a competition's name escaped once, in English and in Chinese: the summary is
made of catalogue messages (HTML) and goes into the preview as it is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.models import Lang, Role
from tests.harness import BotHarness
from tests.test_report import STAFF, staffer

NAME = '2026年湖州市"<b>焊工</b>"&amp;大赛'


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (Lang.ENGLISH, ("Next", "Competition followers", "message to broadcast", "following the competition: ")),
        (Lang.SIMPLIFIED, ("下一步", "竞赛关注者", "请发送要群发的内容", "关注竞赛：")),
    ],
)
async def test_a_competition_name_is_escaped_once_in_the_broadcast_summary(bot: BotHarness, lang, words):
    next_label, menu_label, ask_content, clause = words
    staff = await staffer(bot)
    if lang is Lang.ENGLISH:
        await bot.services.users.set_lang(STAFF, lang, chosen=True)
        staff = bot.user(STAFF, first_name="Li", language_code="en")
    now = bot.services.clock.now()
    await bot.services.competitions.create(STAFF, Role.STAFF, {"name": NAME, "starts_at": now + timedelta(days=10)})
    staff.send("/broadcast")
    menu = await staff.expect(("群发", "roadcast"))
    staff.press(menu_label, menu)
    staff.press(NAME, await staff.expect(("竞赛", "ompetition")))
    menu = await staff.expect(clause)
    assert clause + NAME in menu["text"], menu["text"]  # the fake Bot API shows the text as Telegram renders it
    staff.press(next_label, menu)
    await staff.expect(ask_content)
    staff.send("hello")
    preview = await staff.expect(clause)
    assert clause + NAME in preview["text"], preview["text"]
