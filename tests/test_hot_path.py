"""The /report hot path reads and writes a draft demand and the enterprise profile as Core rows, one statement a
change (services/demand_rows.py, Enterprises.set_field): it must give exactly what the ORM path gives, and refuse
exactly as it does, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, event, update

from config.settings import load_settings
from db.models import Demand, DemandKind, DemandStatus, FormDraft
from services.clock import ManualClock
from services.container import Services
from services.demands import Refusal, Refused
from services.enterprises import Link, PendingLink
from services.validation import phone


@pytest.fixture
async def services(db_url: str):
    services = await Services.start(load_settings(database_url=db_url, bot_token=None), clock=ManualClock())
    for user_id in (1, 2):
        await services.users.register(user_id, f"用户{user_id}")
    yield services
    await services.close()


async def test_a_draft_reads_and_writes_as_the_orm_reads_it(services: Services):
    demands = services.demands
    draft = await demands.start_draft(1, DemandKind.TRAINING, "铝型材喷涂过程遇到氧化")
    await demands.add_attachment(draft.id, 1, "photo", "photo-1", "照片")
    await demands.add_attachment(draft.id, 1, "document", "doc-2", None)
    written = await demands.update(
        draft.id, 1, urgency="urgent", trainees=12, contact_name="李工\u200b", contact_phone=phone("13800138000")
    )
    assert written == await demands.get(draft.id, with_history=False)
    assert written == await demands.draft(draft.id)
    assert written.contact_name == "李工" and written.trainees == 12 and written.kind is DemandKind.TRAINING
    assert [a.file_id for a in written.attachments] == ["photo-1", "doc-2"]
    assert written.status is DemandStatus.DRAFT and written.enterprise_name is None


async def test_a_write_that_is_not_to_ones_own_draft_is_refused_as_before(services: Services):
    demands = services.demands
    draft = await demands.start_draft(1, DemandKind.PROBLEM, "配电线路频繁跳闸，变压器温度偏高")
    with pytest.raises(Refused) as refused:
        await demands.update(draft.id, 2, urgency="urgent")
    assert refused.value.reason is Refusal.NOT_YOURS
    with pytest.raises(Refused) as refused:
        await demands.update(draft.id + 100, 1, urgency="urgent")
    assert refused.value.reason is Refusal.NOT_FOUND
    async with services.db.session() as session:  # submitted meanwhile (another device, another process)
        await session.execute(update(Demand).where(Demand.id == draft.id).values(status=DemandStatus.SUBMITTED))
    with pytest.raises(Refused) as refused:
        await demands.update(draft.id, 1, urgency="urgent")
    assert refused.value.reason is Refusal.NOT_DRAFT
    submitted = await demands.draft(draft.id)  # no longer a draft: read the full way
    assert submitted == await demands.get(draft.id, with_history=False) and submitted is not None
    assert submitted.status is DemandStatus.SUBMITTED and submitted.urgency is None
    async with services.db.session() as session:
        await session.execute(update(Demand).where(Demand.id == draft.id).values(status=DemandStatus.DRAFT))
    await demands.discard(draft.id, 1)
    assert await demands.draft(draft.id) is None
    assert (await demands.draft(draft.id + 100)) is None


@contextmanager
def counted(services: Services) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(services.db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(services.db.engine.sync_engine, "before_cursor_execute", count)


async def test_a_step_changes_its_own_rows_in_one_statement_each(services: Services):
    demands, enterprises = services.demands, services.enterprises
    await enterprises.set_field(1, "name", "湖州某铝业有限公司")  # creates his record (the ORM path)
    draft = await demands.start_draft(1, DemandKind.PROBLEM, "铝型材喷涂过程遇到氧化")
    with counted(services) as seen:
        info, link = await enterprises.set_field(1, "contact_name", "李工")
    assert len(seen) == 1 and link is Link.OWN
    assert info == await enterprises.of_user(1) and info.contact_name == "李工" and info.name == "湖州某铝业有限公司"
    with counted(services) as seen:
        written = await demands.update(draft.id, 1, urgency="urgent")
    assert len(seen) == 2 and written.urgency == "urgent"  # the row, then its attachments
    proposal = await services.industry.propose(1, services.analyzer.analyse(draft.text), "demand")
    settled = await services.industry.choose(proposal.id, 1, "32", "confirm", "demand")
    with counted(services) as seen:
        written = await demands.set_industry(draft.id, 1, settled)
    assert len(seen) == 2 and written.industry == "32" and written == await demands.get(draft.id, with_history=False)
    with pytest.raises(Refused) as refused:
        await demands.set_industry(draft.id, 2, settled)
    assert refused.value.reason is Refusal.NOT_YOURS
    await enterprises.set_field(1, "credit_code", "91330100799655058B")
    _, linked = await enterprises.set_field(2, "credit_code", "91330100799655058B")  # a colleague: he waits
    assert linked is Link.PENDING
    with pytest.raises(PendingLink):  # a pending link still may not change the record
        await enterprises.set_field(2, "phone", "13800138000")
    with pytest.raises(LookupError):  # nor may someone unregistered
        await enterprises.set_field(99, "phone", "13800138000")


async def test_a_form_draft_changed_elsewhere_is_never_written_over(services: Services, db_url: str):
    """Forms.change writes over the draft as this process last read it only while it is still stored so (compared in
    the UPDATE): a change made meanwhile by another process (or the expiry job) is kept, and ``how`` sees it."""
    forms = services.forms
    await forms.put(1, "report", {"demand_id": 7, "asked": ["kind"]})
    assert (await forms.get(1, "report")).answers["asked"] == ["kind"]  # read: this process remembers it
    other = await Services.start(load_settings(database_url=db_url, bot_token=None), clock=ManualClock())
    try:  # a second process adds a question meanwhile
        await other.forms.change(1, "report", lambda a: {**a, "asked": [*a["asked"], "name"]})
    finally:
        await other.close()
    changed = await forms.change(1, "report", lambda a: {**a, "asked": [*a["asked"], "phone"]})
    assert changed is not None and changed.answers["asked"] == ["kind", "name", "phone"]
    assert (await forms.get(1, "report")).answers["asked"] == ["kind", "name", "phone"]
    # read again, then dropped elsewhere (the draft expired): nothing is written back
    await forms.get(1, "report")
    async with services.db.session() as session:
        await session.execute(delete(FormDraft).where(FormDraft.user_id == 1))
    assert await forms.change(1, "report", lambda a: {**a, "described": True}) is None
    assert await forms.get(1, "report") is None
    # and unchanged since it was read: one statement, no locked re-read
    await forms.put(1, "report", {"demand_id": 8})
    await forms.get(1, "report")
    with counted(services) as seen:
        changed = await forms.change(1, "report", lambda a: {**a, "described": True})
    assert changed is not None and changed.answers == {"demand_id": 8, "described": True} and len(seen) == 1
