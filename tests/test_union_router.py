"""The intent router on union members' own questions: phrasings written for these tests (not the training file's),
with numbers, places and incidental industry words."""

from __future__ import annotations

import pytest

from nlp.analyzer import Analyzer, shared_analyzer
from nlp.intent import Intent, IntentRouter, is_union_service, read_phrases
from nlp.normalize import normalize


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return shared_analyzer()


@pytest.mark.parametrize(
    "text, intent",
    [
        ("老板拖欠三个月工资怎么办", Intent.WAGES),
        ("工地干了3个月包工头不给钱", Intent.WAGES),
        ("在东莞电子厂干了两个月，老板一直不发工资", Intent.WAGES),
        ("钢结构车间加班到晚上十点没有加班费", Intent.WAGES),
        ("合同到期不续签有没有补偿", Intent.CONTRACT),
        ("试用期六个月合法吗", Intent.CONTRACT),
        ("住院了工会有慰问金吗要什么材料", Intent.WELFARE),
        ("单位能不能组织职工瑜伽课", Intent.CULTURE),
        ("能安排一次职工体检吗", Intent.CULTURE),
        ("工会会费从哪个月开始交", Intent.MEMBERSHIP),
        ("换工作了怎么转工会关系", Intent.MEMBERSHIP),
        ("孩子上大学学费交不起，金秋助学能申请吗", Intent.HARDSHIP),
        ("困难职工帮扶有什么条件", Intent.HARDSHIP),
        ("电工高级技师要什么条件才能评", Intent.CERTIFICATION),
        ("职业技能等级认定在哪报名", Intent.CERTIFICATION),
        ("考了焊工四级证能领技能提升补贴吗", Intent.SUBSIDY),
        ("企业稳岗返还怎么申请", Intent.SUBSIDY),
        ("在工厂冲床上压伤了手算工伤吗", Intent.INJURY),
        ("公司不给我交社保能去仲裁吗", Intent.LABOUR_RIGHTS),
        ("注塑机料筒温度过高导致制品发黄", Intent.PROBLEM),
        ("想请劳模来厂里培训数控操作工", Intent.TRAINING),
        ("你好", Intent.GREETING),
    ],
)
def test_router_reads_everyday_phrasing(analyzer: Analyzer, text: str, intent: Intent):
    assert analyzer.analyse(text).intent is intent


def test_traditional_script_reads_alike(analyzer: Analyzer):
    assert analyzer.analyse("老闆拖欠三個月工資怎麼辦").intent is Intent.WAGES
    assert analyzer.analyse("住院了工會有慰問金嗎").intent is Intent.WELFARE


def test_a_wage_question_on_a_site_is_not_a_technical_problem(analyzer: Analyzer):
    """Form + topic beat the incidental industry words (工地, 塔吊, 钢筋)."""
    analysis = analyzer.analyse("塔吊工地上绑钢筋干了40天，包工头一分钱没给，找哪里")
    assert analysis.intent is Intent.WAGES and analysis.intent_confidence >= 0.5


def test_unclear_text_is_not_guessed_confidently(analyzer: Analyzer):
    analysis = analyzer.analyse("我想问一下")
    assert analysis.intent is Intent.OTHER and analysis.intent_confidence < 0.5


def test_router_is_trained_on_the_phrasing_file_and_none_of_these_tests(analyzer: Analyzer):
    phrases = {normalize(t) for t, _ in read_phrases()}
    assert len(phrases) >= 200
    assert normalize("在东莞电子厂干了两个月，老板一直不发工资") not in phrases
    router = IntentRouter([(normalize("会费怎么交"), Intent.MEMBERSHIP), (normalize("你好"), Intent.GREETING)])
    assert router.route(normalize("会费"), 0) is Intent.MEMBERSHIP


@pytest.mark.parametrize(  # written for this test; the English phrasings the router learns from are other sentences
    "text, intent",
    [
        ("My boss has not paid my wages for two months, what can I do?", Intent.WAGES),
        ("How much are union dues?", Intent.MEMBERSHIP),
        ("I was injured at work, who pays?", Intent.INJURY),
        ("My employer refuses to sign a labour contract with me", Intent.CONTRACT),
        ("Can the union organise a yoga class for us?", Intent.CULTURE),
        ("I was fired without any compensation", Intent.LABOUR_RIGHTS),
    ],
)
def test_an_english_union_question_is_read_as_one(analyzer: Analyzer, text: str, intent: Intent):
    assert analyzer.analyse(text).intent is intent


def test_a_latin_cue_counts_only_as_a_whole_word(analyzer: Analyzer):
    """ "hi" is a greeting, "thickness" and "this" are not; a long technical sentence in English is not a hello."""
    assert analyzer.analyse("hi").intent is Intent.GREETING
    text = "Powder coating on aluminium profiles oxidises and the film thickness is uneven"
    assert analyzer.analyse(text).intent is not Intent.GREETING


def test_a_minimum_wage_question_gets_a_wage_answer_that_speaks_of_minimum_wages():
    """ "湖州的最低工资是多少" is a wages question; its answer was headed 关于拖欠工资 (arrears) and said only that each
    province publishes its standard."""
    from i18n import t

    assert shared_analyzer().analyse("湖州的最低工资是多少").intent is Intent.WAGES
    answer = t("union.wages.answer", "zh")
    assert not answer.startswith("关于拖欠工资") and "第四十八条" in answer
    assert "Article 48" in t("union.wages.answer", "en")


@pytest.mark.parametrize(
    "text, dues",
    [("我月薪5000，会费一个月交多少钱？", "25"), ("工资一万五的话会费交多少", "75"), ("月收入3,600元，会费多少", "18")],
)
def test_dues_are_worked_out_from_the_wage_a_member_names(text: str, dues: str):
    """The dues answer said only "一般为本人工资收入的 0.5%"; with a wage named, the monthly figure is given."""
    from decimal import Decimal

    from services.union_dues import monthly_dues

    assert monthly_dues(text) == Decimal(dues)
    assert monthly_dues("会费怎么交") is None and monthly_dues("我月薪5000，加班费怎么算") is None


@pytest.mark.parametrize(  # the hostile tester's words, each answered "收到。我暂时还不能理解这条消息" before
    "text, intents",
    [
        ("老板跑路了", {Intent.WAGES}),
        ("工资条上少了500块", {Intent.WAGES}),
        ("老細唔出糧點算", {Intent.WAGES}),
        ("我做嘢整親手，公司唔理", {Intent.INJURY}),
        ("被炒魷魚冇遣散費", {Intent.LABOUR_RIGHTS, Intent.CONTRACT}),
        ("公司不給資遣費", {Intent.LABOUR_RIGHTS, Intent.CONTRACT}),
        ("老闆沒幫我保勞保", {Intent.LABOUR_RIGHTS}),
    ],
)
def test_cantonese_and_taiwan_wording_of_a_union_question_is_understood(
    analyzer: Analyzer, text: str, intents: set[Intent]
):
    assert analyzer.analyse(text).intent in intents


def test_protective_gear_is_still_a_technical_problem(analyzer: Analyzer):
    """劳保 (labour insurance in Taiwan) is also 劳保用品, protective gear: only 保劳保 / 劳健保 name the insurance."""
    assert analyzer.analyse("劳保鞋底开胶怎么办").intent is Intent.PROBLEM


@pytest.mark.parametrize(  # the fourth hostile tester's words (2026-12-01)
    "text, intents",
    [
        ("生病住院工会有补助吗", {Intent.WELFARE}),  # was a technical problem (病) → /report
        ("工会会员生病住院有补助吗", {Intent.WELFARE}),  # was membership (工会会员)
        ("会员住院补助怎么申请", {Intent.WELFARE}),  # was subsidy (补助)
        ("老闆走佬，人工點算？", {Intent.WAGES}),
        ("俾人炒咗，有冇賠償", {Intent.LABOUR_RIGHTS, Intent.CONTRACT}),
        ("返OT冇補水", {Intent.WAGES}),
    ],
)
def test_sick_pay_and_cantonese_union_questions_are_understood(analyzer: Analyzer, text: str, intents: set[Intent]):
    assert analyzer.analyse(text).intent in intents


@pytest.mark.parametrize(
    "text, intent",
    [("面膜补水效果差怎么改进配方", Intent.PROBLEM), ("人工智能质检误判率偏高", Intent.PROBLEM)],
)
def test_cantonese_cues_do_not_take_technical_problems(analyzer: Analyzer, text: str, intent: Intent):
    """补水 (overtime pay in Cantonese) is also a cosmetic's moisturising; 人工 (wages) is also 人工智能."""
    assert analyzer.analyse(text).intent is intent


@pytest.mark.parametrize("text", ["9999年12月31日晚上11点", "12月3日下午2点", "下周二午后2点", "2026-12-08 19:00"])
def test_a_date_or_time_alone_is_no_union_matter(analyzer: Analyzer, text: str):
    """A time typed at a question ("when should the training be?") is its answer: the model weighs numbers towards
    wage questions (三个月, 一万五), and "9999年12月31日晚上11点" was answered as one, in the middle of /report."""
    assert not is_union_service(analyzer.analyse(text).intent), text
    assert analyzer.analyse("加班到晚上11点没有加班费").intent is Intent.WAGES
