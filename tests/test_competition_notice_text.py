"""A competition's notice and card say when it ends: the end given, or 待定 when staff left it out (never a bare
"—" after 至); each reader reads it in their own language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from db.models import Competition
from services.event_notices import competition_message, competition_notice
from services.outbox import notice_text

TZ = ZoneInfo("Asia/Shanghai")


def competition(ends_at: datetime | None) -> Competition:
    return Competition(
        name="湖州市焊工技能大赛",
        region_code=None,
        industry_section="C",
        registration_deadline=datetime(2026, 12, 5, 9, tzinfo=UTC),
        starts_at=datetime(2026, 12, 10, 1, tzinfo=UTC),
        ends_at=ends_at,
        place="湖州技师学院",
    )


def test_the_published_notice_gives_the_end_and_says_when_there_is_none():
    ended = competition(datetime(2026, 12, 10, 9, tzinfo=UTC))
    text = notice_text(competition_notice(ended, "published", TZ).payload(), "zh-hans")
    assert "比赛时间：2026-12-10 09:00 至 2026-12-10 17:00" in text, text
    english = notice_text(competition_notice(ended, "published", TZ).payload(), "en")
    assert "Dates: 2026-12-10 09:00 to 2026-12-10 17:00" in english, english

    open_ended = competition(None)
    for key in ("remind.competition.published", "competition.card"):
        text = notice_text(competition_message(key, open_ended, TZ).payload(), "zh-hans")
        assert "比赛时间：2026-12-10 09:00 至 待定" in text, text
        assert "至 —" not in text
    english = notice_text(competition_notice(open_ended, "published", TZ).payload(), "en")
    assert "to (end not announced)" in english, english


async def test_an_empty_list_tells_someone_without_a_region_why(bot):
    """/courses and /competitions for someone whose registration has no region yet: only events open to every
    region can be listed, and the reply says how to choose one (it said only "no courses for your region")."""
    from tests.test_events_e2e import worker

    await bot.services.users.register(71, "新人")
    newcomer = bot.user(71, "新人")
    for command, empty in (("/courses", "目前没有适合您地区的夜校课程"), ("/competitions", "目前没有适合您地区")):
        newcomer.send(command)
        text = (await newcomer.expect(empty))["text"]
        assert "您还没有选择所在地区" in text and "/settings" in text, text
    settled = await worker(bot, 72, "330502", "老职工")
    settled.send("/courses")
    assert "还没有选择所在地区" not in (await settled.expect("目前没有适合您地区的夜校课程"))["text"]
