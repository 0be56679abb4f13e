"""Restarts that resume: after a restart each person's pending question is shown again — once, in their language,
with its buttons, not in their quiet hours — and their next answer is taken by that step; the console's fake
Telegram goes on from its state file (old buttons still pressable), and an unreadable one starts fresh."""

from __future__ import annotations

from pathlib import Path

from db.models import Lang, Role
from fakebotapi import FakeBotAPI
from services.local_time import QuietHours
from tests.harness import BotHarness
from tests.test_report import enterprise_user
from tests.test_service_flow import offered_to_the_second_best
from tests.test_trust_inbox import console_says

CODE_ASK = "统一社会信用代码"


def shown(user, needle: str) -> int:
    """How many messages (not edits) said ``needle``."""
    return sum(needle in (e["message"].get("text") or "") for e in user.events() if e["type"] == "message")


async def test_a_restart_mid_report_asks_the_pending_question_again_once(bot: BotHarness):
    user = await enterprise_user(bot, 35)
    other = await enterprise_user(bot, 36, lang=Lang.TRADITIONAL, language_code="zh-hant")
    for person, kind in ((user, "技术难题"), (other, "技術難題")):
        person.send("/report")
        person.press(kind, await person.expect(("请选择需求类型", "請選擇需求類型")))
        await person.expect(("企业名称", "企業名稱"))
    user.send("湖州某铝业有限公司")
    await user.expect(CODE_ASK)

    await bot.restart()
    again = await user.expect(CODE_ASK)  # asked again, with its 跳过 button
    assert user.buttons(again), "the question comes with its buttons"
    assert "企業名稱" in (await other.expect("企業名稱"))["text"], "in each person's own script"
    await bot.restart()  # they have the question: a second restart before they answer says nothing more
    assert shown(user, CODE_ASK) == 2 and shown(other, "企業名稱") == 2

    user.send("91330100799655058B")  # the next answer is taken by the step
    await user.expect("请选择企业类型")
    await bot.restart()
    kinds = await user.expect("请选择企业类型")  # they wrote since: this restart asks again
    user.press("专精特新", kinds)  # a button of the re-asked question
    await user.expect("联系人")
    assert shown(user, "请选择企业类型") == 2 and shown(user, CODE_ASK) == 2


async def test_a_restart_mid_decline_and_mid_slots_asks_again_and_takes_the_answer(bot: BotHarness):
    helper, other, _company, d, by_name = await offered_to_the_second_best(bot)
    other.press("🙏 婉拒", await other.expect("新的服务请求"))
    await other.expect("婉拒原因")
    await bot.restart()
    await other.expect("婉拒原因")
    other.send("模具不是我的专长")
    await other.expect("已婉拒")
    assert shown(other, "婉拒原因") == 2

    await bot.services.casework.offer(900, Role.STAFF, d.id, by_name["林师傅"])
    await bot.application.sender.flush()
    helper.press("✅ 接受", await helper.expect("新的服务请求"))
    helper.press("📅 提供预约时段", await helper.expect("感谢接受需求"))
    await helper.expect("每行一个")
    helper.send("11-27 09:00\n明天3点")  # one line read, one asked again: the first is kept
    await helper.expect("这一行请重写：明天3点")
    await bot.restart()
    assert "已记下（共 1 个）" in (await helper.expect("每行一个"))["text"], "asked again, with what is kept"
    helper.send("11-28 14:30")
    await helper.expect("问诊地点")
    await bot.restart()
    await helper.expect("问诊地点")
    helper.send("https://meeting.example.com/abc")
    await helper.expect("已将 2 个时段发给企业")


async def test_in_quiet_hours_the_question_waits_until_they_end(bot: BotHarness):
    user = await enterprise_user(bot, 38)
    await bot.services.users.set_quiet_hours(38, QuietHours(9 * 60, 11 * 60))  # the clock says 10:00 there
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await user.expect("企业名称")
    await bot.restart()
    assert shown(user, "企业名称") == 1, "nothing unasked in quiet hours"
    [job] = bot.application.job_queue.get_jobs_by_name("resume:report:38:38")
    assert job.next_t is not None
    await job.run(bot.application)  # 11:00: quiet hours are over
    await user.expect("企业名称")
    user.send("湖州某铝业有限公司")
    await user.expect(CODE_ASK)


async def test_the_fake_telegram_goes_on_from_its_state_file_and_an_old_button_still_works(db_url: str, tmp_path: Path):
    path = tmp_path / "zhuqi.console-state.json"
    first = BotHarness(db_url, api=FakeBotAPI(state_path=path))
    await first.start()
    user = await enterprise_user(first, 39)
    user.send("/report")
    card = await user.expect("请选择需求类型")
    last = first.api.last_update_id
    await first.stop()

    api = FakeBotAPI(state_path=path)  # a new process: the person is not created again, they are in the file
    second = BotHarness(db_url, api=api)
    await second.start()
    try:
        assert api.last_update_id == last and 39 in api.world.users
        old = api.world.messages[(39, card["message_id"])]
        kind = next(b for row in old["reply_markup"]["inline_keyboard"] for b in row if b["text"] == "技术难题")
        api.user_press(39, old, kind["callback_data"])  # the card shown before the restart
        assert api.last_update_id == last + 1, "numbering goes on"
        user = second.user(39)
        await user.expect("企业名称")
    finally:
        await second.stop()


async def test_a_corrupt_console_state_file_starts_fresh_and_the_bot_answers(tmp_path: Path):
    await console_says(tmp_path, "/help", "我能为您做什么")
    (tmp_path / "zhuqi.console-state.json").write_text('{"last_ids": {"upd', encoding="utf-8")  # cut short
    await console_says(tmp_path, "/help", "我能为您做什么")  # not a crash; not update 1 again either
    assert (tmp_path / "zhuqi.console-state.json.bad").exists()
