"""Staff act within their region (hostile report on the console demo), through the real Application on the fake Bot
API, on SQLite and PostgreSQL: another region's staffer cannot stop a broadcast (refused in words, audited), its
author is told when someone else stops it, /broadcast_cancel without a number lists what one may stop and stops
only at the press; a broadcast's report counts those who left its audience before it went out."""

from __future__ import annotations

from datetime import timedelta

from db.models import Role
from services.audience import Filters
from services.broadcasts import Content
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_queue_scope import refused, staff

ADMIN = 99
HUZHOU, FOSHAN = "330500", "440600"
OUT = {"reason": "out_of_region"}


async def test_another_regions_staffer_cannot_cancel_a_broadcast_and_the_author_is_told_of_a_cancel(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        for uid in (401, 402):
            await worker(bot, uid, "330502")
        zhang = await staff(bot, 611, HUZHOU)
        liu = await staff(bot, 612, FOSHAN)
        await bot.services.users.register(ADMIN, "赵刚")
        admin = bot.user(ADMIN, first_name="赵刚")
        later = bot.clock.now() + timedelta(days=2)
        broadcast = await bot.services.broadcasts.create(611, Role.STAFF, Filters(), Content("湖州竞赛报名"), later)

        liu.send(f"/broadcast_cancel {broadcast.id}")
        await liu.expect(f"群发 #{broadcast.id} 的对象不在您负责的地区")
        assert await refused(bot, 612) == [("broadcast.cancel", f"broadcast:{broadcast.id}", OUT)]
        liu.send("/broadcast_cancel")  # nothing of his to stop: none listed
        await liu.expect("没有可以取消的群发")
        assert (await bot.services.broadcasts.get(broadcast.id)).status.value == "scheduled"

        admin.send("/broadcast_cancel")  # no number: the list, and nothing stopped before the press
        listed = await admin.expect("要取消哪一条")
        assert f"#{broadcast.id} · " in listed["text"] and "湖州竞赛报名" in listed["text"]
        assert (await bot.services.broadcasts.get(broadcast.id)).status.value == "scheduled"
        admin.press(f"取消群发 #{broadcast.id}", listed)
        await admin.expect(f"已取消群发 #{broadcast.id}")
        await bot.tick()
        await zhang.expect(f"您的群发 #{broadcast.id} 已被 赵刚 取消")


async def test_a_regional_staffer_cancels_her_own_and_a_forged_press_is_checked_again(db_url: str):
    async with BotHarness(db_url) as bot:
        await worker(bot, 401, "330502")
        zhang = await staff(bot, 611, HUZHOU)
        province = await staff(bot, 613, "330000")  # 浙江省: covers 湖州
        liu = await staff(bot, 612, FOSHAN)
        later = bot.clock.now() + timedelta(days=2)
        first = await bot.services.broadcasts.create(611, Role.STAFF, Filters(), Content("第一条"), later)
        second = await bot.services.broadcasts.create(611, Role.STAFF, Filters(), Content("第二条"), later)

        liu.press_data(
            bot.signed(liu, f"bc:stop:{first.id}"),
            {"message_id": 1, "chat": {"id": 612, "type": "private"}, "date": 0, "from": bot.api.bot_user},
        )
        await bot.wait_handled()
        assert ("broadcast.cancel", f"broadcast:{first.id}", OUT) in await refused(bot, 612)
        assert (await bot.services.broadcasts.get(first.id)).status.value == "scheduled"

        province.send(f"/broadcast_cancel {first.id}")  # her province covers the broadcast's region
        await province.expect(f"已取消群发 #{first.id}")
        await bot.tick()
        await zhang.expect(f"您的群发 #{first.id} 已被 工会613 取消")
        zhang.send("/broadcast_cancel")
        listed = await zhang.expect("要取消哪一条")
        assert f"#{second.id} · " in listed["text"] and f"#{first.id} · " not in listed["text"]
        zhang.press(f"取消群发 #{second.id}", listed)
        await zhang.expect(f"已取消群发 #{second.id}")
        await bot.tick()
        assert not [text for text in zhang.texts() if f"您的群发 #{second.id} 已被" in text]  # her own: no notice


async def test_the_report_counts_recipients_who_left_the_audience_before_it_went_out(db_url: str):
    async with BotHarness(db_url) as bot:
        for uid in (401, 402, 403):
            await worker(bot, uid, "330502")
        zhang = await staff(bot, 611, HUZHOU)
        later = bot.clock.now() + timedelta(hours=2)
        broadcast = await bot.services.broadcasts.create(
            611, Role.STAFF, Filters(("worker",)), Content("湖州竞赛报名"), later
        )
        await bot.services.users.set_region(403, "440604")  # moved to 佛山 before it went out
        bot.clock.advance(hours=3)
        await bot.application.deliver()
        await bot.application.broadcaster.idle()
        report = await zhang.expect(f"群发 #{broadcast.id} 完成")
        for line in ("对象：3 人", "送达：2", "失败：0", "已屏蔽机器人：0", "未发出（发出前已不在对象范围内）：1"):
            assert line in report["text"], report["text"]
