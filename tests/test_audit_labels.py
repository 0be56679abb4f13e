"""/audit reads as words (through the real Application on the fake Bot API): each action and each refusal's reason
is a label from the message catalogue in the reader's language; the raw code stays out of the line, a secondary
detail below it."""

from __future__ import annotations

from buttons.queue import ShowQueueItem
from db.models import Lang, Role
from i18n import t
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_scope import staff, waiting_demands

ADMIN = 73


def first_lines(text: str) -> list[str]:
    """The lines of /audit's entries without their secondary detail (the indented code line)."""
    return [line for line in text.splitlines()[1:] if not line.startswith("    ")]


async def test_audit_shows_each_action_and_reason_in_words_in_the_readers_language(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, "管理员")
        member = await worker(bot, 82, "330502", "小李")
        member.send("/queue")  # not staff: refused, without a reason of its own
        await member.expect("工会工作人员")

        demands = await waiting_demands(bot)
        city = await staff(bot, 631, "330500")
        city.send("/queue")
        card = await city.expect(demands["湖州"][1])
        city.press_data(bot.signed(city, ShowQueueItem(demands["苏州"][0]).data()), card)
        await bot.wait_handled()
        city.send("/stats")  # allowed, and logged
        await city.expect("服务企业")

        admin.send("/audit")
        log = await admin.expect("操作日志")
        lines = first_lines(log["text"])
        assert any(line.startswith("✅") and t("audit.action.stats.read", "zh-hans") in line for line in lines), lines
        out_of_region, not_staff = [line for line in lines if line.startswith("⛔")]
        assert t("audit.action.queue.view", "zh-hans") in out_of_region and "不在其负责的地区" in out_of_region
        assert t("audit.action.queue.list", "zh-hans") in not_staff and "无此权限" in not_staff
        assert not [line for line in lines if "queue.list" in line or "queue.view" in line], "no raw code in a line"
        assert not [line for line in lines if "stats.read" in line]
        assert f"queue.view demand:{demands['苏州'][0]}" in log["text"], "the code stays as the secondary detail"

        await bot.services.users.set_lang(ADMIN, Lang.ENGLISH, chosen=True)
        admin.send("/audit")
        log = await admin.expect("Audit log")
        lines = first_lines(log["text"])
        assert any("Read statistics" in line for line in lines), lines
        assert "outside their region" in next(line for line in lines if line.startswith("⛔"))
        assert (await bot.services.users.get(82)).role is Role.WORKER
