"""Enterprise identity (hostile report 1.2, 1.3, 1.7): naming another enterprise — by its credit code or its exact
name — changes nothing of the user's own link until she submits, and is then a link request, never a silent switch
nor a silent look-alike; imports report likely duplicates; /queue's candidate buttons can be told apart. End to end
through the real Application on the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from db.models import Enterprise
from services.importing import ImportReport
from tests.harness import BotHarness
from tests.test_report import describe_and_settle, enterprise_user, staffer
from tests.test_trust_enterprise import (
    CODE,
    IMPORTED,
    MEMBER_CONTACT,
    MEMBER_PHONE,
    STRANGER_CONTACT,
    STRANGER_PHONE,
    enterprise_row,
    file_pending,
    filed,
    imported_with_a_contact,
    member_company,
    user_row,
)

TEXT = "铝型材喷涂过程遇到氧化，皮膜厚度不均"


async def to_card(user) -> dict:
    """A member's /report, her profile complete: the description, industry, urgency and mode; the summary card."""
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    return await describe_and_settle(user, TEXT)


async def claimed_card(member) -> dict:
    """A member's draft under the imported enterprise's code (a claim), with her own contact: the summary card."""
    member.press("✏️ 信用代码", await to_card(member))
    await member.expect("统一社会信用代码")
    member.send(IMPORTED)
    await member.expect("湖州某纺织有限公司")
    await member.expect("联系人")  # the other enterprise's contact is never hers: her own goes on the demand
    member.send(STRANGER_CONTACT)
    await member.expect("联系电话")
    member.send(STRANGER_PHONE)
    card = await member.expect("请核对需求信息")
    return card


async def test_another_code_in_a_draft_changes_nothing_until_she_submits(bot: BotHarness):
    await imported_with_a_contact(bot)
    member = await member_company(bot)
    own = (await user_row(bot, 71)).enterprise_id
    assert own is not None

    member.press("✏️ 信用代码", await to_card(member))
    await member.expect("统一社会信用代码")
    member.send(IMPORTED)
    told = await member.expect("湖州某纺织有限公司")
    assert "已有确认的成员" not in told["text"], "the imported enterprise has no member: the wording must be true"
    assert "工会工作人员" in told["text"] and "提交" in told["text"]
    row = await user_row(bot, 71)
    assert (row.enterprise_id, row.pending_enterprise_id) == (own, None), "nothing changes before she submits"

    member.send("/cancel")
    member.press("保留草稿", await member.expect("要丢弃"))
    await member.expect("草稿已保留")
    row = await user_row(bot, 71)
    assert (row.enterprise_id, row.pending_enterprise_id) == (own, None)
    member.send("/privacy")
    shown = await member.expect("相关记录")
    assert MEMBER_CONTACT in shown["text"] and MEMBER_PHONE in shown["text"] and "待确认" not in shown["text"]

    before = len(member.texts())
    member.send("/report")
    member.press("重新开始", await member.expect("继续填写"))
    member.press("技术难题", await member.expect("请选择需求类型"))
    await member.expect("请描述")  # her own enterprise again: no contact question
    assert not any("联系人" in t for t in member.texts()[before:])


async def test_filing_under_another_code_keeps_her_own_link_and_asks_for_the_other(bot: BotHarness):
    staff = await staffer(bot)
    await imported_with_a_contact(bot)
    member = await member_company(bot)
    own = (await user_row(bot, 71)).enterprise_id
    card = await claimed_card(member)
    assert "湖州某纺织有限公司" in card["text"] and "周经理" not in card["text"]
    member.press("📨 提交", card)
    done = await member.expect("已提交，编号")
    ticket = re.search(r"ZQ-\d{4}-\d{6}", done["text"]).group(0)
    imported = await enterprise_row(bot, IMPORTED)
    row = await user_row(bot, 71)
    assert (row.enterprise_id, row.pending_enterprise_id) == (own, imported.id), "her verified link stays"
    [demand] = await filed(bot, 71)
    assert demand.unverified and demand.enterprise_id == imported.id
    flagged = await staff.expect("未核实")
    assert ticket in flagged["text"]

    # her next demand is her own enterprise's again, verified
    member.press("📨 提交", await to_card(member))
    await member.expect("已提交，编号")
    second = [d for d in await filed(bot, 71) if d.id != demand.id]
    assert [(d.enterprise_id, d.unverified) for d in second] == [(own, False)]


async def test_a_claim_in_a_draft_makes_the_record_not_hers_to_edit_from_the_card(bot: BotHarness):
    """✏️ on the claimed enterprise's record (REPORT's guard, may_edit, reads the draft's claim): refused, even made
    up; her own record is untouched."""
    await imported_with_a_contact(bot)
    member = await member_company(bot)
    own = (await user_row(bot, 71)).enterprise_id
    card = await claimed_card(member)
    assert "✏️ 企业名称" not in [b["text"] for b in member.buttons(card)]
    made_up = await member.answer_to(member.press_data(bot.signed(member, "rp:edit:name", card), card))
    assert made_up["show_alert"] and "不能修改企业资料" in made_up["text"]
    record = await enterprise_row(bot, CODE)
    assert (record.id, record.name) == (own, "湖州某铝业有限公司")


async def test_an_existing_enterprises_exact_name_without_its_code_is_a_link_request(bot: BotHarness):
    staff = await staffer(bot)
    await member_company(bot)
    record = await enterprise_row(bot, CODE)
    stranger = await enterprise_user(bot, 72)
    stranger.send("/report")
    stranger.press("技术难题", await stranger.expect("请选择需求类型"))
    await stranger.expect("企业名称")
    stranger.send("湖州某铝业有限公司")
    told = await stranger.expect("同名")
    assert "待确认" in told["text"]
    card = await file_pending(stranger)
    assert MEMBER_PHONE not in card["text"] and MEMBER_CONTACT not in card["text"]
    stranger.press("📨 提交", card)
    done = await stranger.expect("已提交，编号")
    ticket = re.search(r"ZQ-\d{4}-\d{6}", done["text"]).group(0)
    [demand] = await filed(bot, 72)
    assert demand.unverified and demand.enterprise_id == record.id
    flagged = await staff.expect("未核实")
    assert ticket in flagged["text"]
    async with bot.services.db.session() as session:
        same = await session.scalar(
            select(func.count()).select_from(Enterprise).where(Enterprise.name == "湖州某铝业有限公司")
        )
    assert same == 1, "no look-alike record with the same name"


async def test_skipping_the_code_under_the_name_of_an_enterprise_nobody_holds_takes_that_one(bot: BotHarness):
    await bot.services.enterprises.upsert_by_credit_code([{"name": "湖州某机械有限公司", "credit_code": CODE}])
    user = await enterprise_user(bot, 75)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    user.send("湖州某机械有限公司")
    user.press("跳过", await user.expect("统一社会信用代码"))
    told = await user.expect("同名")
    assert "已为您关联" in told["text"]
    record = await enterprise_row(bot, CODE)
    assert (await user_row(bot, 75)).enterprise_id == record.id
    async with bot.services.db.session() as session:
        same = await session.scalar(
            select(func.count()).select_from(Enterprise).where(Enterprise.name == "湖州某机械有限公司")
        )
    assert same == 1


async def test_imports_report_likely_duplicates_instead_of_adding_look_alikes(bot: BotHarness):
    from services.importing import CRAFTSMAN_COLUMNS, ENTERPRISE_COLUMNS
    from tests.test_talent import GOOD, GOOD2, craftsmen, xlsx

    staff = await staffer(bot)
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [GOOD, GOOD2]), "craftsmen.xlsx")
    await staff.expect("新增 2 条，更新 0 条")

    same_person = ("陈师傅", "湖州另一家机械厂", GOOD[2], *GOOD[3:])  # 陈师傅's name and phone, a new workplace
    others_phone = ("陈师傅", "湖州某机械有限公司", "0572-2345678", *GOOD[3:])  # 林师傅's phone under 陈师傅's name
    namesake = ("陈师傅", "湖州某纺织有限公司", "13700137000", *GOOD[3:])  # a namesake: another person
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(xlsx(CRAFTSMAN_COLUMNS, [same_person, others_phone, namesake]), "craftsmen.xlsx")
    report = await staff.expect("其中 2 行有误")
    assert "第 2 行" in report["text"] and "第 3 行" in report["text"] and "第 4 行" not in report["text"]
    assert "陈师傅" in report["text"] and "林师傅" in report["text"]
    staff.press("仅导入有效的 1 行", report)
    await staff.expect("新增 1 条，更新 0 条")
    assert [(c.name, c.workplace) for c in await craftsmen(bot)] == [
        ("陈师傅", "湖州某机械有限公司"),
        ("林师傅", "湖州某电力公司"),
        ("陈师傅", "湖州某纺织有限公司"),
    ]

    await member_company(bot)  # 湖州某铝业有限公司, CODE
    rows = ",".join(ENTERPRISE_COLUMNS) + f"\n湖州某铝业有限公司,{IMPORTED},专精特新,330502,C32,李工,0572-2345678\n"
    staff.send("/import")
    await staff.expect("请发送要导入的")
    staff.send_document(rows.encode(), "enterprises.csv", "text/csv")
    report = await staff.expect("其中 1 行有误")
    assert "第 2 行" in report["text"] and "湖州某铝业有限公司" in report["text"] and CODE in report["text"]
    async with bot.services.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Enterprise)) == 1


async def test_queue_candidates_who_share_a_name_can_be_told_apart(bot: BotHarness):
    from tests.test_queue_scope import staff, waiting_demands

    rows = [
        {
            "name": "周建华",
            "workplace": workplace,
            "phone": phone,
            "honours": [],
            "specialities": ["数控车床主轴振动", "轴类零件圆度"],
            "divisions": ["34"],
            "region_code": "330502",
            "team_id": None,
            "capacity": 3,
            "service_modes": ["onsite"],
        }
        for workplace, phone in (("湖州恒泰铝业有限公司", "13900020003"), ("湖州某机床厂", "13900020004"))
    ]
    await bot.services.importer.apply(ImportReport("craftsmen", 2, rows, []))
    await waiting_demands(bot)
    staffer_ = await staff(bot, 950, None)
    staffer_.send("/queue")
    await staffer_.expect("待匹配需求")
    item = await staffer_.expect("推荐劳模工匠")
    labels = [b["text"] for b in staffer_.buttons(item) if "周建华" in b["text"]]
    assert len(labels) == 2 and len(set(labels)) == 2, labels
    assert any("湖州某机床厂" in label for label in labels)


def test_told_apart_adds_the_workplace_for_namesakes_and_the_region_when_that_is_shared_too():
    from services.talent_index import Candidate, Reasons, told_apart

    def c(id_: int, name: str, workplace: str, region: str) -> Candidate:
        return Candidate(id_, name, None, 1.0, Reasons(), "13900000000", workplace, region)

    shown = told_apart(
        [c(1, "周建华", "甲厂", "330502"), c(2, "周建华", "甲厂", "330603"), c(3, "周建华", "乙厂", "1")]
    )
    assert shown == [("甲厂", "330502"), ("甲厂", "330603"), ("乙厂", None)]
    assert told_apart([c(1, "周建华", "甲厂", "1"), c(2, "陆国强", "甲厂", "1")]) == [(None, None), (None, None)]
