"""Hostile tests of issue 19's features (union answers and consultations, the ask-before-filing question, the
language rule, everyday numbers and times). Each test states what should hold; a failing one is a weakness."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Consultation, Demand, Lang
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_report import staffer

ASK = "向工会工作人员咨询"


# ------------------------------------------------------------------------------------------ through the bot
LONG_QUESTION = ("老板拖欠三个月工资怎么办，" * 200)[:2000]


async def test_a_long_answer_to_a_long_question_reaches_the_member(bot: BotHarness):
    """Question (≤ 2,000) + answer (≤ 2,000) + the English template is over Telegram's 4,096: the notice is refused
    by Telegram and the member never gets the answer staff were told was sent."""
    member = await worker(bot, 911, "330502", "Ann")
    await bot.services.users.set_lang(911, Lang.ENGLISH, chosen=True)
    member.send(LONG_QUESTION)
    answer = await member.expect(("12351",))
    member.press(("Ask union staff"), answer)
    await member.expect("union staff")
    [row] = [c for c in await _consultations(bot)]
    assert len(row.question) == 2000
    staff = await staffer(bot, 912)
    staff.send("/queue")
    item = await staff.expect(f"咨询 #{row.id}")
    staff.press("回复", item)
    await staff.expect("请输入给这位职工的回复")
    staff.send("答" * 2000)
    await staff.expect(f"已回复咨询 #{row.id}")
    await bot.tick()
    await member.expect("Union staff answered your question")


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
    staff.press("回复", item)
    await staff.expect("请输入给这位职工的回复")
    staff.send('<a href="https://evil.example/">点这里</a> <b>加粗</b> \u202edesrever\u2066 ok')
    await staff.expect(f"已回复咨询 #{row.id}")
    await bot.tick()
    told = await member.expect("工会工作人员回复了您的咨询")
    assert '<a href="https://evil.example/">点这里</a>' in told["text"], told["text"]
    assert "\u202e" not in told["text"] and not told.get("entities"), told


async def test_the_ask_button_after_staff_answered_does_not_say_wait(bot: BotHarness):
    """After the consultation is answered (or closed), pressing the old button again says "请耐心等待回复"."""
    member = await worker(bot, 916, "330502", "李红")
    member.send("住院了工会有慰问金吗要什么材料")
    answer = await member.expect("来源：")
    member.press(ASK, answer)
    await member.expect("已把您的问题转给工会工作人员")
    [row] = await _consultations(bot)
    await staffer(bot, 917)
    assert (await bot.services.consultations.close(917, (await bot.services.users.get(917)).role, row.id)).ok
    again = member.press(ASK, answer)
    text = (await member.answer_to(again))["text"]
    assert "耐心等待" not in text, text


CONFIDENT = "我们厂的配电线路频繁跳闸，变压器温度偏高，请问怎么处理？"


async def test_a_caption_of_1024_characters_with_controls_is_filed_or_refused_politely(bot: BotHarness):
    from tests.test_report import enterprise_user

    user = await enterprise_user(bot, 921)
    caption = (CONFIDENT + "\x00\x07\u202e\x1b[31m")
    caption = (caption * 40)[:1024]
    user.send_photo(caption=caption)
    reply = await user.expect(("企业名称", "抱歉", "字"))
    assert "抱歉" not in reply["text"], reply["text"]
    async with bot.services.db.session() as session:
        texts = list((await session.scalars(select(Demand.text))).all())
    assert texts and not any(ch in texts[0] for ch in "\x00\x07\u202e\x1b"), repr(texts[0][:80])


async def test_a_union_question_with_a_nul_is_filed(bot: BotHarness):
    member = await worker(bot, 922, "330502", "李红")
    member.send("工会会费每个月交多少\x00")
    member.press(ASK, await member.expect("来源："))
    reply = await member.expect(("已把您的问题转给工会工作人员", "抱歉"))
    assert "抱歉" not in reply["text"], reply["text"]


async def test_an_album_with_one_caption_makes_one_draft_with_every_photo(bot: BotHarness):
    """Telegram sends an album as one message per photo with the same media_group_id; only the first carries the
    caption. The other photos should join the draft (or at least not each get the no-caption hint)."""
    from tests.test_report import enterprise_user

    user = await enterprise_user(bot, 923)
    for index in range(3):
        stored = bot.api.world.store_file(b"\x89PNG fake%d" % index, "photo", "image/png")
        extra = {"caption": CONFIDENT} if index == 0 else {}
        bot.api.user_message(923, photo=[{"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                                          "width": 640, "height": 480, "file_size": 9}],
                             media_group_id="album-1", **extra)
    await bot.wait_handled()
    await user.expect("企业名称")
    texts = user.texts()
    hints = [t for t in texts if "说明" in t and "照片" in t]
    assert len(hints) == 0, texts


def test_alarm_codes_after_chinese_do_not_turn_a_reader_without_language_code_to_english():
    """Telegram may omit language_code. Someone who has written Chinese, then pastes three alarm codes / markup
    lines (no sentence of English among them), is switched to English: every line with two Latin "words"
    ("SV0436 SV0437" counts) reads as English."""
    from services.language import answer_language, remember

    history = ""
    for line in ("机器报警了", "数控机床停机", "报警代码如下",
                 "FANUC 0i-MF SV0436", "SV0437 SV0438", "SELECT * FROM alarms"):
        history = remember(history, line)
    assert answer_language(None, None, history) == "zh-hans", history
