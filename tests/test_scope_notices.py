"""Staff notices and members' questions follow the staffer's region (services/staff_scope.py), through the real
Application on the fake Bot API, on SQLite and PostgreSQL: a notice about a demand or a member reaches the staff
whose region covers it and the staff without a region; when nobody covers it, the staff without a region, and
failing those every staffer (nothing is lost)."""

from __future__ import annotations

from buttons.union import CloseConsultation
from db.models import ConsultationStatus
from fakebotapi import FakeUser
from i18n import t
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_scope import refused, staff
from tests.test_report import enterprise_user
from tests.test_service_flow import craftsman, submit
from tests.test_union import consultations


def told(user: FakeUser, needle: str) -> bool:
    return any(needle in text for text in user.texts())


async def test_a_demands_notices_reach_the_staff_of_its_region_and_those_without_one(bot: BotHarness):
    huzhou = await staff(bot, 931, "330500")  # 湖州市总工会
    shaoxing = await staff(bot, 932, "330600")  # 绍兴市总工会
    everyone = await staff(bot, 933, None)
    first = await craftsman(bot, 934, "郑师傅", "330502", ["铝型材挤压", "喷涂与阳极氧化"], ["32"])
    await craftsman(bot, 935, "钱师傅", "330503", ["铝合金表面处理", "氧化膜缺陷"], ["32"])
    company = await enterprise_user(bot, 936)  # 吴兴区, 湖州市
    ticket = await submit(company, "铝型材喷涂后氧化膜厚度不均，表面起泡，良品率下降")
    await bot.tick()
    await huzhou.expect("新需求 " + ticket)
    await everyone.expect("新需求 " + ticket)

    huzhou.send("/queue")
    huzhou.press("派给 郑师傅", await huzhou.expect(ticket))
    offer = await first.expect("新的服务请求 " + ticket)
    first.press("🙏 婉拒", offer)
    await first.expect("婉拒原因")
    first.send("下周出差，时间冲突")
    await first.expect("已婉拒")
    await bot.tick()
    await huzhou.expect("郑师傅 婉拒了需求 " + ticket)
    await everyone.expect("郑师傅 婉拒了需求 " + ticket)
    assert not told(shaoxing, ticket), "another city's staff hear nothing of Huzhou's demand"


async def test_a_demand_nobody_covers_goes_to_staff_without_a_region_and_failing_those_to_all(bot: BotHarness):
    shaoxing = await staff(bot, 941, "330600")
    company = await enterprise_user(bot, 942)  # 吴兴区: no Huzhou staffer, no staffer without a region
    ticket = await submit(company, "注塑件表面有缩痕和气泡，模具温度调了也没用")
    await bot.tick()
    await shaoxing.expect("新需求 " + ticket)  # nobody else would hear of it: all staff are told

    everyone = await staff(bot, 943, None)
    bot.clock.advance(minutes=1)  # a person typing: the flood guard counts updates per minute
    second = await submit(company, "冲压件毛刺大，模具刃口磨损快，想请专家看看", first=False)
    await bot.tick()
    await everyone.expect("新需求 " + second)
    assert not told(shaoxing, second), "a staffer without a region covers it: the other city is not told"


async def ask(bot: BotHarness, member: FakeUser, question: str) -> None:
    member.send(question)
    member.press("向工会工作人员咨询", await member.expect("来源："))
    await member.expect("已把您的问题转给工会工作人员")


async def test_members_questions_reach_and_are_listed_for_the_staff_of_their_region(bot: BotHarness):
    huzhou = await staff(bot, 951, "330500")
    shaoxing = await staff(bot, 952, "330600")
    everyone = await staff(bot, 953, None)
    member = await worker(bot, 954, "330502", "李红")  # 吴兴区, 湖州市
    await ask(bot, member, "住院了工会有慰问金吗要什么材料")
    nowhere = await bot.services.users.register(955, "张伟")  # a member who gave no region
    assert nowhere is not None
    await ask(bot, bot.user(955, first_name="张伟"), "老板拖欠三个月工资怎么办")
    await bot.tick()
    await huzhou.expect("新的职工咨询")
    await everyone.expect("新的职工咨询")
    assert not any("慰问金" in text for text in shaoxing.texts()), "another city's staff are not told"

    [huzhou_question, no_region] = [row.id for row in await consultations(bot)]
    shaoxing.send("/queue")
    await shaoxing.expect("职工咨询：1 件待回复")  # the member without a region only
    item = await shaoxing.expect(f"咨询 #{no_region}")
    assert not any(f"咨询 #{huzhou_question}" in text for text in shaoxing.texts())
    huzhou.send("/queue")
    await huzhou.expect("职工咨询：2 件待回复")
    everyone.send("/queue")
    await everyone.expect("职工咨询：2 件待回复")

    forged = bot.signed(shaoxing, CloseConsultation(huzhou_question).data())
    answer = await shaoxing.answer_to(shaoxing.press_data(forged, item))
    assert answer["text"] == t("union.refused.out_of_region", "zh-hans") and answer["show_alert"]
    assert ("consultation.close", f"consultation:{huzhou_question}", {"reason": "out_of_region"}) in await refused(
        bot, 952
    )
    assert [row.status for row in await consultations(bot)] == [ConsultationStatus.OPEN] * 2
