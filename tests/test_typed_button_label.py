"""A button's label typed instead of pressed is the button's answer, in either script: in a Hong Kong (traditional)
run "不限人数" typed at the capacity question was refused as "not a valid number"."""

from __future__ import annotations

import pytest

from db.models import Lang
from tests.harness import BotHarness
from tests.test_report import STAFF, staffer


@pytest.mark.parametrize(
    ("lang", "code", "typed"),
    [
        (Lang.TRADITIONAL, "zh-HK", "不限人数"),
        (Lang.TRADITIONAL, "zh-HK", "不限人數"),
        (Lang.SIMPLIFIED, "zh-hans", "不限人數"),
        (Lang.SIMPLIFIED, "zh-hans", " 不限人数 "),
    ],
)
async def test_the_unlimited_label_typed_at_the_capacity_question_is_its_answer(bot: BotHarness, lang, code, typed):
    await staffer(bot)
    await bot.services.users.set_lang(STAFF, lang, chosen=True)
    staff = bot.user(STAFF, first_name="工会小李", language_code=code)
    staff.send("/new_course")
    await staff.expect(("请输入课程名称", "請輸入課程名稱"))
    staff.send("AI写作入门")
    staff.press(("跳過", "跳过")[lang is Lang.SIMPLIFIED], await staff.expect(("授课老师", "授課老師")))
    await staff.expect(("上课地点", "上課地點"))
    staff.send("湖州市职工服务中心")
    await staff.expect("最多多少人")
    staff.send(typed)
    await staff.expect(("面向哪个地区", "面向哪個地區"))
    assert not any("不是有效的人数" in t or "不是有效的人數" in t for t in staff.texts())
