"""The talent pool end to end: /join → staff review → /experts; /import with good and bad rows; role checks."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from db.models import AuditEntry, Craftsman, CraftsmanStatus, Enterprise, Role
from services.importing import CRAFTSMAN_COLUMNS, ENTERPRISE_COLUMNS
from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer


def xlsx(header: tuple[str, ...], rows: list[tuple]) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = (
    "陈师傅",
    "湖州某机械有限公司",
    "13900139000",
    "省级工匠；五一劳动奖章",
    "数控机床调试；热处理工艺",
    "C34",
    "330502",
    "",
    "3",
    "现场指导",
)
GOOD2 = ("林师傅", "湖州某电力公司", "0572-2345678", "", "配电线路故障排查", "", "330502", "", "", "")
BAD_PHONE = ("吴师傅", "湖州某厂", "12345", "", "焊接", "C33", "330502", "", "", "")
BAD_DIVISION = ("郑师傅", "湖州某厂", "13700137000", "", "焊接", "Z99", "330502", "", "", "")
BAD_HONOUR = ("钱师傅", "湖州某厂", "13600136000", "金牌工匠", "焊接", "", "330502", "", "", "")


async def new_city_team(staff, name: str, query: str, city: str) -> dict:
    """/newteam at city level, the city found by typing its name."""
    staff.send(f"/newteam {name}")
    staff.press("市级或产业", await staff.expect("是哪一级服务队"))
    await staff.expect("省份")
    staff.send(query)
    staff.press(city, await staff.expect("找到以下地区"))
    staff.press("就选" + city.split()[-1], await staff.expect("请继续选择"))
    return await staff.expect("已创建服务队")


async def craftsmen(harness: BotHarness) -> list[Craftsman]:
    async with harness.services.db.session() as session:
        return list((await session.scalars(select(Craftsman).order_by(Craftsman.id))).all())


async def test_join_review_and_experts(bot: BotHarness):
    staff = await staffer(bot)
    applicant = await enterprise_user(bot, 41)
    applicant.send("/join")
    await applicant.expect("请输入您的姓名")
    applicant.send("陆<师傅>")
    honours = await applicant.expect("荣誉")
    applicant.press("大国工匠", honours)
    honours = await applicant.expect("荣誉")  # the same message, its buttons ticked
    assert "✅ 大国工匠" in [b["text"] for b in applicant.buttons(honours)]
    applicant.press("五一劳动奖章", honours)
    honours = await applicant.expect("荣誉")
    applicant.press("下一步", honours)
    await applicant.expect("工作单位")
    applicant.send("苏州某精密机械公司")
    await applicant.expect("技术处方")
    applicant.send("数控机床调试\n精密零件热处理")
    noted = await applicant.expect("已记下 2/")
    applicant.press("下一步", noted)
    industries = await applicant.expect("系统建议了以下行业")
    ticked = [b["text"] for b in applicant.buttons(industries) if b["text"].startswith("✅")]
    assert len(ticked) == 1
    applicant.press("其他行业", industries)
    applicant.press("C 制造业", await applicant.expect("请选择门类"))
    page = await applicant.expect("C 制造业：请选择大类")
    applicant.press("下一页", page)
    page = await applicant.expect("C 制造业：请选择大类")
    applicant.press("C35 专用设备制造业", page)
    industries = await applicant.expect("系统建议了以下行业")
    assert "✅ C35 专用设备制造业" in [b["text"] for b in applicant.buttons(industries)]
    applicant.press("下一步", industries)
    applicant.press("就是这里", await applicant.expect("您所在的地区：浙江省 湖州市 吴兴区"))
    applicant.press("暂不加入服务队", await applicant.expect("加入哪个服务队"))
    applicant.press("2", await applicant.expect("同时承接"))
    modes = await applicant.expect("服务方式")
    applicant.press("远程指导", modes)
    applicant.press("下一步", await applicant.expect("服务方式"))
    await applicant.expect("联系电话")
    applicant.send("139 0013 9000")
    confirm = await applicant.expect("请核对您的申请")
    assert "陆&lt;师傅&gt;" not in confirm["text"] and "陆<师傅>" in confirm["text"]  # escaped HTML, shown as typed
    applicant.press("提交申请", confirm)
    await applicant.expect("申请已提交")
    [row] = await craftsmen(bot)
    assert row.status is CraftsmanStatus.PENDING and "35" in {i.division for i in row.industries}
    assert row.phone == "13900139000" and row.honours == ["great_craftsman", "may_day_medal"]

    # a non-staff user cannot approve, even with the button's data
    intruder = await enterprise_user(bot, 42)
    notice = await staff.expect("新的入库申请")
    forged = intruder.press_data(bot.signed(intruder, f"rv:ok:{row.id}", notice), notice)
    assert "只有工会工作人员" in (await intruder.answer_to(forged))["text"]
    assert (await craftsmen(bot))[0].status is CraftsmanStatus.PENDING

    staff.send("/experts 热处理")
    await staff.expect("没有找到")  # not published yet
    staff.press("✅ 通过", notice)
    await staff.expect("已通过：陆<师傅>")
    await applicant.expect("入库申请已通过")
    assert (await bot.services.users.get(41)).role is Role.CRAFTSMAN

    enterprise = await enterprise_user(bot, 43)
    enterprise.send("/experts 热处理")
    found = await enterprise.expect("相关的劳模工匠（1 位）")
    assert "大国工匠" in found["text"] and "13900139000" not in found["text"]
    assert not enterprise.buttons(found)  # no contact or assign buttons for non-staff
    enterprise.send("/experts")
    sections = await enterprise.expect("请选择门类")
    enterprise.press("C 制造业", sections)
    enterprise.press("C35 专用设备制造业", await enterprise.expect("请选择大类"))
    enterprise.press("浙江省", await enterprise.expect("请选择地区"))
    listing = await enterprise.expect("共 1 位")
    assert "陆<师傅>" in listing["text"] and "13900139000" not in listing["text"]
    forged = enterprise.press_data(bot.signed(enterprise, f"ex:c:{row.id}", listing), listing)
    assert "只有工会工作人员" in (await enterprise.answer_to(forged))["text"]

    staff.send("/experts 数控机床")
    found = await staff.expect("相关的劳模工匠")
    contact = staff.press("📞 陆<师傅>", found)
    assert "13900139000" in (await staff.answer_to(contact))["text"]
    async with bot.services.db.session() as session:
        refused = (await session.scalars(select(AuditEntry.action).where(AuditEntry.allowed.is_(False)))).all()
    assert set(refused) == {"craftsman.review", "craftsman.contact"}


async def test_rejection_with_reason_is_told(bot: BotHarness):
    staff = await staffer(bot)
    applicant = await enterprise_user(bot, 44)
    from services.talent import Application

    card = await bot.services.talent.apply(
        44, Application("周师傅", "某厂", "13800138000", [], ["焊接"], ["33"], "330502", None, 2, ["onsite"])
    )
    staff.send("/review")
    queued = await staff.expect("周师傅")
    staff.press("不通过", queued)
    await staff.expect("不通过的原因")
    staff.send("请补充工作单位全称")
    await staff.expect("已退回：周师傅")
    await applicant.expect("原因：请补充工作单位全称")
    assert (await bot.services.talent.card(card.id)).status is CraftsmanStatus.REJECTED


async def test_import_reports_rows_imports_nothing_then_valid_rows_and_reimport_updates(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/template")
    template = await staff.expect("劳模工匠导入模板")
    content = bot.api.world.files[template["document"]["file_id"]].content
    assert [c.value for c in next(load_workbook(io.BytesIO(content)).active.iter_rows(max_row=1))] == list(
        CRAFTSMAN_COLUMNS
    )

    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(
        xlsx(CRAFTSMAN_COLUMNS, [GOOD, BAD_PHONE, GOOD2, BAD_DIVISION, BAD_HONOUR, GOOD]),
        "craftsmen.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    report = await staff.expect("其中 4 行有误")
    for needed in ("第 3 行", "12345", "第 5 行", "Z99", "第 6 行", "金牌工匠", "第 7 行：与第 2 行重复"):
        assert needed in report["text"], needed
    assert await craftsmen(bot) == []  # nothing imported yet
    staff.press("仅导入有效的 2 行", report)
    await staff.expect("新增 2 条，更新 0 条")
    rows = await craftsmen(bot)
    assert [r.name for r in rows] == ["陈师傅", "林师傅"]
    assert {i.division for i in rows[1].industries} == {"44"}  # suggested from the specialities
    assert all(r.status is CraftsmanStatus.APPROVED for r in rows)

    changed = (*GOOD[:4], "数控机床调试；热处理工艺；齿轮加工", *GOOD[5:])
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [changed, GOOD2]), "craftsmen.xlsx")
    await staff.expect("新增 0 条，更新 2 条")
    rows = await craftsmen(bot)
    assert len(rows) == 2 and rows[0].specialities == ["数控机床调试", "热处理工艺", "齿轮加工"]

    csv_text = (
        ",".join(ENTERPRISE_COLUMNS) + "\n湖州某铝业有限公司,91330100799655058B,专精特新,330502,C32,李工,0572-2345678\n"
        "某公司,91330100799655058C,中小微,,,,\n"
    )
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(csv_text.encode("gb18030"), "enterprises.csv", "text/csv")
    report = await staff.expect("其中 1 行有误")
    assert "最后一位应为 B" in report["text"]
    staff.press("取消", report)
    await staff.expect("没有导入任何数据")
    async with bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Enterprise)) == 0


async def test_non_staff_cannot_import_or_review(bot: BotHarness):
    user = await enterprise_user(bot, 45)
    for command in ("/import", "/template", "/review", "/newteam 某服务队"):
        user.send(command)
        await user.expect("只有工会工作人员")
    async with bot.services.db.session() as session:
        refused = (await session.scalars(select(AuditEntry.action).where(AuditEntry.allowed.is_(False)))).all()
    assert sorted(refused) == ["import.start", "import.template", "review.list", "team.create"]


async def test_staff_create_team_assign_and_teams_lists_it(bot: BotHarness):
    staff = await staffer(bot)
    created = await new_city_team(staff, "湖州市电力工匠服务队", "湖州", "浙江省 湖州市")
    assert "已创建服务队「湖州市电力工匠服务队」（市级或产业，浙江省 湖州市）" in created["text"]
    staff.send("/teams")
    listing = await staff.expect("劳模工匠服务队")
    assert "[市级或产业] 湖州市电力工匠服务队" in listing["text"]


async def test_craftsman_edits_profile_and_takes_time_off(bot: BotHarness):
    staff = await staffer(bot)
    craftsman = await enterprise_user(bot, 47)
    from services.talent import Application

    card = await bot.services.talent.apply(
        47,
        Application(
            "黄师傅", "佛山某电器有限公司", "13800138000", [], ["电机绕组"], ["38"], "440604", None, 3, ["onsite"]
        ),
    )
    await bot.services.talent.decide(card.id, staff.id, Role.STAFF, approve=True)
    craftsman.send("/profile")
    menu = await craftsman.expect("我的工匠资料")
    craftsman.press("技术处方", menu)
    await craftsman.expect("请发送新的技术处方")
    craftsman.send("电机绕组\n感应加热设备维修")
    menu = await craftsman.expect("已保存")
    assert "感应加热设备维修" in menu["text"]
    craftsman.press("休假", menu)
    await craftsman.expect("休假到哪一天")
    craftsman.send("还没想好")
    await craftsman.expect("请发送今天（2026-11-21）之后")
    craftsman.send("下周五")  # everyday Chinese, as slot times are read: Friday of next week
    menu = await craftsman.expect("休假至 2026-11-27")
    craftsman.press("休假", menu)
    await craftsman.expect("休假到哪一天")
    craftsman.send("2026-12-31")
    menu = await craftsman.expect("休假至 2026-12-31")
    craftsman.press("恢复接单", menu)
    menu = await craftsman.expect("已保存")
    assert "休假至" not in menu["text"]
    assert [c.name for c in await bot.services.talent.search("感应加热")] == ["黄师傅"]

    await new_city_team(staff, "佛山市电机工匠服务队", "佛山", "广东省 佛山市")
    staff.send("/experts 电机")
    found = await staff.expect("相关的劳模工匠")
    staff.press("分配 黄师傅", found)
    staff.press("佛山市电机工匠服务队", await staff.expect("分配到哪个服务队"))
    await staff.expect("已将 黄师傅 分配到：佛山市电机工匠服务队")
    assert (await bot.services.talent.card(card.id)).team_name == "佛山市电机工匠服务队"
