"""The industry step end to end: /classify and free text through the real Application on the fake Bot API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import AuditEntry, IndustryChoice, Lang, Role
from tests.harness import BotHarness


async def registered(harness: BotHarness, user_id: int, lang: Lang = Lang.SIMPLIFIED, language_code: str = "zh-hans"):
    await harness.services.users.register(user_id, "王工", language_code=language_code, lang=lang)
    await harness.services.users.set_role(user_id, Role.ENTERPRISE)
    return harness.user(user_id, language_code=language_code)


async def choices(harness: BotHarness) -> list[IndustryChoice]:
    async with harness.services.db.session() as session:
        return list((await session.scalars(select(IndustryChoice).order_by(IndustryChoice.id))).all())


async def test_confident_prediction_confirmed_once(bot: BotHarness):
    user = await registered(bot, 21)
    user.send("/classify 铝型材喷涂过程遇到氧化，皮膜厚度不均")
    shown = await user.expect("识别为：C32 有色金属冶炼和压延加工业")
    assert "铝型材" in shown["text"]
    user.press("✅确认", shown)
    await user.expect("已记录行业：C32")
    [row] = await choices(bot)
    assert (row.predicted_division, row.chosen_division, row.chosen_via) == ("32", "32", "confirm")
    again = user.press("✅确认", shown)  # the old message, pressed again
    assert "已经记录过了" in (await user.answer_to(again))["text"]
    assert (await choices(bot))[0].chosen_via == "confirm"


async def test_change_browses_sections_and_divisions(bot: BotHarness):
    user = await registered(bot, 22)
    user.send("/classify 配电线路频繁跳闸")
    shown = await user.expect("识别为：D44")
    user.press("✏️修改", shown)
    top = await user.expect("最可能的是")
    user.press("其他行业", top)
    sections = await user.expect("请选择门类")
    assert len(user.buttons(sections)) == 20
    user.press("C 制造业", sections)
    page1 = await user.expect("C 制造业：请选择大类")
    user.press("下一页", page1)
    page2 = await user.expect("C 制造业：请选择大类")
    user.press("C38 电气机械和器材制造业", page2)
    await user.expect("已记录行业：C38")
    [row] = await choices(bot)
    assert (row.predicted_division, row.chosen_division, row.chosen_via) == ("44", "38", "browse")
    assert await bot.services.industry.corrections() == [("配电线路频繁跳闸", "44", "38")]


async def test_unsure_prediction_offers_top_three(bot: BotHarness):
    user = await registered(bot, 23)
    user.send("/classify 生产线效率低")
    shown = await user.expect("我不太确定")
    labels = [b["text"] for b in user.buttons(shown)]
    assert len(labels) == 4 and labels[-1] == "其他行业"
    user.press(labels[1], shown)
    await user.expect("已记录行业")
    [row] = await choices(bot)
    assert row.chosen_via == "top3" and row.chosen_division == row.top[1]["division"]


async def test_traditional_user_gets_traditional_answers(bot: BotHarness):
    user = await registered(bot, 24, Lang.TRADITIONAL, "zh-hant")
    user.send("/classify LF精煉爐水冷電纜扭曲")
    shown = await user.expect("識別爲：C31 黑色金屬冶煉和壓延加工業")
    user.press("✅確認", shown)
    await user.expect("已記錄行業")


async def test_someone_elses_button_is_refused_and_logged(bot: BotHarness):
    owner = await registered(bot, 25)
    intruder = await registered(bot, 26)
    owner.send("/classify 后厨上菜慢")
    await owner.expect("识别为：H62")
    [row] = await choices(bot)
    for data in (f"ind:ok:{row.id}", f"ind:pick:{row.id}:01"):
        query = intruder.press_data(bot.signed(intruder, data, owner.keyboard_message()), owner.keyboard_message())
        assert "不是发给您的" in (await intruder.answer_to(query))["text"]
    assert (await choices(bot))[0].chosen_division is None
    refused = await bot.services.audit.latest(actor=26)
    assert refused and not refused[0].allowed and refused[0].target == f"industry_choice:{row.id}"


async def test_malformed_and_forged_data(bot: BotHarness):
    user = await registered(bot, 27)
    user.send("/classify 后厨上菜慢")
    shown = await user.expect("识别为")
    [row] = await choices(bot)
    for data in (
        "ind:ok",
        "ind:ok:abc",
        f"ind:pick:{row.id}:99",
        f"ind:sec:{row.id}:Z:0",
        "ind:ok:999999",
        f"ind:fly:{row.id}",
    ):
        query = user.press_data(bot.signed(user, data), shown)
        assert (await user.answer_to(query))["show_alert"], data
    assert (await choices(bot))[0].chosen_division is None


async def test_restart_mid_step_keeps_the_buttons_working(db_url: str):
    async with BotHarness(db_url) as harness:
        user = await registered(harness, 28)
        user.send("/classify 回转窑结圈，熟料产量下降")
        shown = await user.expect("识别为：C30")
        await harness.restart()
        user.press("✅确认", shown)
        await user.expect("已记录行业：C30")


async def test_bad_input(bot: BotHarness):
    stranger = bot.user(29)
    stranger.send("/classify 铝型材")
    await stranger.expect("还没有完成注册")
    user = await registered(bot, 30)
    user.send("/classify")
    await user.expect("请在 /classify 后面写上问题描述")
    user.send("/classify " + "铝" * 2100)
    await user.expect("内容太长了")
    user.send("/classify <script>铝型材</script> & 喷涂 😀")
    reply = await user.expect("识别为：C32")
    assert "<script>" not in reply["text"]
    assert len(await choices(bot)) == 1


async def test_free_text_is_routed_by_intent(bot: BotHarness):
    stranger = bot.user(31)
    stranger.send("公司拖欠工资三个月了怎么办")
    await stranger.expect("12351")
    stranger.send("注塑件表面有缩痕怎么办")
    await stranger.expect("请先发送 /start")
    user = await registered(bot, 32)
    user.send("你好")
    await user.expect("「劳模工匠助企行」助手")
    user.send("职工夜校什么时候开课")
    await user.expect("职工夜校的课程由工会发布")
    user.send("焊工比赛什么时候报名")
    await user.expect("技能竞赛由工会发布")
    user.send("今天天气不错")
    await user.expect("暂时还不能理解")
    user.send("我们的电解槽阳极效应频繁，电流效率低")
    await user.expect("这听起来是一个技术难题")  # /report takes over, the text kept (tests/test_report.py)
    await user.expect("企业名称")
    async with bot.services.db.session() as session:
        assert not (await session.scalars(select(AuditEntry).where(AuditEntry.allowed.is_(False)))).all()


async def test_industry_service_on_both_databases(db_url: str):
    from config.settings import load_settings
    from services.container import Services
    from services.results import Reason, Refused

    async def refused(proposal_id: int, user_id: int, division: str, via: str, purpose: str = "classify") -> Reason:
        with pytest.raises(Refused) as refusal:
            await services.industry.choose(proposal_id, user_id, division, via, purpose)
        return refusal.value.reason

    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    try:
        await services.users.register(41, "李工")
        await services.users.register(42, "张工")
        analysis = services.analyzer.analyse("高炉炉缸温度升高")
        proposal = await services.industry.propose(41, analysis, "classify")
        assert proposal.predicted == "31" and proposal.confident and proposal.top_codes[0] == "31"
        assert await refused(proposal.id, 42, "31", "confirm") is Reason.NOT_YOURS
        assert await refused(proposal.id, 41, "9Z", "browse") is Reason.NOT_FOUND  # no such division
        assert await refused(proposal.id + 1, 41, "31", "confirm") is Reason.NOT_FOUND  # no such proposal
        # a flow serving another purpose (a demand's industry step) never settles it: recorded nowhere
        assert await refused(proposal.id, 41, "31", "confirm", "demand") is Reason.STALE
        settled = await services.industry.choose(proposal.id, 41, "33", "browse", "classify")  # saved
        assert settled.chosen == "33"
        assert await refused(proposal.id, 41, "31", "confirm") is Reason.ALREADY
        assert await services.industry.corrections() == [("高炉炉缸温度升高", "31", "33")]
    finally:
        await services.close()


async def test_text_without_industry_words_opens_the_browser_not_a_default(bot: BotHarness):
    user = await registered(bot, 31)
    user.send("/classify 请帮帮我们吧")
    shown = await user.expect("请选择门类")
    assert "识别为" not in shown["text"] and "最可能" not in shown["text"]
    assert len(user.buttons(shown)) == 20
    [row] = await choices(bot)
    assert row.top == []
    user.press("Q 卫生和社会工作", shown)
    page = await user.expect("Q 卫生和社会工作：请选择大类")
    user.press("Q84 卫生", page)
    await user.expect("已记录行业：Q84")
    assert (await choices(bot))[0].chosen_via == "browse"


async def test_low_confidence_offers_candidates_and_records_the_first_shown(bot: BotHarness):
    user = await registered(bot, 32)
    user.send("/classify 老板拖欠三个月工资")
    shown = await user.expect("我不太确定")
    assert [b["text"] for b in user.buttons(shown)][-1] == "其他行业"
    [row] = await choices(bot)
    assert row.confidence < 0.15
    assert row.predicted_division == row.top[0]["division"]


async def test_a_candidate_with_next_to_no_probability_and_no_reason_is_not_offered(db_url: str):
    """A stranger saw "C13 农副食品加工业（2%，依据：无明显行业用语）" offered beside two real candidates: noise."""
    from dataclasses import replace

    from config.settings import load_settings
    from nlp.classifier import Candidate
    from services.container import Services

    services = await Services.start(load_settings(database_url=db_url, bot_token=None))
    try:
        await services.users.register(43, "赵工")
        analysis = services.analyzer.analyse("加工中心伺服电机过热报警")
        top = (
            Candidate("38", "电气机械和器材制造业", "C", 0.55, ("过热",)),
            Candidate("34", "通用设备制造业", "C", 0.40, ("加工中心",)),
            Candidate("13", "农副食品加工业", "C", 0.02, ()),
        )
        analysis = replace(analysis, industry=replace(analysis.industry, division="38", confidence=0.55, top=top))
        proposal = await services.industry.propose(43, analysis, "classify")
        assert proposal.top_codes == ("38", "34")
    finally:
        await services.close()


async def test_an_english_description_is_told_that_the_classifier_reads_chinese(bot: BotHarness):
    """The English usage example is one the classifier can read; an English description is not met with a bare
    "cannot tell": the reader learns to describe it in Chinese, and the sections are still there to pick from."""
    user = await registered(bot, 29, Lang.ENGLISH, "en")
    user.send("/classify")
    usage = await user.expect("/classify")
    example = usage["text"].split("/classify", 2)[-1].strip().splitlines()[0]
    user.send(f"/classify {example}")
    await user.expect("Identified as: C32")
    user.send("/classify Powder coating on aluminium profiles oxidises and the film thickness is uneven")
    told = await user.expect("in Chinese")
    assert user.buttons(told), "the sections to pick from"
