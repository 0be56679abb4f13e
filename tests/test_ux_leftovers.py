"""What a newcomer met on the console (stranger s5, the ux items): a /settings card left long ago came back on every
restart and kept catching text; edited messages dropped the choice; wording that read wrong."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from config.settings import load_settings
from db.models import Lang
from fakebotapi import FakeBotAPI
from services.clock import ShiftedClock
from services.container import Services
from tests.harness import BotHarness
from tests.test_console import DAYTIME, console_run, stage_run
from tests.test_events_e2e import worker
from tests.test_resume import shown


async def test_a_settings_card_left_behind_is_not_asked_again_nor_catches_text(bot: BotHarness):
    """刘洋 changed his language in /settings, then went on to other things: every later restart sent the whole card
    again, and a question he typed got "Please choose with the buttons". The card is a card, not a question: it
    stays where it was, its buttons still work, and what he types is read as anywhere else."""
    user = await worker(bot, 561, "330502", "刘洋")
    user.send("/settings")
    user.press("文字", await user.expect("当前设置"))
    user.press("English", await user.expect("请选择界面文字"))
    card = await user.expect("Your settings")
    user.send("/courses")
    await bot.wait_handled()
    user.send("你好")
    await user.expect("Hello")
    await bot.restart()
    await bot.restart()
    await bot.wait_handled()
    assert shown(user, "Your settings") == 1, "the card came back after a restart"
    assert not any("choose with the buttons" in text for text in user.texts())
    user.press("Quiet hours", card)  # the card left behind still takes its buttons
    await user.expect("No reminders are pushed")


@asynccontextmanager
async def stage(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[Services, Callable[..., Any]]]:
    """The console's services at daytime, and ``run(start=None)``: one `make run` on the kept fake Telegram."""
    state = tmp_path / "console-state.json"
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(DAYTIME))
    try:
        yield services, lambda start=None: console_run(services, tmp_path, FakeBotAPI(state_path=state), start=start)
    finally:
        await services.close()


async def test_a_console_restarted_in_english_answers_its_people_in_english_though_they_wrote_chinese(
    db_url: str, tmp_path: Path, monkeypatch
):
    """`LANG=en make run` after runs in Chinese: 王丽 and 周建华, who had typed Chinese, were still answered in
    Chinese (their typed pattern outweighed the console's language). The console's LANG is their Telegram's
    language: when it changes, what they typed before no longer speaks for them."""
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    async with stage(db_url, tmp_path) as (services, run):
        async with run() as terminal:
            await terminal.expect("王丽> ")
            for text in ("谢谢", "请问这个怎么用", "谢谢您"):
                terminal.type(text)
                await terminal.expect("🤖")
            terminal.type("/help")
            await terminal.expect("我能为您做什么")
        monkeypatch.setenv("LANG", "en_US.UTF-8")
        async with run() as terminal:
            await terminal.expect("You are 王丽")
            terminal.type("/help")
            await terminal.expect("What I can do for you")
        assert (await services.users.get(10001)).lang is Lang.ENGLISH  # what notices to her are written in


def test_the_stats_chart_counts_in_whole_numbers():
    """/stats over few services drew y-ticks 0.25, 0.50 …: every figure on the chart is a count."""
    from services.charts import chart_figure

    figure = chart_figure("2026年", ["11月", "12月"], {"解决问题": [1, 0], "服务企业": [1, 1]}, "按地区", {"湖州市": 1})
    try:
        left, right = figure.axes
        for ticks in (left.get_yticks(), right.get_xticks()):
            assert all(float(tick).is_integer() for tick in ticks), list(ticks)
    finally:
        import matplotlib.pyplot as plt

        plt.close(figure)


async def test_stats_for_a_year_or_month_out_of_range_says_so(bot: BotHarness):
    """/stats 1900 answered "无法识别“1900”": it is a year, only one the figures cannot be for."""
    staff = await worker(bot, 562, "330502", "张敏")
    await bot.services.users.set_staff(562, True)
    staff.send("/stats 1900")
    answer = (await staff.expect("1900"))["text"]
    assert "无法识别" not in answer and "2000" in answer and "2100" in answer, answer
    staff.send("/stats 2024-13")
    answer = (await staff.expect("2024-13"))["text"]
    assert "无法识别" not in answer and "1" in answer and "12" in answer, answer


def test_an_english_course_card_says_classes_to_go_not_places_left():
    """ "Next class: … (8 left)" beside "Places: 7/8 taken" read as 8 seats left; it counts the classes to come."""
    from i18n import t

    values = {"name": "CNC", "teacher": "王", "place": "A", "region": "湖州市", "next": "12-03 19:00", "end": "21:00"}
    card = t("course.card", "en", **values, left=8, enrolled=7, capacity=8, waitlisted=0)
    assert "(8 classes to go)" in card and "left" not in card, card
    assert "(1 class to go)" in t("course.card", "en", **values, left=1, enrolled=7, capacity=8, waitlisted=0)
    assert "还剩 8 次" in t("course.card", "zh-hans", **values, left=8, enrolled=7, capacity=8, waitlisted=0)


def latest(user, message: dict) -> dict:
    """``message`` as it reads now (after its edits)."""
    found = message
    for event in user.events():
        if event["type"] != "delete" and event["message"].get("message_id") == message["message_id"]:
            found = event["message"]
    return found


async def test_a_question_answered_by_a_button_keeps_the_choice_in_view(bot: BotHarness):
    """The console showed "✏️ 9（已修改） 请选择紧急程度：": pressing a choice took the buttons away and with them
    what was picked. The question now keeps the answer under it (the report's choices here; the form engine's
    choice questions call the same conversations/common.keep_choice)."""
    from tests.test_report import describe_and_settle, enterprise_user, fill_profile

    user = await enterprise_user(bot, 563)
    user.send("/report")
    kinds = await user.expect("请选择需求类型")
    user.press("技术难题", kinds)
    await fill_profile(user)
    await describe_and_settle(user, "铝型材喷涂过程遇到氧化，皮膜厚度不均")
    asked = [e["message"] for e in user.events() if e["type"] == "message"]
    urgency = next(m for m in asked if (m.get("text") or "").startswith("请选择紧急程度"))
    mode = next(m for m in asked if (m.get("text") or "").startswith("请选择希望的服务方式"))
    for question, choice in ((kinds, "技术难题"), (urgency, "一般"), (mode, "现场指导")):
        now = latest(user, question)
        assert not user.buttons(now), now
        assert now["text"].startswith(question["text"]) and choice in now["text"].removeprefix(question["text"]), now


async def test_changing_a_recognised_industry_asks_which_one_not_that_the_bot_is_unsure(bot: BotHarness):
    """✏️修改 on "识别为：…" answered "我不太确定这属于哪个行业", odd when the user is the one changing it."""
    from tests.test_industry_step import registered

    user = await registered(bot, 564)
    user.send("/classify 配电线路频繁跳闸")
    user.press("✏️修改", await user.expect("识别为：D44"))
    top = await user.expect("最可能的是")
    assert "不太确定" not in top["text"] and "改成哪个行业" in top["text"], top["text"]
    assert "其他行业" in [b["text"] for b in user.buttons(top)]


async def test_a_scheduled_broadcast_asks_with_an_example_to_come_and_tells_of_quiet_hours(bot: BotHarness):
    """The time question's example "2026-12-01 09:00" was already past at 09:41; a broadcast for 23:00 did not say
    that recipients' quiet hours (22:00–07:00 by default) hold it until morning."""
    from tests.test_broadcast_form import _preview

    for uid in (565, 566):
        await worker(bot, uid, "330502", "职工")
    staff, preview = await _preview(bot, "周六技能培训")
    staff.press("定时发送", preview)
    asked = (await staff.expect("请输入发送时间"))["text"]
    assert "2026-11-24 14:00" in asked and "2026-12-01 09:00" not in asked, asked  # the clock: 2026-11-21 10:00
    staff.send("11-21 23:00")
    late = (await staff.expect("将于 2026-11-21 23:00"))["text"]
    assert "免打扰" in late and "07:00" in late, late


async def test_the_stage_clock_does_not_run_back_after_a_run_with_console_clock(db_url: str, tmp_path: Path):
    """A first run with CONSOLE_CLOCK later than the real hour loaded the demo at that instant; the next run, on the
    real clock, was hours earlier, so the demo's first message (王丽's 问题解决了吗？) waited in the outbox until the
    stage's old instant. The stage's time never runs back: a run without CONSOLE_CLOCK goes on from the latest
    instant an earlier run reached, and says so."""
    from datetime import UTC, datetime, timedelta

    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    async with stage_run(db_url, tmp_path, ShiftedClock(later), console_clock=later.isoformat()) as (_, terminal):
        await terminal.expect("王丽> ")
    async with stage_run(db_url, tmp_path, ShiftedClock(datetime.now(UTC))) as (second, terminal):
        await terminal.expect("王丽> ")
        assert second.clock.now() >= later
        assert "舞台时间" in terminal.since(0), terminal.since(0)


async def test_a_restarted_console_speaks_as_the_person_last_typed_as(db_url: str, tmp_path: Path):
    """After `:quit` as 周建华, `make run` came back as 王丽 (the first of the cast): the newcomer typed on as the
    wrong person. It starts as the one last typed as (CONSOLE_AS still chooses)."""
    async with stage(db_url, tmp_path) as (_services, run):
        async with run() as terminal:
            await terminal.expect("王丽> ")
            terminal.type(":as 周建华")
            await terminal.expect("周建华> ")
        async with run() as terminal:
            await terminal.expect("周建华")
            await terminal.expect("周建华> ")
            assert "王丽> " not in terminal.since(0), terminal.since(0)
        async with run(start="李秀英") as terminal:
            await terminal.expect("李秀英> ")
