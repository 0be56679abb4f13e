"""/grant of a craftsman with open cases (hostile report on the console demo), through the real Application on the
fake Bot API, on SQLite and PostgreSQL: the confirmation names his open cases and his booked visit and says what
becomes of them (they stay his, in /tasks), which holds once he is staff."""

from __future__ import annotations

from services.demo_people import demo_person
from tests.test_demo import stage


async def test_granting_a_craftsman_names_his_open_cases_and_what_happens_to_them(db_url: str):
    bot = await stage(db_url)
    try:
        admin = bot.user(demo_person("赵刚").telegram_id, first_name="赵刚")
        zhou = demo_person("周建华").telegram_id
        craftsman = bot.user(zhou, first_name="周建华")
        cases = await bot.services.follow_up.cases(zhou)
        assert len(cases) >= 2 and any(case.booked_at for case in cases)
        admin.send(f"/grant {zhou}")
        ask = await admin.expect("确认修改身份")
        assert f"手上还有 {len(cases)} 个未结的案件" in ask["text"] and "仍由他负责" in ask["text"], ask["text"]
        for case in cases:
            assert case.ticket in ask["text"]
        assert "已约上门" in ask["text"]
        admin.press("确认", ask)
        await admin.expect("设为工会工作人员")
        craftsman.send("/tasks")  # what the confirmation promised: his cases are still his
        listed = await craftsman.expect(cases[0].ticket)
        assert all(case.ticket in listed["text"] for case in cases)
    finally:
        await bot.stop()
