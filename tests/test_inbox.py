"""The update inbox (runtime/inbox.py): an update taken but cut off by a crash is handled at the next start; one
Telegram delivers again after a crash is not handled twice; handled updates keep no content and are forgotten
after a day."""

from __future__ import annotations

import logging

from sqlalchemy import select

from db.database import Database
from db.models import Role, UpdateInbox
from fakebotapi import FakeUser
from runtime.inbox import Inbox
from tests.harness import BotHarness

HELP = "我能为您做什么"


def helps(texts: list[str]) -> int:
    return sum(HELP in text for text in texts)


async def registered(bot: BotHarness, user_id: int):
    await bot.services.users.register(user_id, "王工")
    await bot.services.users.set_role(user_id, Role.WORKER)
    return bot.user(user_id)


async def test_an_update_taken_but_cut_off_is_handled_after_the_restart(bot: BotHarness):
    user = await registered(bot, 401)
    await bot.stop()
    user.send("/help")  # Telegram has it ...
    update = bot.api.world.updates.pop()  # ... the bot took it and acknowledged it, then died before handling it
    db = Database(bot.settings.database_url)
    try:
        assert await Inbox(db, bot.clock).hold([(update["update_id"], update)]) == {update["update_id"]}
    finally:
        await db.dispose()

    await bot.start()
    await user.expect(HELP)
    await bot.wait_handled(update["update_id"])
    async with bot.services.db.session() as session:
        row = await session.get(UpdateInbox, update["update_id"])
    assert row.done_at is not None and row.payload is None, "done, and its content dropped"
    assert await bot.application.transport.inbox.unfinished() == []


async def handled_then_delivered_again(bot: BotHarness, user_id: int) -> tuple[FakeUser, int]:
    """A user's /help is handled; the bot stops before its next poll acknowledged it, so Telegram delivers it again
    to the next start. Returns the user and the update id."""
    user = await registered(bot, user_id)
    sent = user.send("/help")
    await user.expect(HELP)
    await bot.wait_handled()
    handled = bot.api.last_update_id
    await bot.stop()
    bot.api.world.updates.append({"update_id": handled, "message": sent})
    bot.api.polled_offset = 0
    return user, handled


async def test_an_update_delivered_again_after_a_crash_is_handled_once(bot: BotHarness, caplog):
    caplog.set_level(logging.INFO, logger="runtime.inbox")
    user, _handled = await handled_then_delivered_again(bot, 402)
    await bot.start()
    user.send("/help")  # a new update after the duplicate
    await bot.wait_handled()
    assert "updates delivered a second time dropped" in caplog.text, "Telegram did deliver it again"
    assert helps([e["message"].get("text") or "" for e in user.events()]) == 2, "the old update was not handled again"


async def test_done_updates_are_forgotten_after_a_day(bot: BotHarness):
    user = await registered(bot, 403)
    user.send("/help")
    await user.expect(HELP)
    await bot.wait_handled()
    inbox = bot.application.transport.inbox
    assert await inbox.prune() == 0
    bot.clock.advance(days=1, minutes=1)
    assert await inbox.prune() >= 1
    async with bot.services.db.session() as session:
        assert (await session.scalars(select(UpdateInbox.update_id))).all() == []


async def test_a_batch_of_only_updates_seen_before_is_acknowledged(bot: BotHarness):
    user, handled = await handled_then_delivered_again(bot, 411)  # and nothing else is waiting
    await bot.start()
    await bot.api.wait_polled(handled + 1)  # acknowledged (it was fetched again forever): Telegram forgets it
    assert bot.api.world.updates == []
    user.send("/help")
    await user.expect(HELP)
