"""A resolution's figures as the hostile tester typed them (hostile3 item 4): "一万五" workers trained and a benefit
of 99999999999 yuan were taken, shown to the enterprise and summed in /stats ("经济效益：10,000,066.4 万元"). Above
a hard limit a figure is refused with the limit named; a large but possible one is asked to be confirmed; "-3" and
"12.5" are named as such; "十二个" is read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fakebotapi.user import FakeUser
from services.resolution_figures import MAX_BENEFIT, MAX_TRAINED, read_benefit, read_trained
from tests.harness import BotHarness
from tests.test_service_flow import demand
from tests.test_visit_slots import accepted_case


@pytest.mark.parametrize(("text", "value"), [("十二个", 12), ("十二人", 12), ("12", 12), ("大约50人", 50), ("0", 0)])
def test_workers_trained_as_typed(text, value):
    found = read_trained(text)
    assert found.refused is None and not found.large and found.whole == value


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("-3", "resolve.trained_negative"),
        ("负三", "resolve.trained_negative"),
        ("12.5", "resolve.trained_not_whole"),
        ("一万五", "resolve.trained_too_many"),
        ("abc", "resolve.bad_number"),
    ],
)
def test_workers_trained_refused_with_the_reason(text, key):
    assert read_trained(text).refused.key == key


def test_limits_and_confirmations():
    assert read_trained(str(MAX_TRAINED)).large and read_trained(str(MAX_TRAINED + 1)).refused is not None
    assert not read_trained("300").large and read_trained("301").large
    assert read_trained("确认", "800").whole == 800 and read_trained("800", "800").whole == 800
    assert read_trained("80", "800").whole == 80  # another figure replaces the one asked about
    assert read_benefit("99999999999").refused.key == "resolve.benefit_too_much"
    assert read_benefit(f"{MAX_BENEFIT}").large and not read_benefit("一千万").large and read_benefit("1001万").large
    assert read_benefit("yes", "20000000").amount == Decimal(20_000_000)
    assert read_benefit("-5").refused.key == "resolve.benefit_negative"
    assert read_benefit("12.345").refused.key == "resolve.bad_number"  # finer than the fen: never rounded


async def at_workers_trained(bot: BotHarness) -> FakeUser:
    """An accepted case's craftsman at ✅ 登记解决's workers-trained question, the solution typed."""
    helper, _, _ = await accepted_case(bot)
    helper.send("/tasks")
    tasks = await helper.expect("我的服务")
    helper.press(next(b["text"] for b in FakeUser.buttons(tasks) if b["text"].startswith("✅ 登记解决")), tasks)
    await helper.expect("请简述解决方案")
    helper.send("更换变压器分接开关，重新整定配电线路保护")
    await helper.expect("培训职工人数")
    return helper


async def test_absurd_figures_are_refused_and_large_ones_confirmed_in_the_chat(bot: BotHarness):
    helper = await at_workers_trained(bot)
    helper.send("-3")
    await helper.expect("培训人数不能是负数")
    helper.send("12.5")
    await helper.expect("培训人数要是整数（“12.5”不是）")
    helper.send("一万五")
    await helper.expect("15,000 人超过了 5,000 人")
    helper.send("800")
    await helper.expect("一次服务培训 800 人，比通常多很多")
    helper.send("800")
    await helper.expect("预计经济效益")
    helper.send("99999999999")
    await helper.expect("99,999,999,999.00 元超过了 1,000,000,000 元")
    helper.send("2000万")
    await helper.expect("经济效益 20,000,000 元，比通常高很多")
    helper.send("确认")
    await helper.expect("已登记解决结果")
    solved = await demand(bot)
    assert solved.workers_trained == 800 and solved.economic_benefit == Decimal(20_000_000)


HUGE = ["9" * 26, "9" * 27, "9" * 42, "1" + "0" * 60]  # 27 whole digits and more raised InvalidOperation (quantize)


@pytest.mark.parametrize("text", HUGE)
def test_a_huge_benefit_is_refused_as_too_much_whatever_its_digits(text):
    assert read_benefit(text).refused.key == "resolve.benefit_too_much"
    assert read_trained(text).refused.key == "resolve.trained_too_many"


async def test_a_benefit_of_42_digits_gets_the_refusal_in_the_chat_not_the_error(bot: BotHarness):
    """The newcomer's crash: 27+ digits at the benefit question gave "抱歉，处理您的请求时出了问题"."""
    helper = await at_workers_trained(bot)
    helper.send("12")
    await helper.expect("预计经济效益")
    helper.send("9" * 42)
    refused = await helper.expect("元超过了 1,000,000,000 元")
    assert "出了问题" not in refused["text"]
    helper.send("50000")
    await helper.expect("已登记解决结果")
