"""/my lists an enterprise's demands as docs/pools.md says (stranger sfix P7): a draft first (the work still in
hand), then the demands newest submitted first — not by row id, which put the demo's 000011 (submitted in April)
above 000010 (submitted in November)."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.models import Demand, DemandKind, DemandStatus
from services.demo_people import demo_person
from tests.harness import BotHarness
from tests.test_demo import demo  # noqa: F401 (the demo stage fixture)


async def test_my_lists_the_newest_submitted_first(demo: BotHarness):  # noqa: F811
    wang = demo_person("王丽").telegram_id
    async with demo.services.db.session() as session:
        rows = (
            await session.execute(
                select(Demand.ticket, Demand.submitted_at).where(
                    Demand.user_id == wang, Demand.status != DemandStatus.DRAFT
                )
            )
        ).all()
    expected = [ticket for ticket, _ in sorted(rows, key=lambda row: row[1], reverse=True)][:5]
    assert len(expected) >= 2
    company = demo.user(wang, first_name="王丽")
    company.send("/my")
    listed = await company.expect("ZQ-")
    shown = re.findall(r"ZQ-\d{4}-\d{6}", listed["text"])
    assert shown == expected, (shown, expected)


async def test_a_draft_comes_first(demo: BotHarness):  # noqa: F811
    wang = demo_person("王丽").telegram_id
    draft = await demo.services.demands.start_draft(wang, DemandKind.PROBLEM, "模具磨损", None)
    page, _ = await demo.services.demands.of_user(wang)
    assert page[0].id == draft.id
    submitted = [d.submitted_at for d in page[1:]]
    assert submitted == sorted(submitted, reverse=True)
