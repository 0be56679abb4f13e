"""/audit reads as words (through the real Application on the fake Bot API): each action and each refusal's reason
is a label from the message catalogue in the reader's language; the raw code stays out of the line, a secondary
detail below it."""

from __future__ import annotations

import ast
import pathlib
import re

from buttons.queue import ShowQueueItem
from db.models import Lang, Role
from i18n import catalogue, t
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_scope import staff, waiting_demands

ADMIN = 73
ROOT = pathlib.Path(__file__).resolve().parent.parent


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


AUDITING = {
    "AuditEntry",
    "record",
    "require_staff",
    "_staff_only",
    "staff_only",
    "require_admin",
    "staff_gate",
    "staff_press",
}
ACTION = re.compile(r"[a-z_]+(\.[a-z_]+)+|export")


def test_every_audited_action_has_words_in_the_catalogue():
    """Each action code the code base writes to the audit log (a literal handed to the auditing calls, or an
    ``action=`` keyword) has its label, so /audit never falls back to "其他操作" for one of ours."""
    codes = set()
    for folder in ("services", "conversations", "runtime"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                values = [k.value for k in node.keywords if k.arg == "action"] if name in AUDITING else []
                values += node.args if name in AUDITING else []
                codes |= {
                    sub.value
                    for value in values
                    for sub in ast.walk(value)
                    if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and ACTION.fullmatch(sub.value)
                }
    codes |= {"privacy.erased", "course.move_session", "course.cancel_session", "enterprise.link.confirm"}
    assert len(codes) > 40
    assert sorted(code for code in codes if f"audit.action.{code}" not in catalogue()) == []
