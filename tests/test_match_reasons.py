"""The matcher's speciality reasons ("擅长：…") name only words that say something about a trade: a word used across
the trades of the industry catalogue and the training texts shipped in nlp/data (参数, 调试, 系统 …; the list is
nlp/data/general_words.txt, made by nlp/general_words.py) is no reason, whatever the size of the talent pool — a
pool of two or three craftsmen used to make every shared word look specific."""

from __future__ import annotations

from pathlib import Path

from services.talent_index import DemandQuery
from tests.harness import BotHarness
from tests.test_queue_views import line_of, pool_member, queued
from tests.test_report import staffer


async def test_a_small_pool_shows_only_the_specific_shared_word(bot: BotHarness):
    await pool_member(bot, "李秀英", ["设备参数调试", "回流焊焊点缺陷"], "39", user_id=701)
    await pool_member(bot, "周师傅", ["铝型材挤压"], "32", user_id=702)
    found = await bot.services.matcher.rank(DemandQuery("回流焊的温度参数要重新调试", "39", "330502"), 3)
    assert found[0].name == "李秀英"
    assert found[0].reasons.skills == ("回流焊焊点缺陷",)


async def test_a_demand_sharing_only_general_words_gets_no_speciality_reason(bot: BotHarness):
    staff = await staffer(bot)
    await pool_member(bot, "李秀英", ["控制系统参数调试"], "39", user_id=701)
    await pool_member(bot, "周师傅", ["铝型材挤压"], "32", user_id=702)
    await pool_member(bot, "钱师傅", ["印染工艺"], "17", user_id=703)
    ticket = await queued(bot, "系统参数老是调试不好", "39")
    staff.send("/queue")
    line = line_of((await staff.expect(ticket))["text"], "李秀英")
    assert "擅长" not in line, line
    assert "同属" in line, line  # the industry reason stays


def test_the_shipped_general_words_are_what_the_data_makes():
    from nlp.general_words import GENERAL_WORDS, general_words, read_general
    from nlp.tokenize import shared_tokenizer

    shipped = read_general()
    assert {"参数", "调试", "系统", "工艺", "维修", "故障"} <= shipped
    assert not {"回流焊", "铝型材", "注塑", "绕组", "回转窑", "印染", "变频器"} & shipped
    # equipment of the curated vocabulary is a speciality, though the training texts put it in every trade
    assert not {"电梯", "变压器", "压缩机", "电机", "服务器", "水泵"} & shipped
    made = general_words(shared_tokenizer())
    assert made == shipped, f"{Path(GENERAL_WORDS).name} is stale: run `python -m nlp.general_words`"
