"""What a staffer with a region may reach beyond /queue (services/staff_scope.py), through the real Application on
the fake Bot API, on SQLite and PostgreSQL: /export holds the demands, craftsmen, services and figures of their
region and below (staff without a region and admins: everything); /new_course and /new_competition publish for
their region or below only; a demand of a region no staffer covers goes to the admins, not to every staffer (a 湖州
staffer, revoked and granted again, kept her region and was told of a 佛山 demand only through that fallback);
/stats from an enterprise or a worker is refused in words for them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from conversations.refusals import PUBLISH, refusal_key
from db.models import Demand, Role
from fakebotapi import FakeUser
from services.results import Refused
from tests.harness import BotHarness
from tests.test_events_e2e import worker
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
        assert not (await bot.services.staffing.revoke(ADMIN, huzhou.id)).is_staff  # revoked
        assert (await bot.services.staffing.grant(ADMIN, huzhou.id, Role.WORKER)).is_staff  # granted
        assert (await bot.services.users.get(huzhou.id)).region_code == "330500"  # the re-grant keeps her region

        foshan = await enterprise_user(bot, 85, region="440605")  # 南海区, 佛山市: no staffer there
        ticket = await submit(foshan, "陶瓷砖烧成后变形，窑炉温度曲线不稳定")
        await bot.tick()
        await admin.expect("新需求 " + ticket)
        assert not told(huzhou, ticket), "a 湖州 staffer hears nothing of a 佛山 demand"
        admin.send("/queue")
        await admin.expect(ticket)  # and the admin can act on what they are told


async def test_a_city_staffer_publishes_events_for_their_region_only(bot: BotHarness):
    huzhou = await staff(bot, 86, "330500")
    huzhou.send("/new_course")
    await huzhou.expect("请输入课程名称")
    huzhou.send("数控车工提高班")
    huzhou.press("跳过", await huzhou.expect("授课老师"))
    await huzhou.expect("上课地点")
    huzhou.send("湖州市职工服务中心")
    huzhou.press("不限", await huzhou.expect("最多多少人"))
    asked = await huzhou.expect("面向哪个地区")
    assert "不限地区" not in str(huzhou.buttons(asked)), "a city staffer publishes for the city or below"
    picker = await huzhou.expect("湖州市")  # the picker opens at her own region
    assert any("吴兴区" in b["text"] for b in huzhou.buttons(picker))
    huzhou.send("东城区")
    huzhou.press("北京市 东城区", await huzhou.expect("找到以下地区"))
    await huzhou.expect("不在您负责的地区")
    huzhou.send("吴兴")
    huzhou.press("浙江省 湖州市 吴兴区", await huzhou.expect("找到以下地区"))
    await huzhou.expect("上课时间怎么安排")

    courses, competitions = bot.services.courses, bot.services.competitions
    for region in ("110101", None):  # 北京市 东城区, or everywhere: refused by the service too
        with pytest.raises(Refused) as refused:
            await courses.create(huzhou.id, Role.STAFF, {"name": "课", "region_code": region}, [])
        assert refusal_key(refused.value.reason, PUBLISH) == "event.region_outside"
        with pytest.raises(Refused) as refused:
            await competitions.create(huzhou.id, Role.STAFF, {"name": "赛", "region_code": region})
        assert refusal_key(refused.value.reason, PUBLISH) == "event.region_outside"


@pytest.mark.parametrize("role, other", [(Role.ENTERPRISE, "/my"), (Role.WORKER, "/courses")])
async def test_stats_from_an_enterprise_or_a_worker_is_refused_in_words_for_them(
    bot: BotHarness, role: Role, other: str
):
    user = await worker(bot, 87, "330502", "某人")
    await bot.services.users.set_role(user.id, role)
    for command in ("/stats", "/stats me"):
        user.send(command)
        answer = (await user.expect("只有工会工作人员"))["text"]
        assert "劳模工匠" not in answer and "/stats me" not in answer and other in answer, answer


async def test_an_admins_stats_are_every_regions_unless_a_region_is_named(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await seed(bot)
        await bot.services.users.register(ADMIN, "管理员")
        await bot.services.users.set_region(ADMIN, "330000")  # as the demo's admin: the figures are still everyone's
        admin = bot.user(ADMIN, "管理员")
        admin.send("/stats 2024上半年")
        text = (await admin.expect("助企行成效"))["text"]
        assert "2024年上半年 · 全部地区" in text and "服务企业：2 家" in text, text
        await admin.expect("助企行成效图")
        admin.send("/stats 2024上半年 湖州")
        assert "浙江省 湖州市" in (await admin.expect("助企行成效"))["text"]
