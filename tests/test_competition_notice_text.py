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
