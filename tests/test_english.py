"""What an English reader sees (hostile report 3.8): amounts written the English way, GB/T 4754 divisions by their
English names with the official Chinese beside them, course and competition regions in English."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from db.models import Competition, Course, CourseSession, Lang, Role
from i18n import catalogue as catalogue_texts
from i18n import money
from nlp.industry import catalogue
from runtime.sender import render
from services.event_notices import competition_notice
from services.outbox import Notice
from services.regions import RegionDirectory, read_seed
from tests.harness import BotHarness
from tests.test_events_e2e import worker
from tests.test_places import at_region_step
from tests.test_queue_scope import staff, waiting_demands
from tests.test_report import enterprise_user, staffer
from tests.test_service_flow import craftsman, demand, submit
from tests.test_stats_export import CRAFTSMAN_USER, seed

CHINESE = re.compile(r"[\u3400-\u9fff]")


def test_amounts_are_written_in_the_readers_way():
    assert money(Decimal(1_864_000), "en") == "¥1.86 million"
    assert money(Decimal(2_000_000), "en") == "¥2 million"
    assert money(Decimal(51_000), "en") == "¥51,000"
    assert money(Decimal("1200.50"), "en") == "¥1,200.50"
    assert money(Decimal(1_864_000), "zh-hans") == "186.4 万元"  # Chinese counts in ten-thousands
    assert money(Decimal(5_000), "zh-hans") == "5,000 元"
    assert money(Decimal(1_864_000), "zh-tw") == "186.4 萬元"
    assert money(Decimal(15_000), "en", exact=True) == "¥15,000.00"


async def test_an_english_craftsman_reads_his_benefit_in_yuan_not_in_tens_of_thousands(bot: BotHarness):
    await seed(bot)
    await bot.services.users.set_lang(CRAFTSMAN_USER, Lang.ENGLISH, chosen=True)
    craftsman = bot.user(CRAFTSMAN_USER, "Lu", language_code="en")
    craftsman.send("/stats me")
    record = (await craftsman.expect("service record"))["text"]
    assert "Economic benefit: ¥50,000" in record and "10k" not in record and "万" not in record, record


def test_a_resolution_notice_writes_the_benefit_in_the_recipients_way():
    notice = Notice(
        "follow.resolved_staff",
        values={"ticket": "ZQ-1", "name": "陆国强", "trained": 3},
        amounts={"benefit": "1864000"},
    )
    assert "about ¥1,864,000.00 of benefit" in render(notice.payload(), "en")[0]  # one case: as recorded
    assert "效益约 1,864,000.00 元" in render(notice.payload(), "zh-hans")[0]


def test_every_division_has_an_english_name_beside_its_official_one():
    divisions = catalogue().divisions
    assert len(divisions) == 97 and all(d.name_en and not CHINESE.search(d.name_en) for d in divisions.values())
    assert divisions["29"].label_in("en") == "C29 Rubber and plastic products (橡胶和塑料制品业)"
    assert divisions["29"].label_in("zh-hans") == divisions["29"].label == "C29 橡胶和塑料制品业"  # stored, exported
    assert divisions["29"].label_in("zh-tw") == "C29 橡膠和塑膠製品業"


async def test_an_english_staffer_reads_the_queue_with_english_industry_and_region_names(bot: BotHarness):
    await waiting_demands(bot)
    reader = await staff(bot, 611, "330500")
    await bot.services.users.set_lang(611, Lang.ENGLISH, chosen=True)
    reader.send("/queue")
    await reader.expect("waiting for a craftsman")
    item = await reader.expect("Suggested craftsmen")
    assert "Industry: C34 General-purpose machinery (通用设备制造业)" in item["text"], item["text"]
    assert "Region: Wuxing District, Huzhou, Zhejiang (浙江省 湖州市 吴兴区)" in item["text"], item["text"]


async def test_an_english_worker_reads_course_and_competition_regions_in_english(bot: BotHarness):
    now = bot.clock.now()
    async with bot.services.db.session() as session:
        course = Course(name="CNC basics", teacher="Zhou", place="Hall 2", region_code="330502", published_at=now)
        session.add(course)
        await session.flush()
        start = now + timedelta(days=2)
        session.add(CourseSession(course_id=course.id, starts_at=start, ends_at=start + timedelta(hours=2)))
        session.add(
            Competition(
                name="Lathe contest",
                region_code="330500",
                industry_division="34",
                registration_deadline=now + timedelta(days=5),
                starts_at=now + timedelta(days=9),
                published_at=now,
            )
        )
    await worker(bot, 612, "330502", "Ann")
    await bot.services.users.set_lang(612, Lang.ENGLISH, chosen=True)
    reader = bot.user(612, "Ann", language_code="en")
    reader.send("/courses")
    courses = (await reader.expect("Night school"))["text"]
    assert "Region: Wuxing District, Huzhou, Zhejiang (浙江省 湖州市 吴兴区)" in courses, courses
    reader.send("/competitions")
    contests = (await reader.expect("Skills competitions"))["text"]
    assert "Region: Huzhou, Zhejiang (浙江省 湖州市)" in contests, contests
    assert "Industry: C34 General-purpose machinery (通用设备制造业)" in contests, contests


async def test_an_english_craftsman_is_offered_a_demand_with_english_industry_and_region(bot: BotHarness):
    """A notice names official data by code; each recipient reads it in their own language."""
    await staffer(bot)
    await craftsman(bot, 962, "Wu", "330502", ["变压器运维", "配电线路故障排查"], ["44"])
    await bot.services.users.set_lang(962, Lang.ENGLISH, chosen=True)
    helper = bot.user(962, "Wu", language_code="en")
    company = await enterprise_user(bot, 39)
    await submit(company, "配电线路经常故障跳闸，变压器温度偏高，需要排查")
    d = await demand(bot)
    await bot.services.casework.offer(
        900, Role.STAFF, d.id, (await bot.services.matcher.for_demand(d.id, 1))[0].craftsman_id
    )
    await bot.application.sender.flush()
    offer = (await helper.expect("New service request"))["text"]
    assert "D44 Production and supply of electricity and heat (电力、热力生产和供应业)" in offer, offer
    assert "Wuxing District, Huzhou, Zhejiang (浙江省 湖州市 吴兴区)" in offer, offer


def test_a_competition_notice_names_its_region_and_industry_in_each_recipients_language():
    regions = RegionDirectory(read_seed())
    c = Competition(
        name="Lathe contest",
        region_code="330500",
        industry_division="34",
        starts_at=datetime(2026, 12, 9, 1, tzinfo=UTC),
    )
    payload = competition_notice(c, "published", ZoneInfo("Asia/Shanghai")).payload()
    english, hk, simplified = (render(payload, lang, regions)[0] for lang in ("en", "zh-hk", "zh-hans"))
    assert "Huzhou, Zhejiang (浙江省 湖州市)" in english and "C34 General-purpose machinery (通用设备制造业)" in english
    assert "浙江省 湖州市" in simplified and "C34 通用设备制造业" in simplified
    assert "浙江省 湖州市" in hk and "C34 通用設備製造業" in hk


# English texts that keep Chinese on purpose: what the reader may type or see in Chinese (examples of accepted input,
# the classifier's Chinese, the cast's names, a CSV column's header) and programme names, each with an English gloss
# beside it.
CHINESE_KEPT = {
    "lang.zh-hans",
    "lang.zh-hant",
    "console.as_usage",
    "industry.usage",
    "report.trainees_invalid",
    "enterprise.kind.specialised",
    "profile.ask_pause",
    "import.err.capacity",
    "import.no_header",  # names the template's column names, which are Chinese in every template
    "time.bad_span",
    "time.bad_session_lines",  # like time.bad_span: an example of a line that may be typed in Chinese
    "resolve.bad_number",
    "booking.ask_slots",
    "union.hardship.answer",
    "union.subsidy.answer",
}


def test_english_sentences_use_english_words_where_they_exist():
    left = {key for key, text in catalogue_texts().items() if CHINESE.search(text["en"])}
    assert left <= CHINESE_KEPT, sorted(left - CHINESE_KEPT)
    assert "(most cases at once)" in catalogue_texts()["import.err.capacity"]["en"]  # the column glossed


async def test_an_english_newcomer_is_given_an_english_place_name_to_type(bot: BotHarness):
    user, provinces = await at_region_step(bot, 613, "en")
    assert "e.g. Huzhou" in provinces["text"], provinces["text"]
    user.send("Atlantis")
    missing = (await user.expect("No place called"))["text"]
    assert "e.g. Huzhou, Wuxing District" in missing and not CHINESE.search(missing.replace("Atlantis", "")), missing
