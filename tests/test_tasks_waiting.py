"""/tasks names an offer still waiting for the craftsman's answer as such (待您答复 / Awaiting your answer) beside its
✅ 接受 / 🙏 婉拒, not by the demand's status (已匹配 / Matched), which the other cases keep."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Craftsman, Demand, Lang, Match, MatchStatus
from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_demo import demo  # noqa: F401 (the demo stage fixture)


async def _tickets(bot: BotHarness, user_id: int) -> dict[MatchStatus, list[str]]:
    async with bot.services.db.session() as session:
        rows = await session.execute(
            select(Match.status, Demand.ticket)
            .join(Demand, Demand.id == Match.demand_id)
            .join(Craftsman, Craftsman.id == Match.craftsman_id)
            .where(Craftsman.user_id == user_id)
        )
    found: dict[MatchStatus, list[str]] = {}
    for status, ticket in rows.tuples():
        found.setdefault(status, []).append(ticket)
    return found


def _line(text: str, ticket: str) -> str:
    return next(line for line in text.splitlines() if ticket in line)


async def test_an_offer_waiting_for_his_answer_says_so(demo: BotHarness):  # noqa: F811
    zhou = demo_person("周建华").telegram_id
    tickets = await _tickets(demo, zhou)
    [offered] = tickets[MatchStatus.OFFERED]
    craftsman = demo.user(zhou, first_name="周建华")
    craftsman.send("/tasks")
    tasks = await craftsman.expect("我的服务")
    assert "待您答复" in _line(tasks["text"], offered) and "已匹配" not in _line(tasks["text"], offered)
    accepted = tickets[MatchStatus.ACCEPTED]
    assert all("待您答复" not in _line(tasks["text"], t) for t in accepted if t in tasks["text"])
    assert "已预约" in tasks["text"]  # the other cases keep their status words

    await demo.services.users.set_lang(zhou, Lang.ENGLISH, chosen=True)
    craftsman.send("/tasks")
    tasks = await craftsman.expect("My cases")
    assert "Awaiting your answer" in _line(tasks["text"], offered) and "Matched" not in _line(tasks["text"], offered)
