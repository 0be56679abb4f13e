"""/report end to end through the real Application on the fake Bot API: intake, edits, restarts, /my."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEntry, Demand, DemandAttachment, DemandStatus, DemandStatusHistory, Enterprise, Lang, Role
from fakebotapi import FakeUser
from tests.harness import BotHarness

STAFF = 900


async def enterprise_user(harness: BotHarness, user_id: int, lang: Lang = Lang.SIMPLIFIED,
                          language_code: str = "zh-hans", region: str | None = "330502") -> FakeUser:
    await harness.services.users.register(user_id, "王工", language_code=language_code, lang=lang)
    await harness.services.users.set_role(user_id, Role.ENTERPRISE)
    if region:
        await harness.services.users.set_region(user_id, region)
    return harness.user(user_id, language_code=language_code)


async def staffer(harness: BotHarness, user_id: int = STAFF) -> FakeUser:
    await harness.services.users.register(user_id, "工会小李")
    async with harness.services.db.session() as session:
        from db.models import User
        (await session.get(User, user_id)).role = Role.STAFF
    harness.services.users.forget(user_id)
    return harness.user(user_id, first_name="工会小李")


async def demands(harness: BotHarness) -> list[Demand]:
    async with harness.services.db.session() as session:
        return list((await session.scalars(select(Demand).order_by(Demand.id))).all())


async def fill_profile(user: FakeUser, *, simplified: bool = True) -> None:
    """Answer the enterprise-profile questions (first /report only)."""
    await user.expect("企业名称" if simplified else "企業名稱")
    user.send("湖州某铝业有限公司" if simplified else "湖州某鋁業有限公司")
    await user.expect("统一社会信用代码" if simplified else "統一社會信用代碼")
    user.send("91330100799655058B")
    shown = await user.expect("请选择企业类型" if simplified else "請選擇企業類型")
    user.press("专精特新" if simplified else "專精特新", shown)
    await user.expect("联系人" if simplified else "聯繫人")
    user.send("李工")
    await user.expect("联系电话" if simplified else "聯繫電話")
    user.send_contact("+86 138 0013 8000")
    await user.expect("13800138000")


async def test_full_report_with_photo_and_edit(bot: BotHarness):
    staff = await staffer(bot)
    user = await enterprise_user(bot, 31)
    user.send("/report")
    shown = await user.expect("请选择需求类型")
    user.press("技术难题", shown)
    await fill_profile(user)
    await user.expect("请描述")
    user.send("铝型材表面气泡")
    short = await user.expect("描述至少需要")
    assert not user.buttons(short)  # no 完成 before ten characters
    user.send_photo(caption="气泡照片")
    noted = await user.expect("附件 1 个")
    user.send("铝型材喷涂过程遇到氧化，皮膜厚度不均")
    noted = await user.expect("可以继续补充")
    user.press("完成", noted)
    shown = await user.expect("识别为：C32")
    user.press("✅确认", shown)
    shown = await user.expect("请选择紧急程度")
    user.press("紧急", shown)
    shown = await user.expect("请选择希望的服务方式")
    user.press("现场指导", shown)
    card = await user.expect("请核对需求信息")
    assert "湖州某铝业有限公司" in card["text"] and "C32 有色金属冶炼和压延加工业" in card["text"]
    user.press("✏️ 紧急程度", card)
    shown = await user.expect("请选择紧急程度")
    user.press("一般", shown)
    card = await user.expect("请核对需求信息")
    assert "紧急程度</b>：一般" in card["text"] or "紧急程度：一般" in card["text"]
    user.press("📨 提交", card)
    done = await user.expect("已提交，编号")
    [demand] = await demands(bot)
    assert demand.ticket == f"ZQ-2026-{demand.id:06d}" and demand.ticket in done["text"]
    assert demand.status is DemandStatus.SUBMITTED and demand.urgency == "normal" and demand.service_mode == "onsite"
    assert demand.industry == "32" and demand.industry_predicted == "32"
    assert demand.contact_phone == "13800138000" and "气泡" in demand.text and "皮膜" in demand.text
    async with bot.services.db.session() as session:
        [attachment] = (await session.scalars(select(DemandAttachment))).all()
        history = (await session.scalars(select(DemandStatusHistory))).all()
    assert attachment.kind == "photo" and attachment.caption == "气泡照片"
    assert [(h.from_status, h.to_status) for h in history] == [("draft", "submitted")]
    notice = await staff.expect("新需求 " + demand.ticket)
    staff.press("打开", notice)
    detail = await staff.expect(demand.ticket)
    assert "13800138000" in detail["text"]
    again = user.press("📨 提交", card)  # double press on the old card
    assert (await user.answer_to(again))["show_alert"]
    assert len(await demands(bot)) == 1
