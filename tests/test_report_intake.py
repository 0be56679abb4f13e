"""Text and photos sent outside a conversation that may be a demand, end to end through the real Application on
the fake Bot API: weak evidence asks before a draft is opened, a kept draft takes nothing that is not its
description, a photo with a caption is read like typed text, and /report's description step welcomes photos."""

from __future__ import annotations

from sqlalchemy import select

from db.models import DemandAttachment, DemandKind, DemandStatus
from tests.harness import BotHarness
from tests.test_report import demands, enterprise_user, fill_profile

QUESTION = "这是需要劳模工匠帮助的技术难题吗"
WEAK = "有个问题想请教一下"  # problem-like only by a cue word: no industry vocabulary at all
CONFIDENT = "我们厂的配电线路频繁跳闸，变压器温度偏高，请问怎么处理？"
BUTTONS = ["是，提交技术难题", "是培训需求", "不是，我有别的问题"]


async def attachments(bot: BotHarness, demand_id: int) -> list[DemandAttachment]:
    async with bot.services.db.session() as session:
        return list(
            (await session.scalars(select(DemandAttachment).where(DemandAttachment.demand_id == demand_id))).all()
        )


async def test_weak_text_asks_first_and_each_button_does_what_it_says(bot: BotHarness):
    user = await enterprise_user(bot, 61)
    user.send(WEAK)
    question = await user.expect(QUESTION)
    assert [b["text"] for b in user.buttons(question)] == BUTTONS
    assert WEAK not in str(question["reply_markup"])  # the text waits on the server, not in the buttons
    assert await demands(bot) == []
    await bot.restart()  # ... and survives a restart
    user.press("是，提交技术难题", question)
    await user.expect("技术难题")
    await user.expect("企业名称")  # the kind is known: straight to the profile
    [draft] = await demands(bot)
    assert draft.user_id == 61 and draft.status is DemandStatus.DRAFT and draft.kind is DemandKind.PROBLEM
    assert draft.text == WEAK
    again = user.press("是，提交技术难题", question)  # pressed twice: no second draft
    assert "按钮已失效" in (await user.answer_to(again))["text"]
    assert len(await demands(bot)) == 1

    trainer = await enterprise_user(bot, 62)
    trainer.send(WEAK)
    trainer.press("是培训需求", await trainer.expect(QUESTION))
    await trainer.expect("培训主题")
    [_, training] = await demands(bot)
    assert training.user_id == 62 and training.kind is DemandKind.TRAINING and training.text == WEAK

    asker = await enterprise_user(bot, 63)
    asker.send(WEAK)
    asker.press("不是，我有别的问题", await asker.expect(QUESTION))
    answer = await asker.expect("12351")
    assert "/help" in answer["text"] or "/report" in answer["text"]
    assert len(await demands(bot)) == 2

    forger = await enterprise_user(bot, 64)  # nothing pending for him: made-up data opens nothing
    forger.send("你好")
    greeting = await forger.expect("「劳模工匠助企行」助手")
    forged = forger.press_data(bot.signed(forger, "iq:problem:1"), greeting)
    assert "按钮已失效" in (await forger.answer_to(forged))["text"]
    assert len(await demands(bot)) == 2


async def test_confident_problem_goes_straight_in(bot: BotHarness):
    user = await enterprise_user(bot, 65)
    user.send(CONFIDENT)
    await user.expect("这听起来是一个技术难题")
    await user.expect("企业名称")
    assert not any(QUESTION in text for text in user.texts())
    [draft] = await demands(bot)
    assert draft.text == CONFIDENT


async def test_kept_draft_swallows_neither_a_greeting_nor_a_wage_question(bot: BotHarness):
    user = await enterprise_user(bot, 66)
    user.send(CONFIDENT)
    await user.expect("这听起来是一个技术难题")
    await fill_profile(user)
    await user.expect("请描述")  # the description step waits; the user walks away and writes other things
    user.send("你好")
    await user.expect("「劳模工匠助企行」助手")
    await user.expect("草稿仍然保留")
    user.send("公司拖欠工资怎么办")
    await user.expect("12351")
    wage_aside = await user.expect("没有加入需求描述")
    [draft] = await demands(bot)
    assert draft.text == CONFIDENT
    user.send("冲压工序经常发生工伤，需要改进安全防护")  # a description that mentions 工伤: added after all
    await user.expect("12351")
    user.press("加入描述", await user.expect("没有加入需求描述"))
    await user.expect("已记下")
    stale = user.press("加入描述", wage_aside)  # only the latest text kept aside can be added
    assert "按钮已失效" in (await user.answer_to(stale))["text"]
    [draft] = await demands(bot)
    assert "经常发生工伤" in draft.text and "拖欠工资" not in draft.text
    user.send("/cancel")
    user.press("保留草稿", await user.expect("要丢弃这份尚未提交的需求草稿吗"))
    await user.expect("草稿已保留")
    user.send("你好")
    await user.expect("「劳模工匠助企行」助手")
    user.send("工资拖欠了三个月怎么办")  # a wage question: answered as one, not added to the kept draft
    await user.expect("12351")
    [kept] = await demands(bot)
    assert kept.text == draft.text and kept.status is DemandStatus.DRAFT
    user.send("/report")  # the draft is still there to resume
    resume = await user.expect("您有一份尚未提交的需求")
    assert "配电线路" in resume["text"]
    user.press("继续填写", resume)
    await user.expect("请描述")
    user.send("你好")  # at the description step again: still not swallowed
    await user.expect("「劳模工匠助企行」助手")
    user.press("完成", await user.expect("没有加入需求描述"))
    await user.expect("识别为：D44")


async def test_a_new_problem_beside_a_kept_draft_starts_its_own(bot: BotHarness):
    user = await enterprise_user(bot, 70)
    user.send(CONFIDENT)
    await user.expect("企业名称")
    user.send("/cancel")
    user.press("保留草稿", await user.expect("要丢弃"))
    await user.expect("草稿已保留")
    user.send("铝型材喷涂过程遇到氧化，皮膜厚度不均")
    await user.expect("之前还有一份尚未提交的需求草稿")
    await user.expect("企业名称")
    kept, new = await demands(bot)
    assert kept.text == CONFIDENT and new.text == "铝型材喷涂过程遇到氧化，皮膜厚度不均"
    assert kept.status is new.status is DemandStatus.DRAFT


async def test_photo_with_a_caption_is_read_like_text(bot: BotHarness):
    user = await enterprise_user(bot, 67)
    user.send_photo(caption=CONFIDENT)
    await user.expect("这听起来是一个技术难题")
    await user.expect("企业名称")
    [draft] = await demands(bot)
    assert draft.text == CONFIDENT
    [photo] = await attachments(bot, draft.id)
    assert photo.kind == "photo"

    other = await enterprise_user(bot, 68)
    other.send_photo()
    await other.expect("说明")  # no caption: a hint to describe it
    other.send_photo(caption="你好")
    await other.expect("「劳模工匠助企行」助手")
    other.send_photo(caption=WEAK)
    other.press("是，提交技术难题", await other.expect(QUESTION))
    await other.expect("企业名称")
    [_, second] = await demands(bot)
    assert second.user_id == 68 and second.text == WEAK
    assert [a.kind for a in await attachments(bot, second.id)] == ["photo"]


async def test_describe_step_takes_photos_and_its_wrong_input_answer_says_so(bot: BotHarness):
    user = await enterprise_user(bot, 69)
    user.send("/report")
    user.press("技术难题", await user.expect("请选择需求类型"))
    await fill_profile(user)
    await user.expect("请描述")
    for send in (user.send_sticker, user.send_voice, user.send_location):
        send()
        wrong = await user.expect("照片")
        assert "无法处理贴纸、图片" not in wrong["text"]
    user.send_photo(caption="皮膜照片")
    await user.expect("附件 1 个")
    [draft] = await demands(bot)
    assert [a.kind for a in await attachments(bot, draft.id)] == ["photo"]


def test_the_rule_asks_about_weak_evidence():
    from nlp.analyzer import shared_analyzer
    from services.intake import sure_enough

    analyse = shared_analyzer().analyse
    assert not sure_enough(analyse("老板拖欠三个月工资怎么办"))  # confidence 0.09, the cue was the stray word 三个
    assert not sure_enough(analyse(WEAK))  # no industry vocabulary at all
    assert not sure_enough(analyse("你好"))  # not a demand
    assert sure_enough(analyse(CONFIDENT))
    assert sure_enough(analyse("我们需要焊工培训，大约30人"))


async def test_a_caption_of_1024_characters_with_controls_is_filed_without_them(bot: BotHarness):
    """A caption with NUL, BEL, U+202E and ESC was stored as typed (SQLite) or crashed (PostgreSQL): typed text is
    stored without NUL and other invisible controls."""
    from db.models import Demand

    user = await enterprise_user(bot, 921)
    caption = ((CONFIDENT + "\x00\x07\u202e\x1b[31m") * 40)[:1024]
    user.send_photo(caption=caption)
    reply = await user.expect(("企业名称", "抱歉", "字"))
    assert "抱歉" not in reply["text"], reply["text"]
    async with bot.services.db.session() as session:
        texts = list((await session.scalars(select(Demand.text))).all())
        captions = list((await session.scalars(select(DemandAttachment.caption))).all())
    assert texts and not any(ch in text for text in texts + captions if text for ch in "\x00\x07\u202e\x1b"), repr(
        texts[0][:80]
    )
    assert CONFIDENT + CONFIDENT in texts[0]  # the colour sequence goes whole (it left "[31m" before)


async def test_the_description_step_after_free_text_says_the_text_is_kept(bot: BotHarness):
    """After "您写的内容已经记下了", the description step asked "请描述遇到的问题或需求" as if nothing was there."""
    user = await enterprise_user(bot, 69)
    user.send(CONFIDENT)
    await user.expect("您写的内容已经记下了")
    await fill_profile(user)
    step = await user.expect("请描述")
    assert "已记下您的描述" in step["text"] and "请描述遇到的问题或需求" not in step["text"]
    assert [b["text"] for b in user.buttons(step)] == ["✅ 完成"]


async def test_the_description_step_takes_text_that_mentions_classes_or_competitions(bot: BotHarness):
    """A hostile tester's 「补充：设备是FANUC系统，希望周末上课」 at the description step was answered as a night-school
    question (/courses) and kept out of the description: there, only a greeting or a union question is answered as
    such; a course or competition named in a description is part of it."""
    user = await enterprise_user(bot, 72)
    user.send(CONFIDENT)
    await user.expect("这听起来是一个技术难题")
    await fill_profile(user)
    await user.expect("请描述")
    user.send("补充：设备是FANUC系统，希望周末上课")
    await user.expect("已记下")
    user.send("另外我们想在技能竞赛前把这个问题解决")
    await user.expect("已记下")
    [draft] = await demands(bot)
    assert "设备是FANUC系统，希望周末上课" in draft.text and "技能竞赛前" in draft.text
    assert not any("没有加入需求描述" in text or "/courses" in text or "/competitions" in text for text in user.texts())


async def test_invisible_and_direction_characters_are_never_stored_and_a_text_of_only_them_is_refused(bot: BotHarness):
    """A hostile tester's place holding U+202E (right-to-left override) was stored and shown to the enterprise as
    typed, and a description of zero-width characters, an RTL mark and BEL was accepted. Every text is cleaned where
    it arrives: direction controls, zero-width characters, the word joiner, the BOM and C0 controls are gone from what
    is stored (an emoji's zero-width joiner stays: 👨‍🔧); a text of nothing else is refused like an empty one."""
    from db.models import Enterprise

    user = await enterprise_user(bot, 73)
    user.send(CONFIDENT)
    await user.expect("这听起来是一个技术难题")
    await user.expect("企业名称")
    user.send("湖州\u202e司公限有业铝某\u202c")  # shows reversed after the override
    await user.expect("统一社会信用代码")
    user.send("91330100799655058B")
    user.press("专精特新", await user.expect("请选择企业类型"))
    await user.expect("联系人")
    user.send("\u2067李\u200b工\u2069\x07")
    await user.expect("联系电话")
    user.send_contact("+86 138 0013 8000")
    await user.expect("请描述")
    user.send("\u200b\u200c\u200d\u2060\u200f\ufeff\x07")  # nothing visible
    refused = await user.expect("没有可见的文字")
    assert "已记下" not in refused["text"]
    user.send("主轴\u200c发热\u2060严重\u200d，\x07\u200e报警\ufeff👨\u200d🔧 请师傅看看")
    await user.expect("已记下")
    [draft] = await demands(bot)
    assert draft.text == CONFIDENT + "\n主轴发热严重，报警👨\u200d🔧 请师傅看看"
    async with bot.services.db.session() as session:
        [enterprise] = (await session.scalars(select(Enterprise))).all()
    assert (enterprise.name, enterprise.contact_name) == ("湖州司公限有业铝某", "李工")
