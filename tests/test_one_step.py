"""One step at a time: a question left open does not hold on to a user once something else starts.

- 🙏 婉拒 asks for a reason; pressing ✅ 接受 instead accepts and the reason is no longer waited for, and a later
  ✅ 登记解决 starts at once (it answered 这个按钮已失效 until /cancel).
- A form left half-way (/new_competition) is set aside when another conversation starts (/broadcast): the next
  text goes to the one started last, and /cancel leaves it entirely (the older form no longer takes answers)."""

from __future__ import annotations

from db.models import DemandStatus
from fakebotapi import FakeUser
from tests.harness import BotHarness
from tests.test_report import staffer
from tests.test_service_flow import demand, offered_to_the_second_best


async def test_accepting_instead_of_giving_the_decline_reason_leaves_no_step_waiting(bot: BotHarness):
    _helper, other, _company, _d, _by_name = await offered_to_the_second_best(bot)
    offer = await other.expect("新的服务请求")
    other.press("🙏 婉拒", offer)
    await other.expect("婉拒原因")
    other.press("✅ 接受", offer)
    await other.expect("感谢接受需求")
    assert (await demand(bot)).status is DemandStatus.ACCEPTED

    other.send("/tasks")
    tasks = await other.expect("我的服务")
    resolve = next(b["text"] for b in FakeUser.buttons(tasks) if b["text"].startswith("✅ 登记解决"))
    other.press(resolve, tasks)
    await other.expect("请简述解决方案")
    other.send("更换模具顶针，调整保压")
    await other.expect("培训职工人数")
    assert (await demand(bot)).status is DemandStatus.ACCEPTED, "no decline was made of the text"


async def test_a_conversation_started_sets_the_half_made_one_aside(bot: BotHarness):
    staff = await staffer(bot)
    staff.send("/new_competition")
    await staff.expect("请输入竞赛名称")
    staff.send("/broadcast")
    await staff.expect("群发")
    staff.send("湖州市焊工技能大赛")  # the broadcast, started last, waits for its buttons: not the old form's name
    await bot.wait_handled()
    assert not any("面向哪个行业" in text for text in staff.texts()), "the competition form took the text"
    staff.send("/cancel")
    await staff.expect("已退出当前操作")
    staff.send("你好")  # nothing is waiting any more: a greeting is answered as one
    await staff.expect("您好")


async def test_a_step_set_aside_is_named_with_how_to_take_it_up_again(bot: BotHarness):
    """Hostile 4.3: a craftsman half-way through offering slots (at the place question) who opens /profile is told in
    one line that the slot offering was set aside and how to pick it up again (it was dropped without a word, and
    his next text, the place, was read as a new problem report)."""
    from tests.test_slots import booked_case

    helper, company, _, booked = await booked_case(bot)
    company.press("🔁 改期", booked)
    asked = await helper.expect("请重新提供时段")
    helper.press("📅 提供预约时段", asked)
    await helper.expect("每行一个")
    helper.send("11-27 09:00")
    await helper.expect("问诊地点")
    helper.send("/profile")
    helper.press("服务方式", await helper.expect("我的工匠资料"))
    aside = await helper.expect("已放下")
    assert "提供问诊时段" in aside["text"] and "📅" in aside["text"], aside["text"]
    assert len(aside["text"].splitlines()) == 1
    helper.press("📅 提供预约时段", asked)  # taken up again: the slots typed are offered back, the place asked
    again = await helper.expect("问诊地点")
    assert "已保留" in again["text"] and "2026-11-27 09:00" in again["text"], again["text"]
    helper.send("配电房")
    await helper.expect("已将 1 个时段作为改期发给企业")


async def test_a_solution_typed_before_the_step_was_set_aside_is_offered_back(bot: BotHarness):
    """Hostile 4.3: ✅ 登记解决, the solution typed, then at 培训职工人数 another step started and /cancel sent: a
    second ✅ 登记解决 goes on from the solution typed (it started over, the solution gone)."""
    _helper, other, _company, _d, _by_name = await offered_to_the_second_best(bot)
    other.press("✅ 接受", await other.expect("新的服务请求"))
    await other.expect("感谢接受需求")
    other.send("/tasks")
    tasks = await other.expect("我的服务")
    resolve = next(b["text"] for b in FakeUser.buttons(tasks) if b["text"].startswith("✅ 登记解决"))
    slots = next(b["text"] for b in FakeUser.buttons(tasks) if b["text"].startswith("📅"))
    other.press(resolve, tasks)
    await other.expect("请简述解决方案")
    other.send("更换模具顶针，调整保压")
    await other.expect("培训职工人数")
    other.press(slots, tasks)
    await other.expect("已放下")
    other.send("/cancel")
    await other.expect("已退出当前操作")
    other.press(resolve, tasks)
    again = await other.expect("培训职工人数")
    assert "更换模具顶针，调整保压" in again["text"] and "已保留" in again["text"], again["text"]
    other.send("3")
    await other.expect("经济效益")
    other.send("0")
    await other.expect("已登记解决结果")
    assert "更换模具顶针" in ((await demand(bot)).solution_summary or "")


async def test_a_decline_reason_set_aside_is_named_as_the_decline(bot: BotHarness):
    """The line names the step the conversation waited at: a decline reason left for /settings is the decline, not
    the solution record that /tasks' other step is (a region change in /settings set it aside)."""
    _helper, other, _company, _d, _by_name = await offered_to_the_second_best(bot)
    other.press("🙏 婉拒", await other.expect("新的服务请求"))
    await other.expect("婉拒原因")
    other.send("/settings")
    menu = await other.expect("请选择要修改的项目")
    other.press(next(b["text"] for b in FakeUser.buttons(menu) if "地区" in b["text"]), menu)
    aside = await other.expect("已放下")
    assert "婉拒原因还没填" in aside["text"] and "解决方案" not in aside["text"], aside["text"]
    assert (await demand(bot)).status is not DemandStatus.ACCEPTED
