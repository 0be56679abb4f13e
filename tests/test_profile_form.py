"""/profile declared as the form engine's steps (conversations/form_draft.py Flow): each ✏️ of the card is a step
whose question a restart asks again — the ticked service modes with their ticks, the capacity with its buttons —
and the answer given after it is saved; what each answer must be is the service's rule (services/profile_form.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from db.models import Role
from services.profile_form import read_pause_day, read_specialities
from services.talent import Application
from services.validation import Invalid
from tests.harness import BotHarness
from tests.test_report import enterprise_user, staffer


async def _craftsman(bot: BotHarness, user_id: int):
    staff = await staffer(bot)
    user = await enterprise_user(bot, user_id)
    card = await bot.services.talent.apply(
        user_id,
        Application(
            "陆师傅", "苏州某精密机械公司", "13900139000", [], ["数控机床调试"], ["34"], "330502", None, 2, ["remote"]
        ),
    )
    await bot.services.talent.decide(card.id, staff.id, Role.STAFF, approve=True)
    return user


async def test_a_restart_mid_profile_modes_asks_them_again_with_the_ticks(bot: BotHarness):
    user = await _craftsman(bot, 91)
    user.send("/profile")
    user.press("服务方式", await user.expect("我的工匠资料"))
    user.press("现场指导", await user.expect("服务方式"))
    await user.expect("服务方式")  # ticked
    await bot.restart()
    asked = await user.expect("您可以提供哪些服务方式")  # asked again, as it stood
    assert "✅ 现场指导" in [b["text"] for b in user.buttons(asked)]
    user.press("下一步", asked)
    await user.expect("已保存")
    assert set((await bot.services.talent.of_user(91)).service_modes) == {"onsite", "remote"}


async def test_a_restart_mid_profile_capacity_asks_again_and_saves(bot: BotHarness):
    user = await _craftsman(bot, 92)
    user.send("/profile")
    user.press("服务能力", await user.expect("我的工匠资料"))
    await user.expect("同时承接")
    await bot.restart()
    user.press("5", await user.expect("同时承接"))
    await user.expect("已保存")
    assert (await bot.services.talent.of_user(92)).capacity == 5


def test_what_a_profile_answer_must_be_is_the_services_rule():
    now, tz = datetime(2026, 11, 20, 2, 0, tzinfo=UTC), ZoneInfo("Asia/Shanghai")
    assert read_specialities("数控机床调试\n- 热处理") == ["数控机床调试", "热处理"]
    with pytest.raises(Invalid) as refused:
        read_specialities("长" * 61)
    assert refused.value.key == "profile.ask_specialities"
    assert read_pause_day("2026-12-31", now, tz) == date(2026, 12, 31)
    with pytest.raises(Invalid) as refused:
        read_pause_day("2020-01-01", now, tz)
    assert refused.value.values == {"today": "2026-11-20", "max": 366}
