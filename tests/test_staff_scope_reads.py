"""What a regional staffer reads (hostile report on the console demo), through the real Application on the fake Bot
API, on SQLite and PostgreSQL: /audit shows a staffer with a region only the entries about people and cases of her
region (admins every entry), and /audit of someone of another region is refused in words, audited; /export with a
region outside hers is refused in words, audited, and a region inside hers narrows the workbook."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from fakebotapi import FakeUser
from i18n import t
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_scope import refused, staff
from tests.test_report import enterprise_user
from tests.test_stats_export import seed

ADMIN = 99
OUT = {"reason": "out_of_region"}
AUDIT_NONE = t("audit.none", "zh-hans")


async def audit_text(user: FakeUser, command: str) -> str:
    user.send(command)
    return (await user.expect(("操作日志", "不在您负责的地区", AUDIT_NONE)))["text"]


async def test_a_regional_staffer_reads_only_her_regions_audit_entries(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await enterprise_user(bot, 501, region="330502")  # 湖州 吴兴区
        await enterprise_user(bot, 502, region="440604")  # 佛山 禅城区
        await worker(bot, 503, "440604")
        zhang = await staff(bot, 611, "330500")
        await bot.services.users.register(ADMIN, "赵刚")
        admin = bot.user(ADMIN, first_name="赵刚")
        audit = bot.services.audit
        await audit.record(501, "report.submit", "user:501")
        await audit.record(502, "report.submit", "user:502")
        await audit.record(ADMIN, "staff.grant", "user:503")  # about a 佛山 person, done by the admin
        await audit.record(ADMIN, "staff.grant", "user:501")  # about a 湖州 person

        shown = await audit_text(zhang, "/audit")
        assert "user:501" in shown and "user:502" not in shown and "user:503" not in shown, shown
        refusal = await audit_text(zhang, "/audit 502")
        assert "不在您负责的地区" in refusal and "user:502" not in refusal
        assert ("audit.read", "user:502", OUT) in await refused(bot, 611)
        assert "user:501" in await audit_text(zhang, "/audit 501")

        everything = await audit_text(admin, "/audit")
        assert all(f"user:{uid}" in everything for uid in (501, 502, 503)), everything
        assert "user:502" in await audit_text(admin, "/audit 502")


async def exported(bot: BotHarness, user: FakeUser, command: str) -> dict[str, list[tuple]]:
    user.send(command)
    document = await user.expect("数据导出")
    book = load_workbook(io.BytesIO(bot.api.world.files[document["document"]["file_id"]].content))
    return {sheet.title: list(sheet.iter_rows(values_only=True))[1:] for sheet in book.worksheets}


async def test_export_of_a_region_outside_hers_is_refused_and_one_inside_narrows_it(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await seed(bot)  # 苏州 (320505): two demands; 湖州 (330502): two demands
        zhang = await staff(bot, 611, "330500")
        zhang.send("/export 佛山")
        await zhang.expect("“广东省 佛山市”不在您负责的地区（浙江省 湖州市），不能导出")
        assert ("export", "region:440600", OUT) in await refused(bot, 611)
        assert not [m for m in zhang.events() if m["message"].get("document")]
        zhang.send("/export 不存在的地方")
        await zhang.expect("无法识别地区“不存在的地方”")

        huzhou = await exported(bot, zhang, "/export 吴兴区")
        assert [row[0] for row in huzhou["需求库"]] == ["ZQ-2024-000003", "ZQ-2023-000009"]
        everywhere = await staff(bot, 612, None)
        narrowed = await exported(bot, everywhere, "/export 湖州")  # staff without a region: any region narrows
        assert [row[0] for row in narrowed["需求库"]] == ["ZQ-2024-000003", "ZQ-2023-000009"]
        assert len((await exported(bot, everywhere, "/export"))["需求库"]) == 4


async def test_export_of_every_region_is_refused_to_a_regional_staffer_and_audited(db_url: str):
    """Hostile 7: `/export 全部` by a staffer with a region was answered "无法识别地区" and not audited; it asks for
    more than her region, refused in words and audited as /export of a region outside hers is; staff without a
    region get every region's workbook."""
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await seed(bot)
        zhang = await staff(bot, 611, "330500")
        for word in ("全部", "全部地区"):
            zhang.send(f"/export {word}")
            await zhang.expect("“全部地区”不在您负责的地区（浙江省 湖州市），不能导出")
        assert [r for r in await refused(bot, 611) if r[0] == "export"] == [("export", "region:everywhere", OUT)] * 2
        assert not [m for m in zhang.events() if m["message"].get("document")]
        everywhere = await staff(bot, 612, None)
        assert len((await exported(bot, everywhere, "/export 全部"))["需求库"]) == 4
