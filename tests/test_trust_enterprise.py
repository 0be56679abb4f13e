"""An enterprise's record belongs to its people (issue 18 §3), and a staffer's 打开 in the staff group goes to
their private chat (§4): end to end through the real Application on the fake Bot API, on SQLite and PostgreSQL.

A stranger who types the public 统一社会信用代码 of an enterprise that already has a verified member (or was
imported with a contact and phone) gets a pending link: he files under it, marked 未核实, with his own contact on
the demand; he sees nothing of the record and changes nothing of it; a member of that enterprise or staff confirm
or refuse the link (the buttons are checked on the server: a copied or re-signed button does nothing)."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from db.models import AuditEntry, Demand, DemandStatus, Enterprise, Notification, Role, User
from fakebotapi import FakeGroup, FakeUser
from tests.harness import BotHarness
from tests.test_report import describe_to_summary, enterprise_user, report_up_to_code, staffer

CODE = "91330100799655058B"  # the member's enterprise
IMPORTED = "91330500MA2B3C4D5B"  # an enterprise staff imported
MEMBER_CONTACT, MEMBER_PHONE = "李工", "13800138000"
STRANGER_CONTACT, STRANGER_PHONE, STRANGER_PHONE2 = "张三", "13911112222", "13933334444"
GROUP = -1001234567890


async def member_company(bot: BotHarness, user_id: int = 71) -> FakeUser:
    """A verified member: filed the enterprise's profile first (name, code, contact, phone)."""
    user = await enterprise_user(bot, user_id)
    enterprises = bot.services.enterprises
    for field, value in (
        ("name", "湖州某铝业有限公司"),
        ("credit_code", CODE),
        ("region_code", "330502"),
        ("contact_name", MEMBER_CONTACT),
        ("phone", MEMBER_PHONE),
    ):
        await enterprises.set_field(user_id, field, value)
    return user


async def enterprise_row(bot: BotHarness, code: str = CODE) -> Enterprise:
    async with bot.services.db.session() as session:
        return await session.scalar(select(Enterprise).where(Enterprise.credit_code == code))


async def imported_with_a_contact(bot: BotHarness) -> None:
    """An enterprise staff imported with its contact and phone, and no member yet."""
    await bot.services.enterprises.upsert_by_credit_code(
        [
            {
                "name": "湖州某纺织有限公司",
                "credit_code": IMPORTED,
                "region_code": "330502",
                "contact_name": "周经理",
                "phone": "05721234567",
            }
        ]
    )


async def user_row(bot: BotHarness, user_id: int) -> User:
    async with bot.services.db.session() as session:
        return await session.get(User, user_id)


async def filed(bot: BotHarness, user_id: int) -> list[Demand]:
    async with bot.services.db.session() as session:
        return list(
            (
                await session.scalars(
                    select(Demand).where(Demand.user_id == user_id, Demand.status != DemandStatus.DRAFT)
                )
            ).all()
        )


async def audit(bot: BotHarness, action: str) -> list[AuditEntry]:
    async with bot.services.db.session() as session:
        return list(
            (await session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))).all()
        )


async def claim(user: FakeUser, code: str = CODE, name: str = "冒名顶替有限公司", answer: str = "待确认") -> dict:
    """/report up to the credit code: the user names some company and types the public code; the bot's answer."""
    return await report_up_to_code(user, name, code, answer)


async def file_pending(user: FakeUser) -> dict:
    """After the pending link: his own contact and phone, the description, the industry, urgency and mode; the
    summary card."""
    return await describe_to_summary(user, STRANGER_CONTACT, STRANGER_PHONE, "铝型材喷涂过程遇到氧化，皮膜厚度不均")


def leaked(user: FakeUser, *secrets: str) -> list[str]:
    return [text for text in user.texts() if any(secret in text for secret in secrets)]


async def test_a_stranger_with_the_public_code_sees_and_changes_nothing_and_files_unverified(bot: BotHarness):
    staff = await staffer(bot)
    member = await member_company(bot)
    stranger = await enterprise_user(bot, 72)

    await claim(stranger)
    card = await file_pending(stranger)
    assert MEMBER_CONTACT not in card["text"] and MEMBER_PHONE not in card["text"]
    assert STRANGER_PHONE in card["text"] and STRANGER_CONTACT in card["text"]
    labels = [b["text"] for b in stranger.buttons(card)]
    assert "✏️ 企业名称" not in labels and "✏️ 电话" in labels  # the record is not his to edit

    made_up = await stranger.answer_to(stranger.press_data(bot.signed(stranger, "rp:edit:name", card), card))
    assert made_up["show_alert"] and "不能修改企业资料" in made_up["text"]  # no ✏️ 企业名称, even made up
    stranger.press("✏️ 电话", card)  # changes his own demand's phone, never the enterprise's
    await stranger.expect("联系电话")
    stranger.send(STRANGER_PHONE2)
    card = await stranger.expect("请核对需求信息")
    assert STRANGER_PHONE2 in card["text"] and MEMBER_PHONE not in card["text"]
    stranger.press("📨 提交", card)
    done = await stranger.expect("已提交，编号")
    ticket = re.search(r"ZQ-\d{4}-\d{6}", done["text"]).group(0)
    assert "未核实" in done["text"] or "确认" in done["text"]

    stranger.send("/privacy")
    shown = await stranger.expect("相关记录")
    assert "待确认" in shown["text"]
    stranger.send("/my")
    listing = await stranger.expect(ticket)
    stranger.press("1.", listing)
    await stranger.expect(STRANGER_PHONE2)
    assert not leaked(stranger, MEMBER_CONTACT, MEMBER_PHONE), "the enterprise's contact reached the stranger"

    record = await enterprise_row(bot)
    assert (record.contact_name, record.phone, record.name) == (MEMBER_CONTACT, MEMBER_PHONE, "湖州某铝业有限公司")
    stranger_row = await user_row(bot, 72)
    assert stranger_row.enterprise_id is None and stranger_row.pending_enterprise_id == record.id
    [demand] = await filed(bot, 72)
    assert demand.unverified and demand.enterprise_id == record.id
    assert (demand.contact_name, demand.contact_phone) == (STRANGER_CONTACT, STRANGER_PHONE2)

    # staff see the flag on the notice, in /queue and in the demand they open
    await staff.expect("新需求 " + ticket)
    flagged = await staff.expect("未核实")
    assert ticket in flagged["text"] and MEMBER_PHONE not in flagged["text"]
    staff.send("/queue")
    item = await staff.expect(ticket)
    assert "未核实" in item["text"]
    staff.press("打开", flagged)
    view = await staff.expect(STRANGER_PHONE2)
    assert "未核实" in view["text"] and ticket in view["text"] and MEMBER_PHONE not in view["text"]
    assert {"✅ 确认关联", "❌ 拒绝关联"} <= {b["text"] for b in staff.buttons(view)}

    # the member confirms: the stranger is linked and his demand verified
    notice = await member.expect("申请")
    member.press("确认", notice)
    await member.expect("已确认")
    await bot.tick()
    await stranger.expect("已确认")
    stranger_row = await user_row(bot, 72)
    assert stranger_row.enterprise_id == record.id and stranger_row.pending_enterprise_id is None
    [demand] = await filed(bot, 72)
    assert not demand.unverified
    assert [e.actor_user_id for e in await audit(bot, "enterprise.link.request")] == [72]
    assert [e.actor_user_id for e in await audit(bot, "enterprise.link.confirm")] == [71]


async def test_a_copied_or_resigned_confirm_button_is_refused_and_audited(bot: BotHarness):
    member = await member_company(bot)
    stranger = await enterprise_user(bot, 72)
    third = await enterprise_user(bot, 73)
    await claim(stranger)
    notice = await member.expect("申请")
    [confirm] = [b["callback_data"] for b in member.buttons(notice) if "确认" in b["text"]]
    own_chat = {"message_id": 1, "date": 0, "chat": {"id": 73, "type": "private"}, "from": bot.api.bot_user}

    copied = await third.answer_to(third.press_data(confirm, own_chat))  # the member's button, pasted elsewhere
    assert "按钮已失效" in copied["text"]
    resigned = await third.answer_to(third.press_data(bot.signed(third, confirm), own_chat))  # past the signature
    assert resigned["show_alert"] and "不是发给您" in resigned["text"]
    await bot.wait_handled()
    assert (await user_row(bot, 72)).pending_enterprise_id is not None
    assert (await user_row(bot, 72)).enterprise_id is None and (await user_row(bot, 73)).enterprise_id is None
    refusals = [(e.action, e.actor_user_id, e.allowed) for e in await audit(bot, "enterprise.link.confirm")]
    assert refusals == [("enterprise.link.confirm", 73, False)]
    assert [e.actor_user_id for e in await audit(bot, "button.forged")] == [73]
    stranger_self = await stranger.answer_to(
        stranger.press_data(bot.signed(stranger, confirm), {**own_chat, "chat": {"id": 72, "type": "private"}})
    )
    assert "不是发给您" in stranger_self["text"], "he cannot confirm himself"

    member.press("拒绝", notice)  # the member refuses: he is told politely, nothing is linked
    await member.expect("已拒绝")
    await bot.tick()
    await stranger.expect("未能确认")
    assert (await user_row(bot, 72)).pending_enterprise_id is None and (await user_row(bot, 72)).enterprise_id is None
    assert [e.actor_user_id for e in await audit(bot, "enterprise.link.refuse") if e.allowed] == [71]


async def test_an_imported_enterprise_is_protected_the_same_way_and_staff_confirm(bot: BotHarness):
    staff = await staffer(bot)
    await imported_with_a_contact(bot)
    stranger = await enterprise_user(bot, 74)
    await claim(stranger, IMPORTED)
    card = await file_pending(stranger)
    assert "周经理" not in card["text"] and "05721234567" not in card["text"]
    stranger.press("📨 提交", card)
    done = await stranger.expect("已提交，编号")
    ticket = re.search(r"ZQ-\d{4}-\d{6}", done["text"]).group(0)
    stranger.send("/privacy")
    await stranger.expect("相关记录")
    assert not leaked(stranger, "周经理", "05721234567")
    [demand] = await filed(bot, 74)
    assert demand.unverified and demand.contact_phone == STRANGER_PHONE
    record = await enterprise_row(bot, IMPORTED)
    assert (record.contact_name, record.phone, record.owner_user_id) == ("周经理", "05721234567", None)

    flagged = await staff.expect("未核实")
    assert ticket in flagged["text"]
    staff.press("确认关联", flagged)
    await staff.expect("已确认")
    await bot.tick()
    await stranger.expect("已确认")
    assert (await user_row(bot, 74)).enterprise_id == record.id
    [demand] = await filed(bot, 74)
    assert not demand.unverified
    assert [e.actor_user_id for e in await audit(bot, "enterprise.link.confirm")] == [900]


async def test_an_enterprise_nobody_claimed_is_taken_by_its_first_user(bot: BotHarness):
    await bot.services.enterprises.upsert_by_credit_code([{"name": "湖州某机械有限公司", "credit_code": CODE}])
    await claim(await enterprise_user(bot, 75), CODE, "湖州某机械有限公司", "已为您关联")
    record = await enterprise_row(bot)
    assert (await user_row(bot, 75)).enterprise_id == record.id and record.owner_user_id == 75


async def test_open_in_the_staff_group_sends_the_detail_privately(db_url: str):
    async with BotHarness(db_url, staff_chat_id=GROUP) as bot:
        group = FakeGroup(bot.api, GROUP, "工会工作群")
        staff = await staffer(bot)
        company = await enterprise_user(bot, 76)
        await bot.services.enterprises.set_field(76, "name", "湖州某铝业有限公司")
        for field, value in (("region_code", "330502"), ("contact_name", MEMBER_CONTACT), ("phone", MEMBER_PHONE)):
            await bot.services.enterprises.set_field(76, field, value)
        company.send("/report")
        company.press("技术难题", await company.expect("请选择需求类型"))
        await company.expect("请描述")
        company.send("铝型材喷涂过程遇到氧化，皮膜厚度不均")
        await company.expect("可以继续补充")
        company.send_photo(caption="皮膜照片")
        company.press("完成", await company.expect("附件 1 个"))
        company.press("✅确认", await company.expect("识别为："))
        company.press("一般", await company.expect("请选择紧急程度"))
        company.press("现场指导", await company.expect("请选择希望的服务方式"))
        company.press("📨 提交", await company.expect("请核对需求信息"))
        done = await company.expect("已提交，编号")
        ticket = re.search(r"ZQ-\d{4}-\d{6}", done["text"]).group(0)

        notice = await group.expect("新需求 " + ticket)
        answer = await staff.answer_to(staff.press("打开", notice))
        assert "私信" in (answer["text"] or ""), answer
        detail = await staff.expect(ticket)
        assert MEMBER_PHONE in detail["text"]
        await staff.expect("皮膜照片")  # the attachment, privately
        await bot.wait_handled()
        assert not leaked(group, MEMBER_PHONE, MEMBER_CONTACT, "皮膜照片")
        assert not any(e["message"].get("photo") for e in group.events()), "no attachment in the group"

        # a staffer the bot cannot write to privately is told to start a chat with it first; the group gets nothing
        bot.api.inject("sendMessage", 403, "Forbidden: bot can't initiate conversation with a user", chat_id=staff.id)
        answer = await staff.answer_to(staff.press("打开", notice))
        assert answer["show_alert"] and "私聊" in (answer["text"] or ""), answer
        await bot.wait_handled()
        assert not leaked(group, MEMBER_PHONE, MEMBER_CONTACT)
        assert (await user_row(bot, staff.id)).blocked_at is None


async def test_a_requester_who_erases_himself_leaves_no_name_in_the_members_ask(bot: BotHarness):
    """The member's 确认 / 拒绝 notice names the requester; /delete_me scrubs it by its key, even for a two-character
    name too short to be searched for safely in other people's notices."""
    member = await member_company(bot)
    await bot.services.users.register(76, "赵六")
    await bot.services.users.set_role(76, Role.ENTERPRISE)
    await bot.services.users.set_region(76, "330502")
    await claim(bot.user(76, "赵六"))
    assert "赵六" in (await member.expect("申请以贵企业的名义"))["text"]
    await bot.services.privacy.erase(76)
    async with bot.services.db.session() as session:
        payloads = (await session.scalars(select(Notification.payload).where(Notification.chat_id == member.id))).all()
    assert [p for p in payloads if "赵六" in json.dumps(p, ensure_ascii=False)] == []
