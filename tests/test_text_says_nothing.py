"""Texts that say nothing (hostile report 2, items 5, 6, 9 and 14): one short unit repeated ("设备设备设备",
"asdfasdf") or digits only is no problem description and no solution, at any point of the description (not only
the first text) and before the description step would route it elsewhere; a problem typed at /report's 企业名称
step is kept as the description, not taken as the company's name; /grant and /staff_region read full-width digits.
Refusals are polite, in the user's language, with an example, and lose nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from buttons.demands import OpenDemand
from db.models import DemandStatus, Lang, Role
from tests.harness import BotHarness
from tests.test_casework_visits import booked_case, record_solution
from tests.test_events_e2e import worker
from tests.test_queue_scope import staff
from tests.test_report import demands, enterprise_user
from tests.test_report_description import profiled
from tests.test_service_flow import demand

NOISE = (
    "设备设备设备设备设备设备设备设备",
    "测试测试测试测试测试测试",
    "测试测试测试",
    "啊啊啊啊啊啊啊啊啊啊啊啊啊啊",
    "。。。。。。。。。。。。。",
    "😀😀😀😀😀😀😀😀😀😀😀😀",
    "asdfasdfasdfasdf",
    "1234567890123",
    "有问题有问题有问题有问题",
    "好好好好好好好好好好好好",
)
NOISE_EN = ("asdfasdfasdfasdf", "testtesttest", "1234567890123", "!!! ??? ...", "😀😀😀😀😀😀")  # typed Chinese would
# soon be answered in Chinese (services/language.py)
REAL = "注塑件表面有缩痕，尺寸不稳定"
DATA = Path(__file__).resolve().parent.parent / "nlp" / "data"


def test_one_short_unit_repeated_or_digits_only_says_nothing():
    from services.demand_form import says_nothing

    for text in (*NOISE, "ASDF asdf AsDf", "１２３４５６７８"):
        assert says_nothing(text), text
    for text in (REAL, "ab", "CNC 报警 1001", "模具漏水，冷却水道堵塞", "PLC 通讯故障 E03"):
        assert not says_nothing(text), text


def test_no_text_of_the_dev_eval_and_training_sets_says_nothing():
    from services.demand_form import says_nothing

    texts = [
        line.split("\t")[0]
        for path in (DATA / "dev.tsv", DATA / "eval.tsv", *sorted((DATA / "train").glob("*.tsv")))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "text\t"))
    ]
    assert len(texts) > 1000
    assert [t for t in texts if says_nothing(t)] == []


@pytest.mark.parametrize(
    "lang, code, kind, ask, refused, noted, real, noises",
    [
        (Lang.SIMPLIFIED, "zh-hans", "技术难题", "请描述", "没有加入描述", "可以继续补充", REAL, NOISE),
        (Lang.ENGLISH, "en", "Technical problem", "Please describe", "not added", "Add more", "Sink marks", NOISE_EN),
    ],
)
async def test_every_text_added_to_a_description_is_checked_before_it_is_routed(
    bot: BotHarness, lang, code, kind, ask, refused, noted, real, noises
):
    user = await profiled(bot, 42, lang, code)
    user.send("/report")
    user.press(kind, await user.expect(("请选择需求类型", "What kind of demand")))
    await user.expect(ask)
    user.send(real)
    await user.expect(noted)
    for noise in noises:
        user.send(noise)
        answer = await user.expect(refused)
        assert "“" in answer["text"] and not user.buttons(answer), noise  # an example; nothing routed elsewhere
    [draft] = await demands(bot)
    assert draft.text == real  # the description so far stays as it was


async def test_a_solution_that_says_nothing_is_asked_again(bot: BotHarness):
    _, _, match_id = await booked_case(bot)
    d = await demand(bot)
    huzhou = await staff(bot, 982, "330500")
    with pytest.raises(ValueError):  # the service's own rule, whatever the front end
        await bot.services.follow_up.resolve(982, match_id, "测试测试测试", 0, Decimal(0), Role.STAFF)
    huzhou.send("/help")
    helped = await huzhou.expect("我能为您做什么")
    huzhou.press_data(bot.signed(huzhou, OpenDemand(d.id).data()), helped)
    huzhou.press("✅ 登记解决", await huzhou.expect("配电线路经常故障跳闸"))
    await huzhou.expect("请简述解决方案")
    for noise in ("啊啊啊啊啊啊啊啊", "测试测试测试", "12345678"):
        huzhou.send(noise)
        answer = await huzhou.expect("看不出解决方案")
        assert "例如" in answer["text"]
    assert (await demand(bot)).status is not DemandStatus.RESOLVED
    await record_solution(huzhou, "电话指导后更换了分接开关")
    assert (await demand(bot)).solution_summary == "电话指导后更换了分接开关"


def test_what_reads_as_a_description_rather_than_a_company_name():
    from nlp.analyzer import shared_analyzer
    from services.intake import reads_as_description

    analyse = shared_analyzer().analyse
    names = (
        "湖州某制造有限公司",
        "杭州西湖区小明五金店",
        "Zhejiang ABC Co., Ltd.",
        "湖州某铝业有限公司（二厂）",
        "小明五金",
    )
    for name in names:
        assert not reads_as_description(name, analyse), name
    for text in (
        "注塑件表面缩痕明显，保压调整后又有飞边，想请专家远程看看",
        "Our moulded parts show sink marks. Can an expert help?",
        "数控机床主轴异响",  # no punctuation, short: the analyzer's industry words
    ):
        assert reads_as_description(text, analyse), text


async def at_the_name(bot: BotHarness, user_id: int):
    """A newcomer's /report of a technical problem, at its first question: 企业名称."""
    user = await enterprise_user(bot, user_id)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    return user


async def test_a_problem_typed_as_the_company_name_is_kept_as_the_description(bot: BotHarness):
    problem = "注塑件表面缩痕明显，保压调整后又有飞边，想请专家远程看看"
    user = await at_the_name(bot, 43)
    user.send(problem)
    answer = await user.expect("像是问题描述")
    assert "企业名称" in answer["text"]
    assert await bot.services.enterprises.of_user(43) is None  # no company named by the problem
    [draft] = await demands(bot)
    assert draft.text == problem  # kept as the description: nothing lost
    user.send("湖州某制造有限公司")
    await user.expect("统一社会信用代码")
    assert (await bot.services.enterprises.of_user(43)).name == "湖州某制造有限公司"


async def test_grant_and_staff_region_read_full_width_digits(db_url: str):
    admin_id, person_id = 71, 200001
    async with BotHarness(db_url, admin_ids=str(admin_id)) as bot:
        await bot.services.users.register(admin_id, "管理员")
        admin = bot.user(admin_id, "管理员")
        await worker(bot, person_id, "330502", "小李")
        admin.send("/grant ２００００１")
        admin.press("确认", await admin.expect("确认修改身份"))
        await admin.expect("已将 小李 设为工会工作人员")
        admin.send("/staff_region ２００００１ 330500")
        await admin.expect("确认修改负责地区")
        admin.send("/revoke ２００００１")
        await admin.expect("确认修改身份")


async def test_a_name_taken_for_a_description_is_the_name_when_typed_again(bot: BotHarness):
    user = await at_the_name(bot, 44)
    user.send("数控机床主轴异响")  # the analyzer's industry words: read as a problem first
    await user.expect("再发送一次")
    user.send("数控机床主轴异响")
    await user.expect("统一社会信用代码")
    assert (await bot.services.enterprises.of_user(44)).name == "数控机床主轴异响"
    [draft] = await demands(bot)
    assert draft.text == "数控机床主轴异响"  # kept once, in the description too: nothing lost
