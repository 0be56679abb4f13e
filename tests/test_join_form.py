"""/join declared as the form engine's steps (conversations/form_steps.py): its summary card has ✏️ per answer
(that question again, then the card), a restart mid-edit asks the question again and goes on, and what an
application still needs is the service's rule (services/join_form.py), read without a chat."""

from __future__ import annotations

import pytest

from services.join_form import application_from, application_missing
from services.validation import Invalid
from tests.harness import BotHarness
from tests.test_report import enterprise_user


async def _to_the_card(bot: BotHarness, user_id: int, phone: str = "139 0013 9000"):
    applicant = await enterprise_user(bot, user_id)
    applicant.send("/join")
    await applicant.expect("请输入您的姓名")
    applicant.send("陆师傅")
    applicant.press("下一步", await applicant.expect("荣誉"))
    await applicant.expect("工作单位")
    applicant.send("苏州某精密机械公司")
    await applicant.expect("技术处方")
    return applicant, await specialities_to_the_card(applicant, phone)


async def specialities_to_the_card(applicant, phone: str = "139 0013 9000") -> dict:
    """/join from its 技术处方 question on: 数控机床调试, the proposed industry, no team, 2 cases at a time, 远程指导
    and the phone; the summary card."""
    applicant.send("数控机床调试")
    applicant.press("下一步", await applicant.expect("已记下 1/"))
    applicant.press("下一步", await applicant.expect("系统建议了以下行业"))
    applicant.press("就是这里", await applicant.expect("您所在的地区"))
    applicant.press("暂不加入服务队", await applicant.expect("加入哪个服务队"))
    applicant.press("2", await applicant.expect("同时承接"))
    applicant.press("远程指导", await applicant.expect("服务方式"))
    applicant.press("下一步", await applicant.expect("服务方式"))
    await applicant.expect("联系电话")
    applicant.send(phone)
    return await applicant.expect("请核对您的申请")


async def test_a_join_answer_is_edited_from_the_summary_card(bot: BotHarness):
    applicant, card = await _to_the_card(bot, 81)
    assert {"✏️ 工作单位", "✏️ 服务方式", "📨 提交申请"} <= {b["text"] for b in applicant.buttons(card)}
    applicant.press("✏️ 工作单位", card)
    await applicant.expect("工作单位")
    applicant.send("湖州某机械厂")
    card = await applicant.expect("请核对您的申请")  # straight back to the card: nothing else asked
    assert "湖州某机械厂" in card["text"]
    applicant.press("✏️ 同时承接", card)
    applicant.press("5", await applicant.expect("同时承接"))
    card = await applicant.expect("请核对您的申请")
    applicant.press("提交申请", card)
    await applicant.expect("申请已提交")
    filed = await bot.services.talent.of_user(81)
    assert filed.workplace == "湖州某机械厂" and filed.capacity == 5 and filed.name == "陆师傅"


async def test_a_restart_mid_join_edit_asks_again_and_goes_back_to_the_card(bot: BotHarness):
    applicant, card = await _to_the_card(bot, 82)
    applicant.press("✏️ 姓名", card)
    await applicant.expect("请输入您的姓名")
    await bot.restart()
    await applicant.expect("请输入您的姓名")  # the pending question, asked again
    applicant.send("钱师傅")
    card = await applicant.expect("请核对您的申请")
    assert "钱师傅" in card["text"]
    applicant.press("提交申请", card)
    await applicant.expect("申请已提交")
    assert (await bot.services.talent.of_user(82)).name == "钱师傅"


def test_what_an_application_still_needs_is_the_services_rule():
    answers = {"name": "陆师傅", "honours": [], "workplace": "某厂", "specialities": ["数控"]}
    assert application_missing(answers)[:2] == ["divisions", "region"]
    assert application_missing({**answers, "specialities": []})[0] == "specialities"
    with pytest.raises(Invalid):
        application_from(answers)
    full = {
        **answers,
        "divisions": ["34"],
        "region": "330502",
        "team": None,
        "capacity": 2,
        "modes": ["remote"],
        "phone": "13900139000",
    }
    assert application_missing(full) == []
    assert application_from(full).team_id is None
