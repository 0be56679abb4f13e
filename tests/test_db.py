"""The data model on real databases: each test runs on SQLite and on PostgreSQL 15."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from db.database import Database, DatabaseUnavailable
from db.models import (
    Base,
    Craftsman,
    CraftsmanIndustry,
    Demand,
    DemandKind,
    Lang,
    Notification,
    Region,
    Role,
    Subscription,
    SubscriptionKind,
    User,
)
from runtime.state_store import StateStore
from services.clock import ManualClock
from services.demo import load_demo_data
from services.regions import RegionDirectory, seed_regions
from services.users import Users


@pytest.fixture
async def db(empty_db_url: str):
    database = Database(empty_db_url)  # the migrations from nothing: the other tests start where they leave off
    await database.migrate()
    await seed_regions(database)
    yield database
    await database.dispose()


async def test_migrations_create_the_whole_schema(db: Database):
    async with db.engine.connect() as conn:
        tables = set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    await db.migrate()  # idempotent


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(db: Database):
    if db.dialect != "sqlite":
        pytest.skip("SQLite pragmas")
    async with db.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_foreign_keys_are_enforced(db: Database):
    with pytest.raises(IntegrityError):
        async with db.session() as session:
            session.add(User(id=1, first_name="x", region_code="999999"))


async def test_regions_are_seeded_once_with_gbt2260_counts(db: Database):
    assert await seed_regions(db) == 0
    async with db.session() as session:
        counts = dict((await session.execute(select(Region.level, func.count()).group_by(Region.level))).all())
    assert {level.value: n for level, n in counts.items()} == {"province": 34, "city": 333, "county": 2845}
    regions = await RegionDirectory.load(db)
    assert regions.full_name("330502") == "浙江省 湖州市 吴兴区"
    assert regions.city_of("110101") == "110000"  # 直辖市 district: the municipality is the city
    assert regions.city_of("429004") == "429004"  # 省直辖 仙桃市 is its own city
    assert regions.city_of("330502") == "330500"
    assert [p.code for p in regions.search("湖州")][:1] == ["330500"]
    assert regions.children_of("441900") == []  # 东莞: a city with no counties


async def test_datetimes_round_trip_as_utc(db: Database):
    local = datetime(2026, 12, 1, 23, 30, tzinfo=timezone(timedelta(hours=8)))
    async with db.session() as session:
        session.add(Notification(chat_id=1, kind="reminder", dedupe_key="k", payload={"text": "x"}, not_before=local))
    async with db.session() as session:
        stored = await session.scalar(select(Notification.not_before))
    assert stored == local and stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    with pytest.raises(Exception):  # noqa: B017 - the type's ValueError, wrapped by SQLAlchemy per driver
        async with db.session() as session:
            session.add(Notification(chat_id=2, kind="r", dedupe_key="n", payload={}, not_before=datetime(2026, 1, 1)))


async def test_an_outbox_row_is_written_once_per_key_and_chat(db: Database):
    async with db.session() as session:
        session.add(Notification(chat_id=5, kind="reminder", dedupe_key="competition:1:deadline-3d", payload={}))
    with pytest.raises(IntegrityError):
        async with db.session() as session:
            session.add(Notification(chat_id=5, kind="reminder", dedupe_key="competition:1:deadline-3d", payload={}))


async def test_subscription_targets_exactly_one_event(db: Database):
    async with db.session() as session:
        session.add(User(id=3, first_name="w"))
    with pytest.raises(IntegrityError):
        async with db.session() as session:
            session.add(Subscription(user_id=3, kind=SubscriptionKind.FOLLOW))


async def test_demo_data_and_domain_relations(db: Database):
    clock = ManualClock()
    assert await load_demo_data(db, clock, ZoneInfo("Asia/Shanghai"))
    assert not await load_demo_data(db, clock, ZoneInfo("Asia/Shanghai"))
    async with db.session() as session:
        craftsman = await session.scalar(select(Craftsman).where(Craftsman.name == "周建华"))
        assert {i.division for i in craftsman.industries} == {"32", "33"}  # GB/T 4754 division codes, two digits
        assert "喷涂与阳极氧化" in craftsman.specialities
        by_division = await session.scalar(
            select(func.count()).select_from(CraftsmanIndustry).where(CraftsmanIndustry.division == "38")
        )
        assert by_division == 1
        session.add(Demand(kind=DemandKind.PROBLEM, text="铝型材喷涂过程遇到氧化", industry="C32"))


async def test_users_register_roles_language_and_blocked(db: Database):
    users = Users(db, ManualClock(), admin_ids=[42])
    assert await users.get(7) is None
    profile = await users.register(7, "李<工>", lang=Lang.TRADITIONAL)
    assert profile.first_name == "李<工>" and profile.lang is Lang.TRADITIONAL and profile.role is None
    assert (await users.set_role(7, Role.CRAFTSMAN)).role is Role.CRAFTSMAN
    with pytest.raises(ValueError):
        await users.set_role(7, Role.STAFF)  # staff is granted, never chosen
    admin = await users.register(42, "管理员")
    assert admin.is_admin and (await users.set_role(42, Role.WORKER)).role is Role.ADMIN
    await users.mark_blocked(7)
    assert (await users.get(7)).blocked
    assert await users.staff_roles() == [(42, Role.ADMIN)]


async def test_conversation_state_store(db: Database):
    store = StateStore(db)
    await store.put("conv:onboarding", "[1, 1]", "onboarding.role")
    await store.put("conv:onboarding", "[1, 1]", "onboarding.region")
    await store.put("user_data", "1", {"onboarding": {"preset": None}, "lang": "zh-hant"})
    assert await store.load("conv:onboarding") == {"[1, 1]": "onboarding.region"}
    assert (await store.load("user_data"))["1"]["lang"] == "zh-hant"
    await store.drop("conv:onboarding", "[1, 1]")
    assert await store.load("conv:onboarding") == {}


async def test_unreachable_database_is_one_clear_error():
    database = Database("postgresql+asyncpg://zhuqi@127.0.0.1:1/zhuqi")
    with pytest.raises(DatabaseUnavailable, match="cannot reach the database at postgresql"):
        await database.check(timeout=5)
    await database.dispose()
