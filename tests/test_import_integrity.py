"""/import against a hostile tester's files (through the real Application on the fake Bot API, on SQLite and
PostgreSQL): an older preview's button never imports a newer file, and one phone is never imported as two people."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Craftsman
from services.importing import CRAFTSMAN_COLUMNS
from services.talent import Application
from tests.harness import BotHarness
from tests.test_report import staffer
from tests.test_talent import xlsx


def craftsman(name: str, phone: str, workplace: str = "湖州同号机械有限公司", region: str = "330502") -> tuple:
    return (name, workplace, phone, "", "焊接工艺", "C34", region, "", "2", "现场指导")


BAD = craftsman("坏师傅", "12345")


async def names(bot: BotHarness) -> list[tuple[str, str]]:
    async with bot.services.db.session() as session:
        return list((await session.execute(select(Craftsman.name, Craftsman.phone).order_by(Craftsman.id))).all())


async def test_an_older_previews_buttons_never_act_on_the_newer_file(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/import")
    await staff.expect("请发送要导入的")
    older_rows = [craftsman("庚师傅", "13877770001"), craftsman("辛师傅", "13877770002"), BAD]
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, older_rows), "older.xlsx")
    older = await staff.expect("其中 1 行有误")
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [craftsman("子师傅", "13888880001"), BAD, BAD]), "newer.xlsx")
    newer = await staff.expect("其中 2 行有误")

    answer = await staff.answer_to(staff.press("取消", older))  # does not cancel the newer file
    assert "已失效" in (answer.get("text") or ""), answer
    await staff.expect("已失效")  # the old preview says so, its buttons gone
    answer = await staff.answer_to(staff.press("仅导入有效的 2 行", older))  # pressed from a client not yet updated
    assert "已失效" in (answer.get("text") or ""), answer
    assert await names(bot) == [], "the older button imported nothing, the newer file's rows neither"

    staff.press("仅导入有效的 1 行", newer)  # the newer preview still works
    await staff.expect("新增 1 条，更新 0 条，跳过有误的 2 行")
    assert [name for name, _ in await names(bot)] == ["子师傅"]


async def test_one_phone_is_one_person_within_a_file_and_against_the_pool_whatever_its_form(bot: BotHarness):
    staff = await staffer(bot)
    await bot.services.users.register(91, "沈美琴")
    await bot.services.talent.apply(
        91, Application("沈美琴", "湖州某印染厂", "+8613900020002", [], ["印染"], ["17"], "330503", None, 2, ["onsite"])
    )
    rows = [
        craftsman("庚师傅", "13877770001"),
        craftsman("辛师傅", "138 7777 0001"),  # the same phone as row 2, another name
        craftsman("壬师傅", "+8613900020002", "湖州别家有限公司"),  # 沈美琴's phone, as she stored it
        craftsman("癸师傅", "139 0002 0002", "湖州别家有限公司"),  # 沈美琴's phone, typed with spaces
        craftsman("甲师傅", "13877770009"),
    ]
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, rows), "samephone.xlsx")
    report = await staff.expect("其中 3 行有误")
    text = report["text"]
    assert "第 3 行" in text and "第 2 行" in text and "庚师傅" in text, text
    assert "第 4 行" in text and "第 5 行" in text and "沈美琴" in text, text
    staff.press("仅导入有效的 2 行", report)
    await staff.expect("新增 2 条，更新 0 条，跳过有误的 3 行")
    assert [name for name, _ in await names(bot)] == ["沈美琴", "庚师傅", "甲师傅"]

    staff.send("/import")  # her own row, her phone typed plainly: the same natural key, an update
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [craftsman("沈美琴", "13900020002", "湖州某印染厂")]), "again.xlsx")
    await staff.expect("新增 0 条，更新 1 条")
    assert [name for name, _ in await names(bot)] == ["沈美琴", "庚师傅", "甲师傅"]
