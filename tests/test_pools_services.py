"""The two pools' services on both databases (SQLite and PostgreSQL 15): drafts, tickets, the outbox,
applications, review, search and import upserts — called directly, without Telegram."""

from __future__ import annotations

import pytest

from config.settings import load_settings
from db.models import CraftsmanStatus, DemandKind, DemandStatus, Role
from services.clock import ManualClock
from services.container import Services
from services.demands import Refusal, Refused
from services.enterprises import Link
from services.importing import CRAFTSMAN_COLUMNS
from services.talent import Application, ReviewOutcome
from services.validation import Invalid, credit_code, phone


@pytest.fixture
async def services(db_url: str):
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), clock=ManualClock())
    for user_id in (1, 2, 3):
        await services.users.register(user_id, f"用户{user_id}")
    await services.users.set_staff(3, True)  # staff notices go to every staffer
    yield services
    await services.close()


async def test_demand_lifecycle(services: Services):
    demands, enterprises = services.demands, services.enterprises
    await enterprises.set_field(1, "name", "湖州某铝业有限公司")
    await enterprises.set_field(1, "credit_code", credit_code("91330100799655058B"))
    _, linked = await enterprises.set_field(2, "credit_code", "91330100799655058B")  # a colleague, same company
    assert linked is Link.PENDING  # a colleague waits for the first one (or staff) to confirm him
    draft = await demands.start_draft(1, DemandKind.PROBLEM, "铝型材喷涂过程遇到氧化")
    await demands.add_text(draft.id, 1, "皮膜厚度不均")
    await demands.add_attachment(draft.id, 1, "photo", "photo-1", "照片")
    with pytest.raises(ValueError):
        await demands.add_text(draft.id, 1, "长" * 2000)
    with pytest.raises(Refused) as refused:
        await demands.update(draft.id, 2, urgency="urgent")
    assert refused.value.reason is Refusal.NOT_YOURS
    with pytest.raises(ValueError, match="industry"):
        await demands.submit(draft.id, 1)
    proposal = await services.industry.propose(1, services.analyzer.analyse(draft.text), "demand")
    settled = await services.industry.choose(proposal.id, 1, "32", "confirm", "demand")
    await demands.set_industry(draft.id, 1, settled)
    await demands.update(
        draft.id, 1, urgency="urgent", service_mode="onsite", contact_name="李工", contact_phone=phone("13800138000")
    )
    info = await demands.submit(draft.id, 1)
    assert info.ticket == f"ZQ-2026-{info.id:06d}" and info.status is DemandStatus.SUBMITTED
    assert [n.payload["key"] for n in await services.outbox.sent_to(3)] == ["notify.demand_submitted"]
    with pytest.raises(Refused):
        await demands.submit(draft.id, 1)  # a double press
    assert len(await services.outbox.sent_to(3)) == 1
    items, total = await demands.of_user(1)
    assert total == 1 and items[0].text == "铝型材喷涂过程遇到氧化\n皮膜厚度不均" and len(items[0].attachments) == 1
    done = await demands.withdraw(info.id, 1, "不再需要")
    assert done.status is DemandStatus.WITHDRAWN and done.history[-1][2] == "不再需要"
    with pytest.raises(Refused):
        await demands.withdraw(info.id, 1, "again")


async def test_talent_review_search_and_import(services: Services):
    talent = services.talent
    app = Application(
        "陆师傅",
        "苏州某精密机械公司",
        "13900139000",
        ["great_craftsman"],
        ["数控机床调试", "热处理工艺"],
        ["34"],
        "320505",
        None,
        2,
        ["onsite"],
    )
    card = await talent.apply(1, app)
    assert card.status is CraftsmanStatus.PENDING and await talent.search("热处理") == []
    with pytest.raises(Refused) as refused:
        await talent.decide(card.id, 2, Role.ENTERPRISE, approve=True)
    assert refused.value.reason is ReviewOutcome.NOT_STAFF
    assert (await talent.decide(card.id, 3, Role.STAFF, approve=True)).id == card.id  # done: the card answered
    with pytest.raises(Refused) as refused:
        await talent.decide(card.id, 3, Role.STAFF, approve=False)
    assert refused.value.reason is ReviewOutcome.ALREADY
    assert [c.name for c in await talent.search("热处理")] == ["陆师傅"]
    assert await talent.contact(card.id, 2, Role.ENTERPRISE) is None
    assert await talent.contact(card.id, 3, Role.STAFF) == "13900139000"
    assert (await services.users.get(1)).role is Role.CRAFTSMAN

    rows = [
        CRAFTSMAN_COLUMNS,
        ("陈师傅", "湖州某机械有限公司", "13900139001", "", "焊接工艺", "C33", "330502", "", "", ""),
        ("坏行", "某厂", "123", "", "焊接", "", "330502", "", "", ""),
    ]
    report = services.importer.check([list(r) for r in rows], {})
    assert len(report.valid) == 1 and [(e.row, e.key) for e in report.errors] == [(3, "import.err.phone")]
    assert await services.importer.apply(report) == (1, 0)
    assert await services.importer.apply(report) == (0, 1)


def test_credit_code_and_phone_rules():
    assert credit_code(" 9144030071526726xg ") == "9144030071526726XG"
    for bad, key in (
        ("9144030071526726XA", "validate.credit_check"),
        ("91440300", "validate.credit_length"),
        ("9144030071526726OG", "validate.credit_chars"),
        ("B144030071526726XG", "validate.credit_authority"),
    ):
        with pytest.raises(Invalid) as exc:
            credit_code(bad)
        assert exc.value.key == key
    assert phone("+86 139-0013-9000") == "13900139000"
    assert phone("(010)12345678转88") == "010-12345678-88"
    for bad in ("1390013900", "12900139000", "abc", "0572-123"):
        with pytest.raises(Invalid):
            phone(bad)
