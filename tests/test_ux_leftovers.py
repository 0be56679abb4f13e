"""What a newcomer met on the console (stranger s5, the ux items): a /settings card left long ago came back on every
restart and kept catching text; edited messages dropped the choice; wording that read wrong."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_resume import shown


async def test_a_settings_card_left_behind_is_not_asked_again_nor_catches_text(bot: BotHarness):
    """刘洋 changed his language in /settings, then went on to other things: every later restart sent the whole card
    again, and a question he typed got "Please choose with the buttons". The card is a card, not a question: it
    stays where it was, its buttons still work, and what he types is read as anywhere else."""
    user = await worker(bot, 561, "330502", "刘洋")
    user.send("/settings")
    user.press("文字", await user.expect("当前设置"))
    user.press("English", await user.expect("请选择界面文字"))
    card = await user.expect("Your settings")
    user.send("/courses")
    await bot.wait_handled()
    user.send("你好")
    await user.expect("Hello")
    await bot.restart()
    await bot.restart()
    await bot.wait_handled()
    assert shown(user, "Your settings") == 1, "the card came back after a restart"
    assert not any("choose with the buttons" in text for text in user.texts())
    user.press("Quiet hours", card)  # the card left behind still takes its buttons
    await user.expect("No reminders are pushed")
