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
