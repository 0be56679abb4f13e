"""The intake question ("这是需要劳模工匠帮助的技术难题吗？") and its answers, as a hostile tester found them in the
console demo (the worker 刘洋, the enterprise 王丽): a button's label typed instead of pressed is that button's
answer and never a demand's text; 不是 gives one coherent reply; /report's name questions refuse text with no words;
an employer's text mixing a machine fault and wages is not answered as a worker's own wage complaint. Through the
fake Bot API, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import DemandKind, Enterprise, Lang
from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import demands, enterprise_user
from tests.test_union import ASK

QUESTION = ("技术难题吗", "技術難題嗎")
NOT_FILED = ("这条没有登记为需求", "這條沒有登記為需求")
WAGE_ANSWER = "您有按时足额获得工资的权利"


async def liu_yang(bot: BotHarness, lang: Lang):
    person = demo_person("刘洋")
    assert person is not None
    await worker(bot, person.telegram_id, person.region_code, person.name)
    await bot.services.users.set_lang(person.telegram_id, lang, chosen=True)
    return bot.user(
        person.telegram_id, first_name=person.name, language_code=("zh-HK", "zh-hans")[lang is Lang.SIMPLIFIED]
    )


async def wang_li(bot: BotHarness):
    person = demo_person("王丽")
    assert person is not None
    return await enterprise_user(bot, person.telegram_id, region=person.region_code)


@pytest.mark.parametrize(
    ("lang", "text", "no", "training"),
    [
        (Lang.SIMPLIFIED, "机器经常出故障怎么办", "不是，我有别的问题", "是培训需求"),
        (Lang.TRADITIONAL, "設備經常出故障怎麼辦", "不是，我有別的問題", "是培訓需求"),
    ],
)
async def test_a_typed_label_of_the_intake_buttons_is_that_buttons_answer(bot: BotHarness, lang, text, no, training):
    """He typed 不是，我有别的问题 and was asked the same question about that text; then typed 是培训需求 and a
    training draft opened whose text was "是培训需求", his own text lost."""
    member = await liu_yang(bot, lang)
    member.send(text)
    question = await member.expect(QUESTION)
    member.send(no)
    reply = await member.expect(NOT_FILED)
    assert len(member.buttons(reply)) == 1  # the ask-staff button
    member.send(training)  # nothing waits now: a label alone never becomes a demand
    await member.expect(("写一两句话", "寫一兩句話"))
    await bot.wait_handled()
    assert await demands(bot) == []
    asked = [e["message"].get("text") or "" for e in member.events() if e["type"] == "message"]
    assert sum(any(q in t for q in QUESTION) for t in asked) == 1  # asked once (its keyboard since edited away)
    stale = member.press(member.buttons(question)[1]["text"], question)  # the question was answered by typing
    assert "失效" in (await member.answer_to(stale))["text"]

    member.send(text)  # asked again, answered by typing the training label: his own text is the draft's
    await member.expect(QUESTION)
    member.send(f" {training}！")
    await member.expect(("培训主题", "培訓主題"))
    [draft] = await demands(bot)
    assert draft.kind is DemandKind.TRAINING and draft.text == text


async def test_not_a_demand_is_one_coherent_reply(bot: BotHarness):
    """不是 for a text with no union matter sent "好的，这条没有登记为需求。工资……12351……" and, in the same message,
    "收到。我暂时还不能理解这条消息。…": one reply now, with the ask-staff button, the hotline and /help."""
    company = await wang_li(bot)
    company.send("设备经常出故障怎么办")
    company.press("不是，我有别的问题", await company.expect(QUESTION))
    reply = await company.expect(NOT_FILED)
    text = reply["text"]
    assert "收到。" not in text and text.count("好的") == 1, text
    assert "工会工作人员" in text and "12351" in text and "/help" in text, text
    assert [b["text"] for b in company.buttons(reply)] == [ASK]


@pytest.mark.parametrize("typed", ["？？？", "😀😀", "123", "……"])
async def test_the_report_name_questions_refuse_text_with_no_words(bot: BotHarness, typed: str):
    """The hostile tester's "？？？" was taken as the enterprise's name; the contact's name likewise."""
    company = await enterprise_user(bot, 81)
    company.send("/report")
    company.press("技术难题", await company.expect("请选择需求类型"))
    for question, answer in (("企业名称", "湖州某铝业有限公司"), ("联系人", "李工")):
        await company.expect(question)
        company.send(typed)
        await company.expect("请用文字填写")  # refused, the question stays
        company.send(answer)
        if answer == "李工":
            break
        await company.expect("统一社会信用代码")
        company.send("91330100799655058B")
        company.press("专精特新", await company.expect("请选择企业类型"))
    await company.expect("联系电话")
    async with bot.services.db.session() as session:
        [enterprise] = (await session.scalars(select(Enterprise))).all()
    assert (enterprise.name, enterprise.contact_name) == ("湖州某铝业有限公司", "李工")


async def test_an_employers_machine_fault_and_wages_is_not_a_workers_wage_complaint(bot: BotHarness):
    """王丽 (an enterprise) typed 机器有点问题，工资也发不出来了 and got the worker's "您有按时足额获得工资的权利":
    an employer's text naming a technical problem beside a union matter is asked about (the fault may be filed);
    a worker's same text is still his wage question, and an employer's plain wage question still gets its answer."""
    company = await wang_li(bot)
    company.send("机器有点问题，工资也发不出来了")
    question = await company.expect((*QUESTION, WAGE_ANSWER))
    assert WAGE_ANSWER not in question["text"]
    company.press("是，提交技术难题", question)
    await company.expect("企业名称")
    [draft] = await demands(bot)
    assert draft.text == "机器有点问题，工资也发不出来了"

    member = await liu_yang(bot, Lang.SIMPLIFIED)
    member.send("机器有点问题，工资也发不出来了")
    await member.expect(WAGE_ANSWER)
    other = await enterprise_user(bot, 82)
    other.send("公司拖欠工资怎么办")
    await other.expect("12351")


@pytest.mark.parametrize(
    ("lang", "no", "problem", "answered"),
    [
        (Lang.SIMPLIFIED, "不是，我有别的问题", "是，提交技术难题", "已经回答过了"),
        (Lang.ENGLISH, "No, I have another question", "Yes, file a technical problem", "already answered"),
    ],
)
async def test_a_question_answered_by_typing_loses_its_buttons_and_an_old_press_does_nothing(
    bot: BotHarness, lang, no, problem, answered
):
    """Answered by typing a label, the question kept its buttons; after another text was asked about, a press on the
    first question's 是，提交技术难题 filed the second text (both questions were number 1). Now the typed answer takes
    the buttons away, and a press on them (a client showing the old keyboard) says it was answered, doing nothing;
    so does a question's button pressed after it was answered by another."""
    member = await liu_yang(bot, lang)
    member.send("机器经常出故障怎么办")
    first = await member.expect((*QUESTION, "technical problem that"))
    member.send(no)
    await member.expect((*NOT_FILED, "nothing was filed"))
    assert member.buttons(member.current(first["message_id"])) == []  # the keyboard went with the typed answer
    member.send("设备经常出故障怎么办")
    second = await member.expect((*QUESTION, "technical problem that"))
    shown = len(member.texts())
    late = member.press(problem, first)  # the first question's button, as a client that kept it shows it
    alert = await member.answer_to(late)
    assert answered in alert["text"] and alert.get("show_alert"), alert
    await bot.wait_handled()
    assert await demands(bot) == [] and len(member.texts()) == shown  # nothing filed, nothing said in the chat
    assert member.buttons(member.current(second["message_id"]))  # the newer question still waits …
    member.press(no, second)  # … and is answered by its own buttons
    await member.expect((*NOT_FILED, "nothing was filed"))
    again = member.press(problem, second)  # a second press on it: answered, nothing filed
    assert answered in (await member.answer_to(again))["text"]
    await bot.wait_handled()
    assert await demands(bot) == []
