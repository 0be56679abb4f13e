"""/board (揭榜) keeps to the craftsman's industries (stranger s5 item 13): his own divisions, and a demand of a
related division only when it asks for one of his specialities."""

from __future__ import annotations

from tests.harness import BotHarness
from tests.test_queue_views import pool_member, queued


async def test_the_board_lists_the_craftsmans_own_industries(bot: BotHarness):
    """Item 13: 李秀英 (C40 only) saw C17, C29, C36 and C39 demands on /board."""
    await pool_member(bot, "李秀英", ["仪器仪表校准", "传感器标定"], "40", user_id=701)
    await pool_member(bot, "钱师傅", ["SMT贴片工艺"], "39", user_id=702)
    mine = await queued(bot, "压力变送器零点漂移，校准后仍然不准", "40", 1)
    textile = await queued(bot, "织机断经频繁，布面有疵点", "17", 2)
    plastics = await queued(bot, "注塑件缩痕明显", "29", 3)
    related = await queued(bot, "产线温度传感器标定后读数仍偏高", "39", 4)
    helper = bot.user(701, first_name="李秀英")
    helper.send("/board")
    board = await helper.expect(mine)
    assert textile not in board["text"] and plastics not in board["text"]
    assert related in board["text"]  # the same section, and his speciality (传感器标定) is asked for

    assert board["text"].index(mine) < board["text"].index(related)  # his own division first

    other = bot.user(702, first_name="钱师傅")  # C39 only: the C40 demand asks nothing of his
    other.send("/board")
    listed = await other.expect(related)
    assert mine not in listed["text"]
