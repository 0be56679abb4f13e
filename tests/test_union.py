"""Union services (issue 19, part 1): a member's own question gets its answer with the official source and the
ask-staff button; the button files one consultation that only staff see in /queue and answer; the member gets the
answer. Through the fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import AuditEntry, Consultation, ConsultationStatus, Demand, Lang
from services.results import Done
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_security import in_own_chat, refused
from tests.test_service_flow import craftsman

ASK = "向工会工作人员咨询"
QUESTIONS = {  # one everyday phrasing per intent, none of them in the router's training file
    "membership": ("我在快递公司上班，想加入工会，会费怎么交", "工会法》第三条"),
    "welfare": ("住院了工会有慰问金吗要什么材料", "基层工会经费收支管理办法"),
    "hardship": ("家里困难孩子考上大学，金秋助学怎么申请", "12351"),
    "certification": ("想考电工技师，职业技能等级认定有什么要求", "zscx.osta.org.cn"),
    "subsidy": ("拿到焊工四级证书能申请技能提升补贴吗", "人社厅发〔2018〕36号"),
    "contract": ("合同到期不续签有没有补偿", "劳动合同法》第十九条、第四十六条、第四十七条"),
    "wages": ("老板拖欠三个月工资怎么办", "保障农民工工资支付条例》第三条、第三十条"),
    "injury": ("在车间搬货砸伤了脚，工伤怎么申请", "工伤保险条例》第十四条、第十七条"),
    "culture": ("单位能不能组织职工瑜伽课", "基层工会经费收支管理办法"),
    "labour_rights": ("公司不给交社保，我能去仲裁吗", "劳动争议调解仲裁法》第二十七条"),
}


async def demands(bot: BotHarness) -> int:
    async with bot.services.db.session() as session:
        return await session.scalar(select(func.count()).select_from(Demand))


async def consultations(bot: BotHarness) -> list[Consultation]:
    async with bot.services.db.session() as session:
        return list((await session.scalars(select(Consultation).order_by(Consultation.id))).all())


async def staff_answers(bot: BotHarness, item: dict, staff, consultation_id: int, answer: str, member) -> dict:
    """Staff press 回复 on a /queue item and type ``answer``; returns what the member is told."""
    staff.press("回复", item)
    await staff.expect("请输入给这位职工的回复")
    staff.send(answer)
    await staff.expect(f"已回复咨询 #{consultation_id}")
    await bot.tick()
    return await member.expect("工会工作人员回复了您的咨询")


async def test_each_union_intent_is_answered_with_its_source_and_the_ask_staff_button(bot: BotHarness):
    member = await worker(bot, 501, "330502", "李红")
    for intent, (question, source) in QUESTIONS.items():
        member.send(question)
        reply = await member.expect("来源：")
        assert source in reply["text"], (intent, reply["text"])
        assert [b["text"] for b in member.buttons(reply)] == [ASK], intent
    await bot.wait_handled()
    assert await demands(bot) == 0, "a union matter never opens a demand"


async def test_a_wage_question_with_numbers_gets_12351_and_no_draft(bot: BotHarness):
    from tests.test_industry_step import registered

    company = await registered(bot, 502)  # an enterprise user: a technical problem would open a draft
    for question in ("老板拖欠三个月工资怎么办", "工地干了3个月包工头不给钱"):
        company.send(question)
        reply = await company.expect("12351")
        assert "保障农民工工资支付条例" in reply["text"]
    await bot.wait_handled()
    assert await demands(bot) == 0
    assert not any("技术难题" in text for text in company.texts())


async def test_the_ask_staff_button_files_one_consultation_that_staff_answer(bot: BotHarness):
    member = await worker(bot, 503, "330502", "李红")
    member.send("住院了工会有慰问金吗要什么材料")
    answer = await member.expect("来源：")
    member.press(ASK, answer)
    filed = await member.expect("已把您的问题转给工会工作人员")
    assert "慰问与福利" in filed["text"]
    again = member.press(ASK, answer)  # pressed twice: filed once
    assert "已经转给" in (await member.answer_to(again))["text"]
    await bot.wait_handled()
    [row] = await consultations(bot)
    assert (row.user_id, row.topic, row.question, row.region_code, row.status) == (
        503,
        "welfare",
        "住院了工会有慰问金吗要什么材料",
        "330502",
        ConsultationStatus.OPEN,
    )

    master = await craftsman(bot, 504, "周师傅", "330502", ["注塑"], ["29"])
    master.send("/queue")
    await master.expect("只有工会工作人员")
    await bot.wait_handled()
    assert not any("慰问金" in text for text in master.texts()), "a craftsman never sees a member's question"

    staff = await staffer(bot, 505)
    staff.send("/queue")
    await staff.expect("职工咨询：1 件待回复")
    item = await staff.expect(f"咨询 #{row.id}")
    assert "住院了工会有慰问金吗要什么材料" in item["text"] and "李红" in item["text"] and "吴兴区" in item["text"]
    told = await staff_answers(bot, item, staff, row.id, "请把出院小结交给车间工会小组长，标准是500元。", member)
    assert "请把出院小结交给车间工会小组长，标准是500元。" in told["text"] and "住院了工会有慰问金吗" in told["text"]
    [row] = await consultations(bot)
    assert (row.status, row.answered_by) == (ConsultationStatus.ANSWERED, 505)
    staff.send("/queue")  # answered: it waits for the member, not for staff
    await staff.expect("需求队列为空")
    staff.press("结束咨询", item)  # a thread now (tests/test_union_thread.py): ending it after a reply is allowed
    await staff.expect(f"已结束咨询 #{row.id}")
    assert (await consultations(bot))[0].status is ConsultationStatus.CLOSED
    async with bot.services.db.session() as session:
        assert (
            await session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(AuditEntry.action == "consultation.answer", AuditEntry.allowed.is_(True))
            )
            == 1
        )


async def test_the_member_is_answered_in_their_language(bot: BotHarness):
    member = await worker(bot, 506, "330502", "Ann")
    member.send("合同到期不续签有没有补偿")
    member.press(ASK, await member.expect("劳动合同法》第十九条"))
    await member.expect("已把您的问题转给工会工作人员")
    await bot.services.users.set_lang(506, Lang.ENGLISH)  # as /settings would: the answer comes in English
    [row] = await consultations(bot)
    await staffer(bot, 507)
    assert isinstance(
        await bot.services.consultations.answer(
            507, (await bot.services.users.get(507)).role, row.id, "可以，按年限算。"
        ),
        Done,
    )
    await bot.tick()
    told = await member.expect("Union staff answered your question (Labour contract)")
    assert "“可以，按年限算。”" in told["text"] and "合同到期不续签有没有补偿" in told["text"]


async def test_a_foreign_or_forged_press_is_refused_and_audited(bot: BotHarness):
    member = await worker(bot, 511, "330502", "李红")
    other = await worker(bot, 512, "330502", "张三")
    member.send("工会会费每个月交多少")
    answer = await member.expect("来源：")
    [data] = [b["callback_data"] for b in member.buttons(answer)]
    press = other.press_data(bot.signed(other, data), in_own_chat(bot, other.id))  # someone else's question
    assert "已失效" in (await other.answer_to(press))["text"]
    await bot.wait_handled()
    assert await consultations(bot) == [] and await refused(bot, 512) == ["consultation.ask"]

    member.press(ASK, answer)
    await member.expect("已把您的问题转给工会工作人员")
    [row] = await consultations(bot)
    for data in (f"un:r:{row.id}", f"un:x:{row.id}"):  # staff buttons, validly signed for a member's chat
        press = member.press_data(bot.signed(member, data), in_own_chat(bot, member.id))
        assert "只有" in (await member.answer_to(press))["text"]
    await bot.wait_handled()
    assert await refused(bot, 511) == ["consultation.answer", "consultation.close"]
    assert (await consultations(bot))[0].status is ConsultationStatus.OPEN


async def test_before_consent_the_answer_shows_and_the_button_asks_for_start(bot: BotHarness):
    stranger = bot.user(521)
    stranger.send("工地干了3个月包工头不给钱")
    answer = await stranger.expect("12351")
    press = stranger.press(ASK, answer)
    assert "/start" in (await stranger.answer_to(press))["text"]
    await bot.wait_handled()
    assert await consultations(bot) == [] and await bot.services.users.get(521) is None


async def test_erasure_removes_the_members_questions(bot: BotHarness):
    member = await worker(bot, 531, "330502", "李红")
    member.send("困难职工认定标准是什么，我家收入很低")
    member.press(ASK, await member.expect("来源："))
    await member.expect("已把您的问题转给工会工作人员")
    await bot.services.privacy.erase(531)
    [row] = await consultations(bot)
    assert (row.user_id, row.region_code, row.status, row.topic) == (None, None, ConsultationStatus.CLOSED, "hardship")
    assert "收入很低" not in row.question


LONG_QUESTION = ("老板拖欠三个月工资怎么办，" * 200)[:2000]


async def test_a_long_answer_to_a_long_question_reaches_the_member(bot: BotHarness):
    """Question (≤ 2,000) + answer (≤ 2,000) + the English template were over Telegram's 4,096: the notice was refused
    by Telegram and the member never got the answer staff were told was sent. The notice quotes the question's start;
    an answer past MAX_ANSWER is refused politely before anything is stored or said to be sent."""
    from services.consultations import MAX_ANSWER

    member = await worker(bot, 911, "330502", "Ann")
    await bot.services.users.set_lang(911, Lang.ENGLISH, chosen=True)
    member.send(LONG_QUESTION)
    answer = await member.expect(("12351",))
    member.press(("Ask union staff"), answer)
    await member.expect("union staff")
    [row] = await consultations(bot)
    assert len(row.question) == 2000
    staff = await staffer(bot, 912)
    staff.send("/queue")
    item = await staff.expect(f"咨询 #{row.id}")
    staff.press("回复", item)
    await staff.expect("请输入给这位职工的回复")
    staff.send("答" * (MAX_ANSWER + 1))
    refusal = await staff.expect(("太长", "字"))
    assert f"已回复咨询 #{row.id}" not in refusal["text"]
    assert (await consultations(bot))[0].status is ConsultationStatus.OPEN
    staff.send("答" * MAX_ANSWER)  # still answering: the same consultation takes the shorter answer
    await staff.expect(f"已回复咨询 #{row.id}")
    await bot.tick()
    told = await member.expect("Union staff answered your question")
    assert LONG_QUESTION[:200] in told["text"] and LONG_QUESTION[:201] not in told["text"] and "…" in told["text"]
    assert "答" * MAX_ANSWER in told["text"]


def test_the_answer_notice_fits_telegram_in_every_language():
    """The worst case: the longest question and answer, all in astral characters (two UTF-16 units each), every topic
    in every language."""
    from i18n import LANGS, fill
    from services.consultations import MAX_ANSWER, MAX_QUESTION, quoted

    for lang in LANGS:
        for topic in QUESTIONS:
            text = fill(
                "union.staff_answer",
                lang,
                values={"question": quoted("😀" * MAX_QUESTION), "answer": "😀" * MAX_ANSWER},
                keys={"topic": f"union.topic.{topic}"},
            )
            assert len(text.encode("utf-16-le")) // 2 <= 4096, (lang, topic, len(text))


async def test_the_ask_button_after_staff_answered_does_not_say_wait(bot: BotHarness):
    """After the consultation was answered (or closed), pressing the old button again said "请耐心等待回复"."""
    member = await worker(bot, 916, "330502", "李红")
    member.send("住院了工会有慰问金吗要什么材料")
    answer = await member.expect("来源：")
    member.press(ASK, answer)
    await member.expect("已把您的问题转给工会工作人员")
    [row] = await consultations(bot)
    again = member.press(ASK, answer)
    assert "耐心等待" in (await member.answer_to(again))["text"]  # still open: wait
    await staffer(bot, 917)
    assert isinstance(
        await bot.services.consultations.close(917, (await bot.services.users.get(917)).role, row.id), Done
    )
    again = member.press(ASK, answer)
    text = (await member.answer_to(again))["text"]
    assert "耐心等待" not in text and "关闭" in text and "重新发消息" in text, text

    member.send("工会会费每个月交多少")
    second = await member.expect("来源：")
    member.press(ASK, second)
    await member.expect("已把您的问题转给工会工作人员")
    row = (await consultations(bot))[-1]
    assert isinstance(
        await bot.services.consultations.answer(
            917, (await bot.services.users.get(917)).role, row.id, "每月工资的0.5%"
        ),
        Done,
    )
    again = member.press(ASK, second)
    text = (await member.answer_to(again))["text"]
    assert "耐心等待" not in text and "回复" in text and "重新发消息" in text, text


async def test_a_union_question_with_a_nul_is_filed(bot: BotHarness):
    """A NUL crashed PostgreSQL (asyncpg CharacterNotInRepertoireError) when the button filed the question; typed
    text is stored without NUL and other invisible controls, line breaks kept."""
    member = await worker(bot, 922, "330502", "李红")
    member.send("工会会费每个月交多少\x00\u202e\n怎么交\x07")
    member.press(ASK, await member.expect("来源："))
    reply = await member.expect(("已把您的问题转给工会工作人员", "抱歉"))
    assert "抱歉" not in reply["text"], reply["text"]
    [row] = await consultations(bot)
    assert row.question == "工会会费每个月交多少\n怎么交", repr(row.question)


async def test_staffs_answer_step_survives_a_restart_and_a_sticker(db_url: str):
    """Staff pressed 回复, the bot restarted, a sticker came first: the step still waits for the typed answer."""
    async with BotHarness(db_url) as harness:
        member = await worker(harness, 531, "330502", "陈芳")
        member.send("我想入会，会费怎么交")
        member.press(ASK, await member.expect("来源："))
        await member.expect("已把您的问题转给工会工作人员")
        await harness.wait_handled()
        [row] = await consultations(harness)
        staff = await staffer(harness, 532)
        staff.send("/queue")
        item = await staff.expect(f"咨询 #{row.id}")
        staff.press("回复", item)
        await staff.expect("请输入给这位职工的回复")
        await harness.restart()
        staff.send_sticker()
        await staff.expect("这一步需要文字回复")
        staff.send("会费按工资的0.5%按月交，由车间工会小组收。")
        await staff.expect(f"已回复咨询 #{row.id}")
        await harness.tick()
        told = await member.expect("工会工作人员回复了您的咨询")
        assert "会费按工资的0.5%按月交" in told["text"]
        assert (await consultations(harness))[0].status is ConsultationStatus.ANSWERED


async def test_stats_count_members_questions_by_topic(bot: BotHarness):
    """What members ask the union is part of what the union reports: /stats counts the consultations filed in the
    period and region, by topic, and how many were answered."""
    member = await worker(bot, 531, "330502", "王芳")
    for text in ("住院了工会有慰问金吗要什么材料", "老板拖欠三个月工资怎么办", "工地上欠了我两个月工钱找谁"):
        member.send(text)
        answer = await member.expect("来源：")
        member.press(ASK, answer)
        await member.expect("已把您的问题转给工会工作人员")
    await bot.wait_handled()
    staff = await staffer(bot, 532)
    staff.send("/queue")
    item = await staff.expect("慰问与福利")
    await staff_answers(bot, item, staff, (await consultations(bot))[0].id, "请找车间工会小组长。", member)
    staff.send("/stats")
    figures = await staff.expect("职工咨询")
    assert "职工咨询：3 件，已回复 1 件" in figures["text"]
    assert "工资 2" in figures["text"] and "慰问与福利 1" in figures["text"]


async def test_staff_are_told_of_a_new_members_question(bot: BotHarness):
    """A new demand was pushed to staff, a member's question only waited in /queue."""
    staff = await staffer(bot, 521)
    member = await worker(bot, 522, "330502", "李红")
    member.send("住院了工会有慰问金吗要什么材料")
    member.press(ASK, await member.expect("来源："))
    await member.expect("已把您的问题转给工会工作人员")
    await bot.tick()
    notice = await staff.expect("新的职工咨询")
    assert "慰问与福利" in notice["text"] and "住院了工会有慰问金吗" in notice["text"] and "/queue" in notice["text"]
    assert "李红" not in notice["text"]  # who asked is seen in /queue, by staff who open it


async def test_a_members_question_is_answered_while_a_menu_waits_for_a_button(bot: BotHarness):
    """With /settings open, or at /start's consent, a union question got only "请点击上方消息中的按钮"; then (a hostile
    tester's 会费怎么交？) its answer followed by that line, which pointed at the answer's own button: the answer only,
    the menu still waiting for its button."""
    member = await worker(bot, 541, "330502", "李红")
    member.send("/settings")
    member.press("文字", await member.expect("当前设置"))  # the card itself is no question: its language step is
    menu = await member.expect("请选择界面文字")
    for question, answer in (("公司不给我签劳动合同，怎么办？", "劳动合同法"), ("会费怎么交？", "来源：")):
        member.send(question)
        await member.expect(answer)
        await bot.wait_handled()
        assert not any("请点击上方消息中的按钮" in text for text in member.texts()), question
    member.send("你好")  # not a union question: the menu's buttons are pointed to
    await member.expect("请点击上方消息中的按钮")
    member.press("简体", menu)  # the menu still takes its buttons
    await member.expect("当前设置")
    newcomer = bot.user(542)
    newcomer.send("/start")
    await newcomer.expect("同意")
    newcomer.send("困难职工帮扶怎么申请？")
    await newcomer.expect("来源：")
    await bot.wait_handled()
    assert not any("请点击上方消息中的按钮" in text for text in newcomer.texts())


async def test_a_dues_question_with_a_wage_gets_the_monthly_figure(bot: BotHarness):
    member = await worker(bot, 551, "330502", "李红")
    member.send("我月薪5000，会费一个月交多少钱？")
    answer = await member.expect("来源：")
    assert "每月会费约 25 元" in answer["text"] and [b["text"] for b in member.buttons(answer)] == [ASK]


OFFICIAL_HOSTS = (
    "acftu.org",
    "gov.cn",
    "osta.org.cn",
)  # the union federation, government, the national certificate register


def test_every_link_in_a_union_answer_is_an_official_page():
    """A stranger found the 12351 hotline cited from a health portal's news page and the job-retention refund from a
    newspaper's language-learning page: the links a member is given are the federation's, a government's or the
    national certificate register's, in every language."""
    import re
    from urllib.parse import urlparse

    from i18n import LANGS, fill

    for lang in LANGS:
        for topic in QUESTIONS:
            text = fill(f"union.{topic}.answer", lang)
            for url in re.findall(r"https?://[^\s）)，,；;]+", text):
                host = urlparse(url.rstrip(".")).hostname or ""
                assert any(host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS), (lang, topic, url)


async def test_a_sick_pay_question_gets_the_welfare_answer_not_a_demand_form(bot: BotHarness):
    """The fourth hostile tester: "生病住院工会有补助吗" opened /report ("这听起来是一个技术难题"), because 病 is a
    problem cue and no welfare cue named a hospital stay."""
    member = await worker(bot, 507, "330502", "孙晓梅")
    for question in ("生病住院工会有补助吗", "工会会员生病住院有补助吗", "会员住院补助怎么申请"):
        member.send(question)
        reply = await member.expect("来源：")
        assert reply["text"].startswith("关于慰问和福利"), (question, reply["text"])
    await bot.wait_handled()
    assert await demands(bot) == 0
    assert not any("技术难题" in text or "企业名称" in text for text in member.texts())
