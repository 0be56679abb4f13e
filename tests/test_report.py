"""/report end to end through the real Application on the fake Bot API: intake, edits, restarts, /my."""

from __future__ import annotations

from sqlalchemy import select

from db.models import AuditEntry, Demand, DemandAttachment, DemandStatus, DemandStatusHistory, Enterprise, Lang, Role
from fakebotapi import FakeUser
from tests.harness import BotHarness

STAFF = 900


async def enterprise_user(
    harness: BotHarness,
    user_id: int,
    lang: Lang = Lang.SIMPLIFIED,
    language_code: str = "zh-hans",
    region: str | None = "330502",
) -> FakeUser:
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


async def answer_contact(user: FakeUser, name: str, phone: str) -> None:
    await user.expect("联系人")
    user.send(name)
    await user.expect("联系电话")
    user.send(phone)


async def fill_profile(
    user: FakeUser,
    *,
    simplified: bool = True,
    other: tuple[str, str, str, str] | None = None,
) -> None:
    """Answer the enterprise-profile questions (first /report only); ``other``: another enterprise's (name, credit
    code, contact, 11-digit mobile) in simplified Chinese."""
    name = other[0] if other else "湖州某铝业有限公司" if simplified else "湖州某鋁業有限公司"
    code, contact, mobile = other[1:] if other else ("91330100799655058B", "李工", "13800138000")
    await user.expect("企业名称" if simplified else "企業名稱")
    user.send(name)
    await user.expect("统一社会信用代码" if simplified else "統一社會信用代碼")
    user.send(code)
    shown = await user.expect("请选择企业类型" if simplified else "請選擇企業類型")
    user.press("专精特新" if simplified else "專精特新", shown)
    await user.expect("联系人" if simplified else "聯繫人")
    user.send(contact)
    await user.expect("联系电话" if simplified else "聯繫電話")
    user.send_contact(f"+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}")
    await user.expect(mobile)


async def report_up_to_code(user: FakeUser, name: str, code: str, answer: str) -> dict:
    """/report a technical problem up to the credit code: the enterprise's name, the code; the bot's answer."""
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    user.send(name)
    await user.expect("统一社会信用代码")
    user.send(code)
    return await user.expect(answer)


async def describe_to_summary(user: FakeUser, contact: str, phone: str, text: str) -> dict:
    """From the contact question on: contact, phone, the description, the industry, urgency and mode; the summary
    card."""
    await user.expect("联系人")
    user.send(contact)
    await user.expect("联系电话")
    user.send(phone)
    return await describe_and_settle(user, text)


async def describe_and_settle(user: FakeUser, text: str) -> dict:
    """From the description question on: the description, the industry, urgency and mode; the summary card."""
    await user.expect("请描述")
    user.send(text)
    user.press("完成", await user.expect("可以继续补充"))
    user.press("✅确认", await user.expect("识别为："))
    user.press("一般", await user.expect("请选择紧急程度"))
    user.press("现场指导", await user.expect("请选择希望的服务方式"))
    return await user.expect("请核对需求信息")


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
    assert "行业：C32 有色金属冶炼和压延加工业" in notice["text"]  # the division's name, not a bare "32"
    staff.press("打开", notice)
    detail = await staff.expect(demand.ticket)
    assert "13800138000" in detail["text"]
    again = user.press("📨 提交", card)  # double press on the old card
    assert (await user.answer_to(again))["show_alert"]
    assert len(await demands(bot)) == 1


async def test_traditional_report_answers_in_traditional(bot: BotHarness):
    user = await enterprise_user(bot, 32, Lang.TRADITIONAL, "zh-hant")
    user.send("/report")
    shown = await user.expect("請選擇需求類型")
    user.press("技術難題", shown)
    await fill_profile(user, simplified=False)
    await user.expect("請描述")
    user.send("LF精煉爐水冷電纜扭曲，經常漏水停爐")
    await user.expect("可以繼續補充")
    user.send_photo(caption="電纜照片")
    await user.expect("附件 1 個")
    user.send_document(b"%PDF-1.4 report", "检测报告.pdf", "application/pdf", caption="檢測報告")
    noted = await user.expect("附件 2 個")
    user.press("完成", noted)
    shown = await user.expect("識別爲：C31")
    user.press("✅確認", shown)
    user.press("緊急", await user.expect("請選擇緊急程度"))
    user.press("遠程指導", await user.expect("請選擇希望的服務方式"))
    card = await user.expect("需求信息（點")
    assert "湖州某鋁業有限公司" in card["text"]
    user.press("✏️ 聯繫人", card)
    await user.expect("聯繫人姓名")
    user.send("陳工")
    card = await user.expect("需求信息（點")
    assert "陳工" in card["text"]
    user.press("📨 提交", card)
    await user.expect("已提交，編號")
    [demand] = await demands(bot)
    assert demand.text == "LF精煉爐水冷電纜扭曲，經常漏水停爐"  # stored as the user wrote it
    assert demand.industry == "31" and demand.service_mode == "remote" and demand.contact_name == "陳工"


async def test_wrong_credit_code_is_explained_and_nothing_accepted(bot: BotHarness):
    user = await enterprise_user(bot, 33)
    user.send("/report")
    user.press("培训需求", await user.expect("请选择需求类型"))
    await user.expect("培训主题")
    user.send("数控车床编程")
    await user.expect("多少名职工")
    user.send("三十万")  # everyday Chinese is read ("三十" is 30), but not past the limit
    await user.expect("请发送 1 到")
    user.send("30")
    await user.expect("什么时间培训")
    user.send("12月上旬周末")
    await user.expect("企业名称")
    user.send("湖州某机械有限公司")
    await user.expect("统一社会信用代码")
    user.send("91330100799655058C")
    wrong = await user.expect("校验位不对")
    assert "应为 B" in wrong["text"]
    user.send("9133010079965505")
    await user.expect("应为 18 位，您输入的是 16 位")
    user.send("I1330100799655058B")
    await user.expect("这些字符不对：I")
    async with bot.services.db.session() as session:
        [enterprise] = (await session.scalars(select(Enterprise))).all()
    assert enterprise.credit_code is None
    user.send("91330100799655058B")
    await user.expect("请选择企业类型")
    enterprise = await bot.services.enterprises.of_user(33)
    assert enterprise.credit_code == "91330100799655058B"


async def test_problem_typed_cold_starts_report_prefilled(bot: BotHarness):
    user = await enterprise_user(bot, 34)
    user.send("我们厂的配电线路频繁跳闸，变压器温度偏高，请问怎么处理？")
    await user.expect("这听起来是一个技术难题")
    await user.expect("企业名称")  # the kind is known already: straight to the profile
    [draft] = await demands(bot)
    assert draft.status is DemandStatus.DRAFT and "配电线路频繁跳闸" in draft.text and draft.kind.value == "problem"
    user.send("湖州某纺织有限公司")
    user.press("跳过", await user.expect("统一社会信用代码"))
    user.press("中小微", await user.expect("请选择企业类型"))
    await answer_contact(user, "赵工", "0572-2345678")
    await user.expect("0572-2345678")
    prompt = await user.expect("请描述")
    assert user.buttons(prompt)  # the text is there: 完成 at once
    user.press("完成", prompt)
    await user.expect("识别为：D44")


async def test_restart_mid_flow_loses_nothing(bot: BotHarness):
    user = await enterprise_user(bot, 35)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    user.send("湖州某铝业有限公司")
    await user.expect("统一社会信用代码")
    await bot.restart()
    user.send("91330100799655058B")  # the step after the restart is the one before it
    user.press("其他", await user.expect("请选择企业类型"))
    await answer_contact(user, "李工", "13800138000")
    await user.expect("请描述")
    user.send("铝型材喷涂过程遇到氧化，皮膜厚度不均")
    await user.expect("可以继续补充")
    await bot.restart()
    user.send_photo(caption="皮膜照片")
    noted = await user.expect("附件 1 个")
    user.press("完成", noted)
    await user.expect("识别为：C32")
    [draft] = await demands(bot)
    assert draft.status is DemandStatus.DRAFT and "皮膜厚度不均" in draft.text


async def test_cancel_asks_and_report_offers_to_continue(bot: BotHarness):
    user = await enterprise_user(bot, 36)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    user.send("湖州某铝业有限公司")
    user.press("跳过", await user.expect("统一社会信用代码"))
    user.press("其他", await user.expect("请选择企业类型"))
    user.send("李工")
    await user.expect("联系电话")
    user.send("13800138000")
    await user.expect("请描述")
    user.send("铝型材喷涂过程遇到氧化，皮膜厚度不均")
    await user.expect("可以继续补充")
    user.send("/cancel")
    user.press("保留草稿", await user.expect("要丢弃这份尚未提交的需求草稿吗"))
    await user.expect("草稿已保留")
    user.send("/report")
    resume = await user.expect("您有一份尚未提交的需求")
    assert "铝型材喷涂" in resume["text"]
    user.press("继续填写", resume)
    prompt = await user.expect("请描述")  # the profile is not asked again
    user.press("完成", prompt)
    await user.expect("识别为：C32")
    user.send("/cancel")
    user.press("丢弃", await user.expect("要丢弃"))
    await user.expect("草稿已丢弃")
    assert await demands(bot) == []


async def test_my_lists_details_and_withdraws(bot: BotHarness):
    services = bot.services
    user = await enterprise_user(bot, 37)
    await services.enterprises.set_field(37, "name", "湖州某铝业有限公司")
    tickets = []
    for n in range(7):
        draft = await services.demands.start_draft(37, text=f"第{n}个问题：铝型材喷涂皮膜厚度不均")
        await services.demands.update(
            draft.id, 37, urgency="normal", service_mode="onsite", contact_name="李工", contact_phone="13800138000"
        )
        proposal = await services.industry.propose(37, services.analyzer.analyse(draft.text), "demand")
        settled = await services.industry.choose(proposal.id, 37, "32", "confirm", "demand")
        await services.demands.set_industry(draft.id, 37, settled)
        tickets.append((await services.demands.submit(draft.id, 37)).ticket)
    user.send("/my")
    page1 = await user.expect("我的需求")
    assert tickets[-1] in page1["text"] and tickets[0] not in page1["text"]  # newest first, five a page
    user.press("下一页", page1)
    page2 = await user.expect("第 2/2 页")
    assert tickets[0] in page2["text"]
    user.press(tickets[0], page2)
    detail = await user.expect("等待工会工作人员匹配")
    user.press("撤回", detail)
    user.press("问题已自行解决", await user.expect("为什么要撤回"))
    await user.expect(f"已撤回 {tickets[0]}")
    info = await services.demands.get(int(tickets[0][-6:]))
    assert info.status is DemandStatus.WITHDRAWN and info.history[-1][2] == "问题已自行解决"
    intruder = await enterprise_user(bot, 38)
    forged = intruder.press_data(bot.signed(intruder, f"my:r:{int(tickets[1][-6:])}:solved", detail), detail)
    assert "不是您的需求" in (await intruder.answer_to(forged))["text"]
    forged = intruder.press_data(bot.signed(intruder, f"dm:view:{int(tickets[1][-6:])}", detail), detail)
    assert "只有工会工作人员" in (await intruder.answer_to(forged))["text"]
    async with services.db.session() as session:
        refused = (await session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False)))).all()
    assert [r.action for r in refused] == ["demand.view", "demand.view"] and {r.actor_user_id for r in refused} == {38}


async def test_drafts_are_reminded_on_day_six_once_and_expire_on_day_seven(bot: BotHarness):
    services, clock = bot.services, bot.clock
    await enterprise_user(bot, 39)
    draft = await services.demands.start_draft(39, text="铝型材喷涂过程遇到氧化")
    clock.advance(days=5, hours=23)
    assert await services.demands.remind_drafts() == 0
    clock.advance(hours=2)
    assert await services.demands.remind_drafts() == 1
    assert await services.demands.remind_drafts() == 0  # never twice
    [row] = await services.outbox.sent_to(39)
    assert row.payload["key"] == "report.draft_reminder"
    assert await services.demands.expire_drafts() == 0
    clock.advance(days=1)
    assert await services.demands.expire_drafts() == 1
    assert await services.demands.get(draft.id) is None


async def test_outbox_survives_telegram_errors(bot: BotHarness):
    """A 429 is retried after retry_after (the limiter pauses the chat) without counting as a try; a server error
    leaves the notice owed, retried after a backoff; a 403 marks the staffer blocked; writing the same notice
    twice is a no-op."""
    from db.models import OutboxStatus
    from services.outbox import Notice

    outbox, sender = bot.services.outbox, bot.application.sender
    staff = await staffer(bot)
    gone = await staffer(bot, 901)
    bot.api.inject("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await outbox.put([staff.id], "notice", "test:429", Notice("report.kept"))
    assert await sender.flush() == 1
    await staff.expect("草稿已保留")
    [row] = await outbox.sent_to(staff.id)
    assert row.status is OutboxStatus.SENT and row.attempts == 1 and "429" in row.last_error
    bot.api.inject("sendMessage", 500)
    await outbox.put([staff.id], "notice", "test:500", Notice("report.discarded"))
    assert await sender.flush() == 0
    row = (await outbox.sent_to(staff.id))[-1]
    assert row.status is OutboxStatus.PENDING and row.attempts == 1 and row.last_error
    assert await sender.flush() == 0  # backing off
    bot.clock.advance(seconds=2)
    assert await sender.flush() == 1
    await staff.expect("草稿已丢弃")
    bot.api.block(gone.id)
    await outbox.put([gone.id], "notice", "test:403", Notice("report.kept"))
    await sender.flush()
    [row] = await outbox.sent_to(gone.id)
    assert row.status is OutboxStatus.BLOCKED and (await bot.services.users.get(gone.id)).blocked
    await outbox.put([staff.id], "notice", "test:429", Notice("report.kept"))  # the same notice again: a no-op
    assert len(await outbox.sent_to(staff.id)) == 2


async def test_wrong_input_types_long_text_and_forged_buttons_in_report_and_join(bot: BotHarness):
    user = await enterprise_user(bot, 50)
    user.send("/report")
    kind = await user.expect("请选择需求类型")
    user.send_sticker()
    await user.expect("请点击上方消息中的按钮")
    forged = user.press_data(bot.signed(user, "rp:kind:bogus"), kind)
    assert "按钮已失效" in (await user.answer_to(forged))["text"]
    user.press("技术难题", kind)
    await user.expect("企业名称")
    user.send_photo()
    await user.expect("这一步需要文字回复")
    user.send("厂" * 129)
    await user.expect("最多 128 个字，您发送了 129 个字")
    user.send("湖州某铝业有限公司 <b>&")
    await user.expect("统一社会信用代码")
    assert (await bot.services.enterprises.of_user(50)).name == "湖州某铝业有限公司 <b>&"
    user.press("跳过", user.keyboard_message())
    user.press("其他", await user.expect("请选择企业类型"))
    await answer_contact(user, "李工", "12345")
    await user.expect("这个号码看起来不对")
    user.send("13800138000")
    await user.expect("请描述")
    user.send("长" * 2001)
    await user.expect("最多 2000 个字，您发送了 2001 个字")
    user.send_sticker()
    await user.expect("可以发送文字、照片或文件")  # the description step takes photos
    [draft] = await demands(bot)
    assert draft.text == ""  # neither the over-long text nor the sticker was taken
    user.send("/cancel")  # nothing typed into the draft yet: no question, and the profile answers stay
    await user.expect("已退出当前操作")
    assert await demands(bot) == [] and (await bot.services.enterprises.of_user(50)).phone == "13800138000"

    bot.clock.advance(seconds=11)  # a person's pace: past the flood guard's window
    user.send("/join")
    await user.expect("请输入您的姓名")
    user.send_sticker()
    await user.expect("这一步需要文字回复")
    user.send("师" * 65)
    await user.expect("最多 64 个字，您发送了 65 个字")
    user.send("陆师傅")
    honours = await user.expect("荣誉")
    forged = user.press_data(bot.signed(user, "jn:h:nobel"), honours)
    assert "按钮已失效" in (await user.answer_to(forged))["text"]
    user.send("全国劳模")
    await user.expect("请点击上方消息中的按钮")
    user.press("全国劳模", honours)
    await user.expect("荣誉")
    await bot.restart()  # mid-/join: the answers so far survive
    user.press("下一步", user.keyboard_message())
    await user.expect("工作单位")
    user.send("苏州某精密机械公司")
    await user.expect("技术处方")
