"""/broadcast declared as the form engine's steps (conversations/form_draft.py Flow): its preview is the summary
card — ✏️ 内容 asks for the message again and comes back to the preview, 修改对象 reopens the audience — a restart
mid-edit asks the question again and goes on, and what a broadcast still needs is the service's rule."""

from __future__ import annotations

from services.broadcasts import broadcast_missing
from tests.harness import BotHarness
from tests.test_report import staffer


async def _preview(bot: BotHarness, text: str):
    staff = await staffer(bot)
    staff.send("/broadcast")
    staff.press("下一步", await staff.expect("群发"))
    await staff.expect("请发送要群发的内容")
    staff.send(text)
    return staff, await staff.expect("将发送给")


async def test_a_broadcasts_message_is_edited_from_its_preview(bot: BotHarness):
    staff, preview = await _preview(bot, "提醒一")
    assert {"✏️ 内容", "发送", "修改对象"} <= {b["text"] for b in staff.buttons(preview)}
    staff.press("✏️ 内容", preview)
    await staff.expect("请发送要群发的内容")
    staff.send("提醒二")
    preview = await staff.expect("将发送给")  # straight back to the preview
    staff.press("发送", preview)
    done = await staff.expect("📤 群发 #")
    broadcast_id = int(done["text"].split("#")[1].split("：")[0])
    assert (await bot.services.broadcasts.content(broadcast_id)).text == "提醒二"


async def test_a_restart_mid_broadcast_edit_asks_again_and_goes_back_to_the_preview(bot: BotHarness):
    staff, preview = await _preview(bot, "提醒一")
    staff.press("✏️ 内容", preview)
    await staff.expect("请发送要群发的内容")
    await bot.restart()
    await staff.expect("请发送要群发的内容")  # the pending question, asked again
    staff.send("提醒三")
    staff.press("发送", await staff.expect("将发送给"))
    await staff.expect("📤 群发 #")


def test_what_a_broadcast_still_needs_is_the_services_rule():
    assert broadcast_missing({"filters": {}}) == ["audience", "content"]
    assert broadcast_missing({"filters": {}, "audience": True}) == ["content"]
    content = {"text": "提醒", "file_kind": None, "file_id": None}
    assert broadcast_missing({"filters": {}, "audience": True, "content": content}) == []
