"""/newteam within the region (hostile report on the console demo), through the real Application on the fake Bot
API, on SQLite and PostgreSQL: a provincial team is placed at a province (the picker offers "就选江苏省" there, and
no cities), a city team at a city; a staffer creates teams only inside her own region (refused in words, audited);
a name without words is refused."""

from __future__ import annotations

from db.models import TeamLevel
from tests.harness import BotHarness
from tests.test_queue_scope import refused, staff

OUT = {"reason": "out_of_region"}


async def test_a_provincial_team_is_placed_at_a_province_and_a_city_team_at_a_city(bot: BotHarness):
    admin = await staff(bot, 601, None)  # no region: every region
    admin.send("/newteam 😀")
    await admin.expect("服务队名称要用文字填写")
    admin.send("/newteam 江苏省劳模工匠服务队")
    admin.press("省级", await admin.expect("是哪一级服务队"))
    admin.press("江苏省", await admin.expect("省级服务队设在哪个省"))
    picker = await admin.expect("请继续选择")
    names = {b["text"] for b in admin.buttons(picker)}
    assert "✅ 就选江苏省" in names and "苏州市" not in names, names
    admin.press("✅ 就选江苏省", picker)
    created = await admin.expect("已创建服务队")
    assert "江苏省" in created["text"]

    admin.send("/newteam 苏州市电力工匠服务队")
    admin.press("市级或产业", await admin.expect("是哪一级服务队"))
    await admin.expect("市级服务队设在哪个市")
    admin.send("吴中区")  # a county for a city team: asked again
    admin.press("江苏省 苏州市 吴中区", await admin.expect("找到以下地区"))
    await admin.expect("要设在对应一级的地区")
    await admin.expect("市级服务队设在哪个市")
    admin.send("苏州")
    admin.press("江苏省 苏州市", await admin.expect("找到以下地区"))
    admin.press("就选苏州市", await admin.expect("请继续选择"))
    await admin.expect("已创建服务队")
    teams = {t.name: (t.level, t.region_code) for t in await bot.services.talent.teams()}
    assert teams["江苏省劳模工匠服务队"] == (TeamLevel.PROVINCE, "320000")
    assert teams["苏州市电力工匠服务队"] == (TeamLevel.CITY, "320500")


async def test_a_staffer_creates_teams_only_inside_her_region(bot: BotHarness):
    zhang = await staff(bot, 611, "330500")  # 湖州市
    zhang.send("/newteam 浙江省服务队")
    answer = await zhang.answer_to(zhang.press("省级", await zhang.expect("是哪一级服务队")))
    assert "只能在浙江省 湖州市及以下建立服务队" in answer["text"], answer
    assert ("team.create", "level:province", OUT) in await refused(bot, 611)

    zhang.send("/newteam 湖州市电力工匠服务队")
    zhang.press("市级或产业", await zhang.expect("是哪一级服务队"))
    picker = await zhang.expect("浙江省 湖州市")  # the picker opens at her own city
    zhang.send("苏州")  # another province's city, typed: refused, audited
    zhang.press("江苏省 苏州市", await zhang.expect("找到以下地区"))
    zhang.press("就选苏州市", await zhang.expect("请继续选择"))
    await zhang.expect("只能在浙江省 湖州市及以下建立服务队")
    assert ("team.create", "region:320500", OUT) in await refused(bot, 611)
    assert not await bot.services.talent.teams()
    zhang.send("/newteam 湖州市电力工匠服务队")
    zhang.press("市级或产业", await zhang.expect("是哪一级服务队"))
    picker = await zhang.expect("浙江省 湖州市")
    zhang.press("✅ 就选湖州市", picker)
    await zhang.expect("已创建服务队")
