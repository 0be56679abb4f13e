"""The words users see, as the newcomer's console run read them (item 3), through the real Application on the
fake Bot API, on SQLite and PostgreSQL: staff told what to do when an enterprise reopens a case, English figures in
ASCII brackets, no thanks for a recognition never tried, a draft said once with its unset contact said so, a year
out of range named as such in any form, the /grant id rule and its words agreeing, and the — of a confirmation said
in words."""

from __future__ import annotations

from decimal import Decimal

from db.models import Lang, Role
from fakebotapi import FakeUser
from services.ids import USER_ID_MAX
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import answered_not_solved, craftsman, demand, submit
from tests.test_stats_export import STAFFER, seed

ADMIN = 77


async def english(bot: BotHarness, user_id: int) -> None:
    await bot.services.users.set_lang(user_id, Lang.ENGLISH, chosen=True)


async def test_staff_are_told_to_follow_up_with_the_craftsman_when_the_enterprise_reopens(bot: BotHarness):
    """ "…it is reopened, please carry on" went to staff too: carrying on is the craftsman's; staff follow up."""
    staff = await staffer(bot)
    await english(bot, staff.id)
    helper = await craftsman(bot, 901, "陈师傅", "330502", ["变压器运维", "配电线路故障排查"], ["44"])
    company = await enterprise_user(bot, 35)
    ticket = await submit(company, "配电线路经常故障跳闸，变压器温度偏高，需要排查")
    d = await demand(bot)
    offered = await bot.services.casework.offer(
        900, Role.STAFF, d.id, (await bot.services.matcher.for_demand(d.id, 1))[0].craftsman_id
    )
    await bot.services.casework.accept(901, offered.match_id)
    await bot.services.follow_up.resolve(901, offered.match_id, "更换分接开关", 3, Decimal("8000"))
    await answered_not_solved(bot, company, helper)  # the craftsman: 尚未解决，已重新打开，请继续跟进
    told = await staff.expect(f"The enterprise says {ticket} is not solved")
    assert "carry on" not in told["text"] and "follow up with the craftsman" in told["text"], told["text"]


async def test_english_figures_take_ascii_brackets(bot: BotHarness):
    await seed(bot)
    staff = await worker(bot, STAFFER, "320500", "小李")
    await bot.services.users.set_staff(STAFFER, True)
    await english(bot, STAFFER)
    staff.send("/stats 2024H1 all")
    text = (await staff.expect("Enterprises served"))["text"]
    assert "Enterprises served: 2 (+100.0%)" in text and "（" not in text and "）" not in text, text


async def test_a_year_out_of_range_gets_the_range_answer_in_any_form(bot: BotHarness):
    await seed(bot)
    staff = await worker(bot, STAFFER, "320500", "小李")
    await bot.services.users.set_staff(STAFFER, True)
    for typed in ("99999年", "1900年", "99999年上半年", "99999-03", "12345年3月", "99999Q1"):
        staff.send(f"/stats {typed}")
        answer = await staff.expect(f"“{typed}”的年份不在统计范围内")
        assert "2000–2100" in answer["text"]
    staff.send("/stats 330502")  # six bare digits are a region code, not a year
    assert "年份不在统计范围内" not in (await staff.expect("助企行成效"))["text"]


async def test_english_manual_industry_pick_is_saved_without_thanks_for_a_recognition_never_tried(bot: BotHarness):
    await worker(bot, 71, "330502", "Anna")
    await english(bot, 71)
    user = bot.user(71, first_name="Anna", language_code="en")
    user.send("/classify the welding seams crack after painting")
    sections = await user.expect("the classifier reads descriptions in Chinese")
    user.press(next(b["text"] for b in FakeUser.buttons(sections) if b["text"].startswith("C")), sections)
    divisions = await user.expect("please pick a division")
    user.press(FakeUser.buttons(divisions)[0]["text"], divisions)
    saved = await user.expect("Industry")
    assert "saved" in saved["text"] and "Thank you" not in saved["text"] and "improve" not in saved["text"]


async def test_a_chinese_description_still_thanks_for_the_pick(bot: BotHarness):
    """The classifier read it and found nothing: a pick by hand does help it, and the thanks stay."""
    await worker(bot, 72, "330502")
    user = bot.user(72, first_name="职工")
    user.send("/classify 有个事情")
    sections = await user.expect("看不出是哪个行业")
    user.press(FakeUser.buttons(sections)[0]["text"], sections)
    divisions = await user.expect("请选择大类")
    user.press(FakeUser.buttons(divisions)[0]["text"], divisions)
    assert "帮助我们改进识别" in (await user.expect("已记录行业"))["text"]


async def test_my_draft_says_draft_once_and_its_unset_contact_says_not_set(bot: BotHarness):
    company = await enterprise_user(bot, 44, Lang.ENGLISH, "en")
    await english(bot, 44)
    company.send("/report")
    company.press("Training need", await company.expect("What kind of demand"))
    await company.expect("What is the training about?")
    company.send("/my")
    listed = await company.expect("My demands")
    assert listed["text"].count("Draft") == 1, listed["text"]
    company.press(FakeUser.buttons(listed)[0]["text"], listed)
    detail = await company.expect("Kind: Training need")
    assert detail["text"].count("Draft") == 1, detail["text"]
    assert "Contact: (not set)" in detail["text"] and "Phone: (not set)" in detail["text"], detail["text"]


async def test_the_grant_id_rule_and_its_words_agree(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        admin = bot.user(ADMIN, "管理员")
        admin.send(f"/grant {USER_ID_MAX + 1}")  # 19 digits, past a signed 64-bit integer
        refused = await admin.expect("不是有效的用户 id")
        assert "19 位" not in refused["text"] and f"{USER_ID_MAX}" in refused["text"], refused["text"]
        admin.send(f"/grant {USER_ID_MAX}")  # the largest id the rule takes: looked up, not refused as malformed
        await admin.expect("找不到这个用户")


async def test_the_grant_confirmation_says_in_words_that_there_is_no_username(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        await bot.services.users.register(ADMIN, "管理员")
        await bot.services.users.register(10007, "刘洋")
        admin = bot.user(ADMIN, "管理员")
        admin.send("/grant 10007")
        confirm = await admin.expect("确认修改身份吗")
        assert "刘洋（无用户名，id 10007）" in confirm["text"] and "—" not in confirm["text"], confirm["text"]
