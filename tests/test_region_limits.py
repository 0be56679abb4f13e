"""What a staffer with a region may reach beyond /queue (services/staff_scope.py), through the real Application on
the fake Bot API, on SQLite and PostgreSQL: /export holds the demands, craftsmen, services and figures of their
region and below (staff without a region and admins: everything); /new_course and /new_competition publish for
their region or below only; a demand of a region no staffer covers goes to the admins, not to every staffer (a 湖州
staffer, revoked and granted again, kept her region and was told of a 佛山 demand only through that fallback);
/stats from an enterprise or a worker is refused in words for them."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import update

from db.models import Demand, Role
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_queue_scope import staff
from tests.test_report import enterprise_user
from tests.test_scope_notices import told
from tests.test_service_flow import submit
from tests.test_stats_export import seed

ADMIN = 71
SUZHOU_PHONE, HUZHOU_PHONE = "+8613800000001", "+8613800000003"


async def exported(bot: BotHarness, user: FakeUser) -> dict[str, list[tuple]]:
    user.send("/export")
    document = await user.expect("数据导出")
    book = load_workbook(io.BytesIO(bot.api.world.files[document["document"]["file_id"]].content))
    return {sheet.title: list(sheet.iter_rows(values_only=True))[1:] for sheet in book.worksheets}


async def test_export_holds_the_staffers_region_and_everything_for_staff_without_one_and_admins(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await seed(bot)  # 苏州: two demands, a craftsman, his services and two ratings; 湖州: two demands
        async with bot.services.db.session() as session:
            for region, phone in (("320505", SUZHOU_PHONE), ("330502", HUZHOU_PHONE)):
                await session.execute(
                    update(Demand)
                    .where(Demand.region_code == region)
                    .values(contact_name="联系人", contact_phone=phone)
                )
        huzhou = await staff(bot, 82, "330500")
        book = await exported(bot, huzhou)
        assert [row[0] for row in book["需求库"]] == ["ZQ-2024-000003", "ZQ-2023-000009"]
        cells = " ".join(str(v) for rows in book.values() for row in rows for v in row)
        assert HUZHOU_PHONE in cells and SUZHOU_PHONE not in cells and "苏州精工" not in cells
        assert book["人才库"] == [] and book["匹配与服务记录"] == [] and book["评价"] == []
        assert book["统计"][-1][1] == 0  # this year's figures of 湖州 (the seed's services are of 2023 and 2024)

        everywhere = await staff(bot, 83, None)
        await bot.services.users.register(ADMIN, "管理员")
        await bot.services.users.set_region(ADMIN, "330500")  # an admin works on every region, whatever theirs
        for user in (everywhere, bot.user(ADMIN, "管理员")):
            book = await exported(bot, user)
            assert [row[0] for row in book["需求库"]] == [
                "ZQ-2024-000001",
                "ZQ-2024-000002",
                "ZQ-2024-000003",
                "ZQ-2023-000009",
            ]
            assert [row[1] for row in book["人才库"]] == ["陆国强"] and len(book["评价"]) == 2


async def test_a_demand_nobody_covers_reaches_the_admins_not_a_regranted_staffer_of_another_city(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        await bot.services.users.set_region(ADMIN, "330000")  # 浙江省, as the demo's admin
        admin = bot.user(ADMIN, "管理员")
        huzhou = await staff(bot, 84, "330500")
        assert (await bot.services.staffing.revoke(ADMIN, huzhou.id))[0].value == "revoked"
        assert (await bot.services.staffing.grant(ADMIN, huzhou.id, Role.WORKER))[0].value == "granted"
        assert (await bot.services.users.get(huzhou.id)).region_code == "330500"  # the re-grant keeps her region

        foshan = await enterprise_user(bot, 85, region="440605")  # 南海区, 佛山市: no staffer there
        ticket = await submit(foshan, "陶瓷砖烧成后变形，窑炉温度曲线不稳定")
        await bot.tick()
        await admin.expect("新需求 " + ticket)
        assert not told(huzhou, ticket), "a 湖州 staffer hears nothing of a 佛山 demand"
        admin.send("/queue")
        await admin.expect(ticket)  # and the admin can act on what they are told
