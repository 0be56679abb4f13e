"""A craftsman's application (/join) within the region (hostile report on the console demo), through the real
Application on the fake Bot API, on SQLite and PostgreSQL: its review notice goes to the staff of the applicant's
region (a province's staff cover its cities) and to admins, and staff of another region are refused (audited) at
approving or rejecting; a name, workplace or speciality without words is asked for again; a phone someone else
holds is flagged to the reviewer; /start in the middle of /join names the application still open."""

from __future__ import annotations

from db.models import Enterprise
from tests.harness import BotHarness
from tests.test_join_form import _to_the_card, specialities_to_the_card
from tests.test_queue_scope import refused, staff
from tests.test_report import enterprise_user

ADMIN = 99
NOTICE = "新的入库申请"
OUT = {"reason": "out_of_region"}


def told(user, needle: str) -> bool:
    return any(needle in text for text in user.texts())


async def apply(bot: BotHarness, user_id: int, phone: str = "139 0013 9000") -> None:
    """/join by an enterprise user of 湖州 吴兴区 (tests/test_join_form.py's walk), submitted."""
    applicant, card = await _to_the_card(bot, user_id, phone)
    applicant.press("📨 提交申请", card)
    await applicant.expect("申请已提交")
    await bot.tick()


async def test_the_review_notice_goes_to_the_applicants_region_and_other_regions_are_refused(db_url: str):
    async with BotHarness(db_url, admin_ids=str(ADMIN)) as bot:
        zhang = await staff(bot, 611, "330500")  # 湖州市
        province = await staff(bot, 613, "330000")  # 浙江省 covers 湖州
        liu = await staff(bot, 612, "440600")  # 佛山市
        await bot.services.users.register(ADMIN, "赵刚")
        admin = bot.user(ADMIN, first_name="赵刚")
        await apply(bot, 81)
        notices = {user.id: await user.expect(NOTICE) for user in (zhang, province, admin)}
        assert not told(liu, NOTICE)

        (card,) = await bot.services.talent.pending(611)
        liu.send("/review")
        await liu.expect("没有待审核的入库申请")
        for data in (f"rv:ok:{card.id}", f"rv:no:{card.id}"):
            liu.press_data(
                bot.signed(liu, data),
                {"message_id": 1, "chat": {"id": 612, "type": "private"}, "date": 0, "from": bot.api.bot_user},
            )
            await bot.wait_handled()
        assert await refused(bot, 612) == [("craftsman.review", f"craftsman:{card.id}", OUT)] * 2
        assert not told(liu, "请输入不通过的原因")
        assert (await bot.services.talent.card(card.id)).status.value == "pending"

        zhang.press("✅ 通过", notices[611])
        await zhang.expect("已通过：陆师傅")


async def test_answers_without_words_are_asked_again_politely(bot: BotHarness):
    applicant = await enterprise_user(bot, 81)
    applicant.send("/join")
    await applicant.expect("请输入您的姓名")
    for nothing in ("😀", "--", "１２３"):
        applicant.send(nothing)
        await applicant.expect("姓名要用文字填写")
    applicant.send("陆师傅")
    applicant.press("下一步", await applicant.expect("荣誉"))
    await applicant.expect("工作单位")
    applicant.send("😀😀")
    await applicant.expect("工作单位要用文字填写")
    applicant.send("湖州某精密机械公司")
    await applicant.expect("技术处方")
    applicant.send("😀😀")
    await applicant.expect("技术专长要用文字填写")
    applicant.send("/start")  # in the middle of /join: the application still open is named
    welcome = await applicant.expect("欢迎回来")
    assert "没有提交的劳模工匠入库申请" in welcome["text"] and "/join" in welcome["text"]
    applicant.send("/join")
    await applicant.expect("接着上次")
    await applicant.expect("技术处方")
    card = await specialities_to_the_card(applicant)
    assert "😀" not in card["text"] and "陆师傅" in card["text"]


async def test_a_phone_someone_else_holds_is_flagged_to_the_reviewer(bot: BotHarness):
    await bot.services.users.register(10001, "王丽")
    async with bot.services.db.session() as session:
        session.add(Enterprise(name="湖州恒锐精密五金", contact_name="王丽", phone="13900010001", owner_user_id=10001))
    zhang = await staff(bot, 611, "330500")
    await apply(bot, 81, "+86 139 0001 0001")
    notice = await zhang.expect(NOTICE)
    assert "已登记在 王丽 名下" in notice["text"]
