"""Numbers users type that no reader may crash on, and the generic error said in the user's script (the newcomer's
console run, item 1): a capacity cell of 400 digits or "²" in an /import file is a row error, not an exception."""

from __future__ import annotations

import dataclasses

from telegram import Update
from telegram.ext import CommandHandler

import tests.harness
from bot import CHAT
from db.models import Lang
from services.importing import CRAFTSMAN_COLUMNS
from tests.harness import BotHarness
from tests.test_import_integrity import craftsman
from tests.test_report import staffer
from tests.test_talent import xlsx

FAIL = "/fail_for_the_words_test"


async def test_an_import_capacity_of_400_digits_or_a_superscript_is_a_row_error(bot: BotHarness):
    staff = await staffer(bot)
    rows = []
    for n, capacity in enumerate(["9" * 400, "²", "2"]):
        row = list(craftsman(f"师傅{n}", f"1387777000{n}"))
        row[8] = capacity
        rows.append(tuple(row))
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, rows), "capacity.xlsx")
    preview = await staff.expect("其中 2 行有误")
    assert preview["text"].count("“最多同时服务”应为 1–20 的整数") == 2, preview["text"]


def wire_with_a_failing_handler(application) -> None:
    async def fail(update: Update, context) -> None:
        raise RuntimeError("a bug")

    application.add_handler(CommandHandler(FAIL[1:], fail), group=-2)
    CHAT.wire(application)


async def test_the_generic_error_is_said_in_the_users_script_and_language(db_url: str, monkeypatch):
    """A zh-HK reader got "抱歉，处理您的请求时出了问题" in simplified Chinese among traditional messages: the error
    handler's context is a new one, which knew nothing of the user's language."""
    monkeypatch.setattr(tests.harness, "CHAT", dataclasses.replace(CHAT, wire=wire_with_a_failing_handler))
    async with BotHarness(db_url) as bot:
        hong_kong = bot.user(601, language_code="zh-hk")
        hong_kong.send(FAIL)
        said = await hong_kong.expect("抱歉，處理您的請求時出了問題")
        assert "处理" not in said["text"]
        await bot.services.users.register(602, "Anna")
        await bot.services.users.set_lang(602, Lang.ENGLISH, chosen=True)  # chosen in /settings: it wins
        english = bot.user(602, first_name="Anna", language_code="zh-hans")
        english.send(FAIL)
        await english.expect("Sorry, something went wrong")
