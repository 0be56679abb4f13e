"""Issue 20's acceptance: the programme walked end to end in `make run`'s console through a pipe, as a newcomer
would type it. The enterprise (王丽) files a problem, the staffer (张敏) finds it in /queue and offers it to a craftsman
of the demo cast (周建华), who accepts and offers a slot — across a restart of `make run` in the middle of his answer —,
the enterprise books it with a press on an older message, the craftsman records the resolution, the enterprise
confirms and rates, and /stats saves a chart that opens as an image. Button numbers are read from the output."""

from __future__ import annotations

import asyncio
import io
import os
import re
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

PROBLEM = "我们的铝型材阳极氧化后表面发花、色差明显，封孔后还有白斑，想请表面处理方面的师傅来看看氧化槽和工艺参数。"
SOLUTION = "氧化槽硫酸浓度偏高、槽温波动大：槽液调到180g/L，加装冷却把槽温控制在20℃，封孔改中温封孔，白斑消失。"
PLACE = "湖州恒锐精密五金有限公司 表面处理车间"


class Walk:
    """One `make run` with its stdin and stdout: lines typed, output awaited (never slept on)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.seen: list[str] = []
        self.mark = 0  # lines before this one were matched already

    async def find(self, pattern: str) -> re.Match[str]:
        """The first line after the last match that matches ``pattern`` (a regex), reading until it comes."""
        index = self.mark
        while True:
            while index < len(self.seen):
                found = re.search(pattern, self.seen[index])
                index += 1
                if found:
                    self.mark = index
                    return found
            line = await asyncio.wait_for(self.process.stdout.readline(), 60)
            assert line, f"the console ended before {pattern!r}:\n{''.join(self.seen[-60:])}"
            self.seen.append(line.decode())

    async def expect(self, text: str) -> re.Match[str]:
        return await self.find(re.escape(text))

    async def type(self, line: str) -> None:
        self.process.stdin.write(f"{line}\n".encode())
        await self.process.stdin.drain()

    async def answer(self, question: str, text: str) -> None:
        await self.expect(question)
        await self.type(text)

    async def press(self, label: str) -> str:
        """Press the next button shown with ``label`` by its address (e.g. 8.12); return the address."""
        address = (await self.find(rf"\[(\d+\.\d+)\] {re.escape(label)}")).group(1)
        await self.type(address)
        return address

    async def be(self, name: str) -> None:
        await self.type(f":as {name}")
        await self.expect(f"—— 现在是 {name}")

    async def quit(self) -> None:
        await self.type(":quit")
        assert await asyncio.wait_for(self.process.wait(), 60) == 0


# the stage at 10:00 in Shanghai, whenever the test runs: outside the cast's quiet hours (22:00–07:00), which hold the
# questions asked again after a restart until morning
DAYTIME = "2026-12-01T10:00:00+08:00"
NEXT_AFTERNOON = "2026-12-02T15:00:00+08:00"  # after the visit booked for "明天上午十点"


async def make_run(tmp_path: Path, clock: str = DAYTIME) -> Walk:
    """`make run` without a token on the SQLite file tmp_path/data/zhuqi.sqlite3, in the venv running this test."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL", "ADMIN_IDS", "CONSOLE_AS")}
    (tmp_path / "data").mkdir(exist_ok=True)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'zhuqi.sqlite3'}",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
        CONSOLE_CLOCK=clock,
        PYTHONIOENCODING="utf-8",
        LANG="C.UTF-8",
        VENV=str(Path(sys.executable).parent.parent),
    )  # the environment this test runs in
    process = await asyncio.create_subprocess_exec(
        "make",
        "-s",
        "-C",
        str(ROOT),
        "run",
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    walk = Walk(process)
    await walk.expect("输入 /start")
    return walk


async def test_every_role_walks_the_programme_in_the_console_across_a_restart(tmp_path: Path):
    walk = await make_run(tmp_path)
    try:
        # the enterprise files a problem
        await walk.be("王丽")
        await walk.type("/report")
        await walk.press("技术难题")
        await walk.answer("请描述遇到的问题", PROBLEM)
        await walk.press("✅ 完成")
        await walk.expect("识别为：C32 有色金属冶炼和压延加工业")
        await walk.press("✅确认")
        await walk.press("一般")
        await walk.press("现场指导")
        await walk.press("📨 提交")
        code = (await walk.find(r"已提交，编号 (ZQ-\d{4}-\d{6})")).group(1)
        await walk.expect("→ 张敏 收到 1 条消息")

        # the staffer finds it in the queue and offers it to the craftsman the matcher proposes first
        await walk.be("张敏")
        await walk.type("/queue")
        card = (await walk.find(rf"🤖 (\d+)  {code}（已提交）")).group(1)
        await walk.expect("1. 周建华")
        offer = (await walk.find(rf"\[({card}\.\d+)\] 派给 周建华")).group(1)
        await walk.type(offer)
        await walk.expect("已派给 周建华")
        await walk.expect("→ 周建华 收到 1 条消息")

        # the craftsman accepts, sees the contact, and starts offering slots ...
        await walk.be("周建华")
        await walk.expect(f"新的服务请求 {code}")
        await walk.press("✅ 接受")
        await walk.expect("电话：13900010001")  # stored as typed phones are (it was "+8613900010001")
        await walk.press("📅 提供预约时段")
        await walk.expect("请发送可预约的时间")
        await walk.quit()

        # ... `make run` is restarted on the same database: his pending question is asked again, his answer taken
        walk = await make_run(tmp_path)
        await walk.be("周建华")
        await walk.answer("请发送可预约的时间", "明天上午十点")
        slot = (await walk.find(r"“明天上午十点” → (\d{4}-\d\d-\d\d 10:00)")).group(1)
        await walk.answer("请发送问诊地点", PLACE)
        await walk.expect("已将 1 个时段发给企业")

        # the enterprise books it with a press on the offer while a newer message has buttons
        await walk.be("王丽")
        offered = (await walk.find(rf"🤖 (\d+)  劳模工匠 周建华 为需求 {code} 提供了以下问诊时段")).group(1)
        booking = (await walk.find(rf"\[({offered}\.\d+)\] {slot}")).group(1)
        await walk.type("/experts")
        newer = await walk.find(r"\[(\d+)\.1\] ")
        assert int(newer.group(1)) > int(offered)
        await walk.type(booking)
        await walk.expect(f"专家问诊预约成功：需求 {code}")

        # the visit takes place (a case is solved after its visit): `make run` again the next afternoon
        await walk.quit()
        walk = await make_run(tmp_path, NEXT_AFTERNOON)

        # the craftsman records the resolution (a plain number answers his questions, it presses nothing)
        await walk.be("周建华")
        await walk.type("/tasks")
        await walk.type((await walk.find(rf"\[(\d+\.\d+)\] ✅ 登记解决 {code}")).group(1))
        await walk.answer("请简述解决方案", SOLUTION)
        await walk.answer("培训职工人数", "6")
        await walk.answer("预计经济效益", "60000")
        await walk.expect("已登记解决结果，等待企业确认")

        # the enterprise confirms and rates
        await walk.be("王丽")
        await walk.expect(f"已登记需求 {code} 的解决结果")
        await walk.press("✅ 已解决")
        await walk.press("5★")
        await walk.expect(f"需求 {code} 已结案")
        await walk.answer("还想说几句吗", "周师傅现场讲得很清楚，谢谢！")
        await walk.expect("评价已保存")

        # the staffer's figures: the chart is saved beside the database and opens as an image
        await walk.be("张敏")
        await walk.type("/stats")
        await walk.expect("[图片]")
        path = Path((await walk.find(r"📎 已保存：(\S+)")).group(1))
        assert path.parent == tmp_path / "data" / "console"
        with Image.open(io.BytesIO(path.read_bytes())) as image:
            assert image.format == "PNG" and image.size[0] > 100 and image.size[1] > 100
        await walk.quit()
    finally:
        if walk.process.returncode is None:
            walk.process.kill()
