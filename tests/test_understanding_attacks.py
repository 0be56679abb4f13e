"""Hostile tests of issue 19's features that held (a long union question, HTML and invisible characters in a staff
answer, an album with one caption); the weaknesses the same attack found have their tests beside the code they fixed."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Consultation
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer
from tests.test_union import staff_answers

ASK = "向工会工作人员咨询"


# ------------------------------------------------------------------------------------------ through the bot


async def _consultations(bot: BotHarness) -> list[Consultation]:
    async with bot.services.db.session() as session:
        return list((await session.scalars(select(Consultation).order_by(Consultation.id))).all())


async def test_a_long_union_question_is_not_cut_silently(bot: BotHarness):
    """A 2,001–4,096 character question is either refused politely or filed whole; it was refused at 2,000 by
    route_text (MAX_TEXT), so this holds if refused: check the member hears why."""
    member = await worker(bot, 913, "330502", "李红")
    member.send(("老板拖欠三个月工资怎么办，" * 400)[:3000])
    reply = await member.expect(("字", "12351"))
    assert "12351" not in reply["text"] or ASK not in str(reply.get("reply_markup"))


async def test_html_and_invisible_characters_in_the_staff_answer_are_shown_as_plain_text(bot: BotHarness):
    member = await worker(bot, 914, "330502", "李红")
    question = "工会会费每个月交多少<b>粗</b>\u202e反转\x07"
    member.send(question)
    member.press(ASK, await member.expect("来源："))
    await member.expect("已把您的问题转给工会工作人员")
    [row] = await _consultations(bot)
    staff = await staffer(bot, 915)
    staff.send("/queue")
    item = await staff.expect(f"咨询 #{row.id}")
    assert "\u202e" not in item["text"] and "\x07" not in item["text"] and "<b>粗</b>" in item["text"]
    told = await staff_answers(
        bot,
        item,
        staff,
        row.id,
        '<a href="https://evil.example/">点这里</a> <b>加粗</b> \u202edesrever\u2066 ok',
        member,
    )
    assert '<a href="https://evil.example/">点这里</a>' in told["text"], told["text"]
    assert "\u202e" not in told["text"] and not told.get("entities"), told


CONFIDENT = "我们厂的配电线路频繁跳闸，变压器温度偏高，请问怎么处理？"


async def test_an_album_with_one_caption_makes_one_draft_with_every_photo(bot: BotHarness):
    """Telegram sends an album as one message per photo with the same media_group_id; only the first carries the
    caption. The other photos should join the draft (or at least not each get the no-caption hint)."""
    from tests.test_report import enterprise_user

    user = await enterprise_user(bot, 923)
    for index in range(3):
        stored = bot.api.world.store_file(b"\x89PNG fake%d" % index, "photo", "image/png")
        extra = {"caption": CONFIDENT} if index == 0 else {}
        bot.api.user_message(
            923,
            photo=[
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": 640,
                    "height": 480,
                    "file_size": 9,
                }
            ],
            media_group_id="album-1",
            **extra,
        )
    await bot.wait_handled()
    await user.expect("企业名称")
    texts = user.texts()
    hints = [t for t in texts if "说明" in t and "照片" in t]
    assert len(hints) == 0, texts


async def test_a_telegram_name_is_stored_without_invisible_characters(bot: BotHarness):
    """Every stored text is cleaned, the names Telegram sends with each update too: a first name with a
    right-to-left override (shown to staff in /queue and /staff) is stored without it."""
    from db.models import User

    await bot.services.users.register(931, "王工")
    user = bot.user(931, first_name="\u202e工\u200b王\u2069", last_name="\u2066李\x07")
    user.send("/help")
    await user.expect("/start")
    async with bot.services.db.session() as session:
        stored = await session.get(User, 931)
    assert (stored.first_name, stored.last_name) == ("工王", "李")
