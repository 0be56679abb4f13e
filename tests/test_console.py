"""The console chat of `make run` as a demo stage (issue 20): several people in one console (:as, :who, notices to
someone else announced), every message's buttons pressable by number (3.2), pop-ups and edits shown, files saved to
and sent from disk, and the console's own words from the catalogue (Chinese, or English with LANG=en)."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from PIL import Image

from bot import CHAT
from config.settings import load_settings
from db.models import Role
from fakebotapi import FakeBotAPI
from runtime.run import run_console
from services.clock import ShiftedClock
from services.container import Services
from services.importing import CRAFTSMAN_COLUMNS
from tests.console_terminal import Terminal

# 10:00 in Shanghai whenever the tests run: the cast's quiet hours (22:00–07:00) hold questions asked again after a
# restart until morning
DAYTIME = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@asynccontextmanager
async def console(
    db_url: str, tmp_path: Path, setup: Callable[[Services], Awaitable[None]] | None = None
) -> AsyncIterator[Terminal]:
    """`make run`'s console chat on ``db_url`` (files saved under tmp_path/console), until the test is done."""
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(DAYTIME))
    try:
        if setup is not None:
            await setup(services)
        async with console_run(services, tmp_path) as terminal:
            yield terminal
    finally:
        await services.close()


@asynccontextmanager
async def stage_run(
    db_url: str, tmp_path: Path, clock: ShiftedClock, console_clock: str | None = None
) -> AsyncIterator[tuple[Services, Terminal]]:
    """One `make run` of the console stage with services of its own on ``clock`` (``console_clock``: as if
    CONSOLE_CLOCK was set), closed at the end: runs one after another on the same database are restarts."""
    overrides = {"console_clock": console_clock} if console_clock else {}
    services = await Services.start(load_settings(database_url=db_url, bot_token=None, **overrides), clock)
    try:
        async with console_run(services, tmp_path) as terminal:
            yield services, terminal
    finally:
        await services.close()


@asynccontextmanager
async def console_run(
    services: Services, tmp_path: Path, api: FakeBotAPI | None = None, start: str | None = None
) -> AsyncIterator[Terminal]:
    """One run of the console chat (``make run`` until ``:quit``) on running services and a fake Telegram."""
    terminal = Terminal()
    chat = asyncio.create_task(
        run_console(
            services,
            CHAT,
            stdin=terminal,
            stdout=terminal,
            api=api or FakeBotAPI(),
            files_dir=tmp_path / "console",
            start=start,
        )
    )
    try:
        yield terminal
    finally:
        terminal.type(":quit")  # the reading thread must end, whatever happened
        await asyncio.wait_for(chat, 60)


async def staff(services: Services) -> None:
    await services.users.register(10005, "张敏")
    await services.users.set_staff(10005, True)


async def worker_asked(services: Services) -> None:
    """刘洋, a worker, asked the union a question; 张敏 is staff."""
    await staff(services)
    await services.users.register(10007, "刘洋")
    await services.users.set_role(10007, Role.WORKER)
    await services.consultations.ask(10007, "wages", "单位拖欠了我两个月的工资，该怎么办？")


async def test_as_switches_between_the_cast_and_new_people_and_who_lists_their_roles(db_url: str, tmp_path: Path):
    async with console(db_url, tmp_path) as terminal:
        await terminal.expect("您现在是 王丽（企业）")  # the first of the cast, never the operating-system user
        await terminal.expect("王丽> ")
        terminal.type(":as 周建华")
        await terminal.expect("—— 现在是 周建华（劳模工匠）——")
        await terminal.expect("周建华> ")
        terminal.type(":as 老李")  # nobody of that name: a new person
        await terminal.expect("—— 现在是 老李（未注册）——")
        terminal.type("/start")
        await terminal.expect("您好，老李")
        await terminal.expect("[2.1] ✅ 同意")
        terminal.type("2.1")
        await terminal.expect("✏️ 2（已修改）")  # the consent message, edited: shown as an edit of message 2
        await terminal.expect("[3.1] 🏭 企业")
        terminal.type("3.1")
        await terminal.expect("✏️ 3（已修改）  请选择您的身份： 企业")
        terminal.type(":who")
        head = await terminal.expect("控制台里的人")
        await terminal.expect("▶ 老李（20001）企业")  # the role the bot's database now has
        listing = terminal.since(head)
        assert "  王丽（10001）企业" in listing and "  张敏（10005）工会工作人员" in listing, listing
        terminal.type(":as 10003")
        await terminal.expect("—— 现在是 周建华（劳模工匠）——")


async def test_a_notice_to_someone_else_is_announced_and_an_older_cards_buttons_still_press(
    db_url: str, tmp_path: Path
):
    async with console(db_url, tmp_path, worker_asked) as terminal:
        terminal.type(":as 张敏")
        terminal.type("/queue")
        card = await terminal.find(r"\[(\d+)\.(\d+)\] ✍️ 回复")
        terminal.type("/experts")  # a newer message with buttons: the card above is no longer the latest
        newer = await terminal.find(r"\[(\d+)\.1\] A ")
        assert int(newer.group(1)) > int(card.group(1))
        terminal.type(f"{card.group(1)}.{card.group(2)}")  # e.g. 2.1 on the older card
        await terminal.expect("请输入给这位职工的回复")
        terminal.type("请先保留工资条和考勤记录。")
        await terminal.expect("→ 刘洋 收到 1 条消息，:as 刘洋 查看")
        terminal.type(":as 刘洋")
        await terminal.expect("—— 现在是 刘洋（职工）——")
        await terminal.expect("回复：“请先保留工资条和考勤记录。”")  # what they received while away


async def test_an_xlsx_sent_with_file_reaches_import_and_a_popup_answer_is_printed(db_url: str, tmp_path: Path):
    book = Workbook()
    book.active.append(list(CRAFTSMAN_COLUMNS))
    book.active.append(
        [
            "钱匠人",
            "湖州某机械有限公司",
            "13912345678",
            "省级工匠",
            "钛合金焊接；焊缝探伤",
            "C34",
            "330502",
            "",
            "2",
            "现场指导",
        ]
    )
    workbook = tmp_path / "匠人名单.xlsx"
    book.save(workbook)
    async with console(db_url, tmp_path, staff) as terminal:
        terminal.type(":as 张敏")
        terminal.type("/import")
        await terminal.expect("请发送要导入的 Excel")
        terminal.type(f":file {workbook}")
        await terminal.expect("新增 1 条")
        terminal.type("/experts 钛合金焊接")
        phone = await terminal.find(r"\[(\d+\.\d+)\] 📞 钱匠人")
        terminal.type(phone.group(1))
        await terminal.expect("⚠️ 弹窗：联系电话：")  # the pop-up answer (show_alert) of the 📞 press
        assert "13912345678" in terminal.since(terminal.mark - 1)


async def test_a_photo_the_bot_sends_is_saved_as_an_image(db_url: str, tmp_path: Path):
    async with console(db_url, tmp_path, staff) as terminal:
        terminal.type(":as 张敏")
        terminal.type("/stats")
        await terminal.expect("[图片]")
        saved = await terminal.find(r"📎 已保存：(\S+)")
        path = Path(saved.group(1))
        assert path.parent == tmp_path / "console"
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            assert image.format == "PNG" and image.size[0] > 100
        number = int(re.search(r"(\d+)-photo\.png$", path.name).group(1))
        terminal.type(f":photo {path} 这是统计图")  # a real file goes back to the bot, which answers it
        await terminal.expect(f"🤖 {number + 1}  ")


async def test_the_console_speaks_english_when_lang_is_english(db_url: str, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    async with console(db_url, tmp_path) as terminal:
        await terminal.expect("You are 王丽 (Enterprise)")
        terminal.type(":nope")
        await terminal.expect("There is no console command :nope")
        terminal.type("7.2")
        await terminal.expect("There is no message 7")
        terminal.type(f":file {tmp_path / 'missing.xlsx'}")
        await terminal.expect("No such file")
        terminal.type(":help")
        await terminal.expect(":as NAME-OR-ID")
        terminal.type("/help")  # the bot answers the cast in English too (their Telegram speaks the console's language)
        await terminal.expect("What I can do for you")
        terminal.type(":as Tom")  # and someone new
        terminal.type("/start")
        await terminal.expect("✅ I agree")


async def test_a_plain_number_answering_a_question_after_a_press_is_typed_not_pressed_on_the_older_card(
    db_url: str, tmp_path: Path
):
    async with console(db_url, tmp_path) as terminal:
        terminal.type(":as 周建华")
        terminal.type("/tasks")  # the demo's tasks: [N.1] accepts one demand, [N.4] records another's resolution
        await terminal.find(r"\[\d+\.1\] ✅ 接受")
        resolve = await terminal.find(r"\[(\d+\.\d+)\] ✅ 登记解决")
        terminal.type(resolve.group(1))
        await terminal.expect("请简述解决方案")
        terminal.type("前处理槽液温度偏低，升温后附着力复测合格。")
        await terminal.expect("培训职工人数")
        terminal.type("1")  # an answer to the question, not button 1 of the list above it (✅ 接受 another demand)
        await terminal.expect("预计经济效益")
        terminal.type("0")
        await terminal.expect("已登记解决结果")
        assert "感谢接受需求" not in terminal.since(0)


async def test_after_a_restart_the_numbers_go_on_and_an_old_cards_buttons_still_press(db_url: str, tmp_path: Path):
    """The fake Telegram keeps every chat across a restart; the console numbers them as before, so a card shown
    before `:quit` keeps its address and its buttons afterwards."""
    state = tmp_path / "console-state.json"
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(DAYTIME))
    try:
        async with console_run(services, tmp_path, FakeBotAPI(state_path=state)) as terminal:
            await terminal.expect("王丽> ")
            terminal.type("/report")
            old = (await terminal.find(r"\[(\d+)\.1\] 技术难题")).group(1)
        async with console_run(services, tmp_path, FakeBotAPI(state_path=state)) as terminal:
            asked = await terminal.find(r"(\d+)  请选择需求类型")  # the pending question, asked again
            assert int(asked.group(1)) > int(old), "numbering goes on after a restart"
            terminal.type(f"{old}.1")  # the card from before the restart
            await terminal.expect("请描述")
    finally:
        await services.close()


async def test_a_line_ending_in_a_backslash_goes_on_on_the_next_line(db_url: str, tmp_path: Path):
    """Questions like the slots' ("每行一个") want several lines in one message: `\\` at a line's end continues it."""
    api = FakeBotAPI()
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(DAYTIME))
    try:
        async with console_run(services, tmp_path, api) as terminal:
            await terminal.expect("王丽> ")
            terminal.type("明天上午十点 \\")
            terminal.type("后天下午3点")
            await terminal.expect("王丽> ")
            sent = [
                m.get("text")
                for (chat_id, _), m in api.world.messages.items()
                if chat_id == 10001 and m.get("from", {}).get("id") == 10001
            ]
            assert "明天上午十点\n后天下午3点" in sent, sent
    finally:
        await services.close()


async def test_what_arrived_unseen_before_a_restart_is_shown_after_it(db_url: str, tmp_path: Path):
    """A message announced for someone else and not yet read is still theirs to read after :quit and a new start,
    and is not announced again (after a restart "→ 王丽 收到 1 条消息" came again for it): the console keeps how far
    it announced each chat, so a restart announces only what is new."""
    state = tmp_path / "console-state.json"
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(DAYTIME))
    try:
        # the demo's first start asks 王丽 to confirm a resolution: while the console is 周建华, only announced
        async with console_run(services, tmp_path, FakeBotAPI(state_path=state), start="周建华") as terminal:
            await terminal.expect("→ 王丽 收到 1 条消息")
        async with console_run(services, tmp_path, FakeBotAPI(state_path=state), start="周建华") as terminal:
            terminal.type(":who")  # an answer to wait for: whatever was to be announced at the start came before it
            await terminal.expect("控制台里的人")
            await terminal.expect("周建华> ")
            assert "收到" not in terminal.since(0), terminal.since(0)
        async with console_run(services, tmp_path, FakeBotAPI(state_path=state), start="王丽") as terminal:
            await terminal.expect("问题解决了吗")
    finally:
        await services.close()


async def test_at_night_the_console_says_that_quiet_hours_hold_questions_and_notices(db_url: str, tmp_path: Path):
    """Started at 01:45 Shanghai, a restarted question was not asked again and the banner said nothing (a stranger's
    try); by day there is no such line."""
    night = datetime(2026, 11, 30, 17, 45, tzinfo=UTC)  # 01:45 in Shanghai
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(night))
    try:
        async with console_run(services, tmp_path) as terminal:
            after = await terminal.expect("免打扰时段")
            assert "01:45" in terminal.since(after - 1) and "CONSOLE_CLOCK=" in terminal.since(after - 1)
    finally:
        await services.close()
    async with console(db_url, tmp_path) as terminal:
        await terminal.expect("王丽> ")
        assert "免打扰时段" not in terminal.since(0)


async def made_up_lao_li(services: Services, tmp_path: Path) -> None:
    """One console run: 老李, made up by name, registers (id 20001)."""
    async with console_run(services, tmp_path) as terminal:
        terminal.type(":as 老李")
        await terminal.expect("—— 现在是 老李（未注册）——")
        terminal.type("/start")
        await terminal.expect("[2.1] ✅ 同意")
        terminal.type("2.1")
        await terminal.expect("[3.1] 🏭 企业")


async def test_a_new_persons_id_is_not_one_an_earlier_run_gave_out(db_url: str, tmp_path: Path):
    """Someone made up at the console after a restart gets an id nobody has in the database (the fake Telegram of
    the second run is new: the id comes from the database, not from a counter of this run)."""
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(DAYTIME))
    try:
        await made_up_lao_li(services, tmp_path)
        assert await services.users.get(20001) is not None
        async with console_run(services, tmp_path) as terminal:
            terminal.type(":as 老王")
            await terminal.expect("—— 现在是 老王（未注册）——")
            terminal.type(":who")
            await terminal.expect("▶ 老王（20002）")
    finally:
        await services.close()


async def test_with_lang_traditional_the_console_and_its_people_write_traditional(
    db_url: str, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("LANG", "zh_TW.UTF-8")
    async with console(db_url, tmp_path) as terminal:
        await terminal.expect("您現在是 王丽（企業）")  # the console's words; a name stays as it was typed
        terminal.type("/help")
        await terminal.expect("我能為您做")
        terminal.type(":help")
        await terminal.expect("/settings")  # the help says where a person picks another language


async def test_with_lang_english_a_notice_to_someone_who_has_not_typed_yet_is_english(
    db_url: str, tmp_path: Path, monkeypatch
):
    """The console's people speak LANG's language from the start, not only once they type: a reply sent to a
    registered worker who has not written in this run reaches them in English."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")

    async with console(db_url, tmp_path, worker_asked) as terminal:
        terminal.type(":as 张敏")
        terminal.type("/queue")
        card = await terminal.find(r"\[(\d+)\.(\d+)\] ✍️ ")
        terminal.type(f"{card.group(1)}.{card.group(2)}")
        terminal.type("请先保留工资条和考勤记录。")
        await terminal.expect("→ 刘洋 ")
        terminal.type(":as 刘洋")
        await terminal.expect("请先保留工资条和考勤记录。")
        assert "回复：" not in terminal.since(0), terminal.since(0)


async def test_someone_made_up_in_an_earlier_run_is_found_by_name_after_a_restart(db_url: str, tmp_path: Path):
    """`:as 老李` after a restart is the 老李 of the earlier run (it made a second person, 20002, and the first was
    left as 用户20001, reachable by id only and missing from :who)."""
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), ShiftedClock(DAYTIME))
    try:
        await made_up_lao_li(services, tmp_path)
        async with console_run(services, tmp_path) as terminal:
            terminal.type(":who")
            await terminal.expect("老李（20001）")
            terminal.type(":as 老李")
            terminal.type(":who")
            await terminal.expect("▶ 老李（20001）")
        assert await services.users.get(20002) is None
    finally:
        await services.close()
