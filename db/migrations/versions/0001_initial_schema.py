"""initial schema: the whole domain

Revision ID: 0001
Revises:
Create Date: 2026-11-21 18:32:05.821277
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models.base

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=128), nullable=True),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_actor_user_id"), ["actor_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "bot_state",
        sa.Column("namespace", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("namespace", "key", name=op.f("pk_bot_state")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("not_before", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "sending",
                "sent",
                "failed",
                "blocked",
                name="outboxstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("broadcast_id", sa.Integer(), nullable=True),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", "chat_id", name=op.f("uq_outbox_dedupe_key_chat_id")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_broadcast_id"), ["broadcast_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_not_before"), ["not_before"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_status"), ["status"], unique=False)

    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "province", "city", "county", name="regionlevel", native_enum=False, create_constraint=True, length=24
            ),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(length=6), nullable=True),
        sa.ForeignKeyConstraint(["parent_code"], ["regions.code"], name=op.f("fk_regions_parent_code_regions")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_regions_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "competitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("industry_section", sa.String(length=1), nullable=True),
        sa.Column("industry_division", sa.String(length=3), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("organiser", sa.String(length=256), nullable=True),
        sa.Column("registration_deadline", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("starts_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=256), nullable=True),
        sa.Column("link", sa.String(length=512), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("how_to_register", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "cancelled",
                name="eventstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_competitions_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competitions")),
    )
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_competitions_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_competitions_status"), ["status"], unique=False)

    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("teacher", sa.String(length=128), nullable=True),
        sa.Column("place", sa.String(length=256), nullable=True),
        sa.Column("link", sa.String(length=512), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("schedule_rule", sa.JSON(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "cancelled",
                name="eventstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_courses_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courses_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_courses_status"), ["status"], unique=False)

    op.create_table(
        "service_teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "province",
                "city",
                "county",
                "grassroots",
                name="teamlevel",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("industry_section", sa.String(length=1), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_service_teams_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_teams")),
        sa.UniqueConstraint("name", name=op.f("uq_service_teams_name")),
    )
    with op.batch_alter_table("service_teams", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_teams_region_code"), ["region_code"], unique=False)

    op.create_table(
        "course_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "cancelled",
                name="eventstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_course_sessions_course_id_courses"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_sessions")),
    )
    with op.batch_alter_table("course_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_course_sessions_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_course_sessions_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("first_name", sa.String(length=128), nullable=False),
        sa.Column("last_name", sa.String(length=128), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("language_code", sa.String(length=16), nullable=True),
        sa.Column(
            "lang",
            sa.Enum("zh-hans", "zh-hant", "en", name="lang", native_enum=False, create_constraint=True, length=24),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "staff",
                "craftsman",
                "enterprise",
                "worker",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("consent_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("blocked_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("quiet_start_minute", sa.SmallInteger(), nullable=False),
        sa.Column("quiet_end_minute", sa.SmallInteger(), nullable=False),
        sa.Column("notify_publications", sa.Boolean(), nullable=False),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_users_region_code_regions")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["service_teams.id"], name=op.f("fk_users_team_id_service_teams"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_role"), ["role"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_username"), ["username"], unique=False)

    op.create_table(
        "craftsmen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("workplace", sa.String(length=128), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("honours", sa.JSON(), nullable=False),
        sa.Column("specialities", sa.JSON(), nullable=False),
        sa.Column("service_modes", sa.JSON(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="craftsmanstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.Column("rating_count", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_craftsmen_region_code_regions")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["service_teams.id"], name=op.f("fk_craftsmen_team_id_service_teams"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_craftsmen_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_craftsmen")),
        sa.UniqueConstraint("name", "workplace", "phone", name=op.f("uq_craftsmen_name_workplace_phone")),
        sa.UniqueConstraint("user_id", name=op.f("uq_craftsmen_user_id")),
    )
    with op.batch_alter_table("craftsmen", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_craftsmen_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_craftsmen_team_id"), ["team_id"], unique=False)

    op.create_table(
        "enterprises",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("industry", sa.String(length=3), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "specialised",
                "sme",
                "other",
                name="enterprisekind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("contact_name", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("owner_user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["users.id"], name=op.f("fk_enterprises_owner_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_enterprises_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprises")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_enterprises_credit_code")),
    )
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprises_owner_user_id"), ["owner_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprises_region_code"), ["region_code"], unique=False)

    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("competition_id", sa.Integer(), nullable=True),
        sa.Column("course_id", sa.Integer(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "follow",
                "enrolled",
                "waitlisted",
                name="subscriptionkind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("(competition_id IS NULL) <> (course_id IS NULL)", name=op.f("ck_subscriptions_one_target")),
        sa.ForeignKeyConstraint(
            ["competition_id"],
            ["competitions.id"],
            name=op.f("fk_subscriptions_competition_id_competitions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_subscriptions_course_id_courses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_subscriptions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("user_id", "competition_id", name=op.f("uq_subscriptions_user_id_competition_id")),
        sa.UniqueConstraint("user_id", "course_id", name=op.f("uq_subscriptions_user_id_course_id")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_subscriptions_competition_id"), ["competition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subscriptions_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_subscriptions_user_id"), ["user_id"], unique=False)

    op.create_table(
        "craftsman_industries",
        sa.Column("craftsman_id", sa.Integer(), nullable=False),
        sa.Column("division", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["craftsman_id"],
            ["craftsmen.id"],
            name=op.f("fk_craftsman_industries_craftsman_id_craftsmen"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("craftsman_id", "division", name=op.f("pk_craftsman_industries")),
    )
    with op.batch_alter_table("craftsman_industries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_craftsman_industries_division"), ["division"], unique=False)

    op.create_table(
        "demands",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket", sa.String(length=20), nullable=True),
        sa.Column("enterprise_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum("problem", "training", name="demandkind", native_enum=False, create_constraint=True, length=24),
            nullable=False,
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("industry_predicted", sa.String(length=3), nullable=True),
        sa.Column("industry_confidence", sa.Float(), nullable=True),
        sa.Column("industry", sa.String(length=3), nullable=True),
        sa.Column("urgency", sa.String(length=16), nullable=True),
        sa.Column("service_mode", sa.String(length=24), nullable=True),
        sa.Column("training_topic", sa.String(length=256), nullable=True),
        sa.Column("trainees", sa.Integer(), nullable=True),
        sa.Column("preferred_dates", sa.String(length=256), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "matched",
                "accepted",
                "scheduled",
                "in_service",
                "resolved",
                "closed",
                "declined",
                "withdrawn",
                "escalated",
                name="demandstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("submitted_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("solution_summary", sa.Text(), nullable=True),
        sa.Column("workers_trained", sa.Integer(), nullable=True),
        sa.Column("economic_benefit", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["enterprise_id"],
            ["enterprises.id"],
            name=op.f("fk_demands_enterprise_id_enterprises"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_demands_region_code_regions")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_demands_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demands")),
        sa.UniqueConstraint("ticket", name=op.f("uq_demands_ticket")),
    )
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demands_enterprise_id"), ["enterprise_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_demands_industry"), ["industry"], unique=False)
        batch_op.create_index(batch_op.f("ix_demands_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_demands_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_demands_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mentorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("craftsman_id", sa.Integer(), nullable=False),
        sa.Column("apprentice_name", sa.String(length=64), nullable=False),
        sa.Column("apprentice_user_id", sa.BigInteger(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["apprentice_user_id"],
            ["users.id"],
            name=op.f("fk_mentorships_apprentice_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["craftsman_id"], ["craftsmen.id"], name=op.f("fk_mentorships_craftsman_id_craftsmen"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorships")),
    )
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentorships_craftsman_id"), ["craftsman_id"], unique=False)

    op.create_table(
        "studios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("craftsman_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["craftsman_id"], ["craftsmen.id"], name=op.f("fk_studios_craftsman_id_craftsmen"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["region_code"], ["regions.code"], name=op.f("fk_studios_region_code_regions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_studios")),
    )
    with op.batch_alter_table("studios", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_studios_craftsman_id"), ["craftsman_id"], unique=False)

    op.create_table(
        "demand_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_demand_attachments_demand_id_demands"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_attachments")),
    )
    with op.batch_alter_table("demand_attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_attachments_demand_id"), ["demand_id"], unique=False)

    op.create_table(
        "demand_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_demand_status_history_demand_id_demands"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_demand_status_history")),
    )
    with op.batch_alter_table("demand_status_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_demand_status_history_demand_id"), ["demand_id"], unique=False)

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.BigInteger(), nullable=True),
        sa.Column("from_role", sa.String(length=16), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_feedback_demand_id_demands"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"], ["users.id"], name=op.f("fk_feedback_from_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("demand_id", "from_user_id", name=op.f("uq_feedback_demand_id_from_user_id")),
    )
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_feedback_demand_id"), ["demand_id"], unique=False)

    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("demand_id", sa.Integer(), nullable=False),
        sa.Column("craftsman_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "offered",
                "accepted",
                "declined",
                "expired",
                "withdrawn",
                name="matchstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("proposed_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["craftsman_id"], ["craftsmen.id"], name=op.f("fk_matches_craftsman_id_craftsmen"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_matches_demand_id_demands"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
        sa.UniqueConstraint("demand_id", "craftsman_id", name=op.f("uq_matches_demand_id_craftsman_id")),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matches_craftsman_id"), ["craftsman_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_demand_id"), ["demand_id"], unique=False)

    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", db.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("place", sa.String(length=256), nullable=True),
        sa.Column("link", sa.String(length=512), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "offered",
                "booked",
                "cancelled",
                "done",
                name="appointmentstatus",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.models.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_appointments_match_id_matches"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_match_id"), ["match_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_match_id"))

    op.drop_table("appointments")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matches_demand_id"))
        batch_op.drop_index(batch_op.f("ix_matches_craftsman_id"))

    op.drop_table("matches")
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feedback_demand_id"))

    op.drop_table("feedback")
    with op.batch_alter_table("demand_status_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_status_history_demand_id"))

    op.drop_table("demand_status_history")
    with op.batch_alter_table("demand_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demand_attachments_demand_id"))

    op.drop_table("demand_attachments")
    with op.batch_alter_table("studios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_studios_craftsman_id"))

    op.drop_table("studios")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentorships_craftsman_id"))

    op.drop_table("mentorships")
    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_demands_user_id"))
        batch_op.drop_index(batch_op.f("ix_demands_status"))
        batch_op.drop_index(batch_op.f("ix_demands_region_code"))
        batch_op.drop_index(batch_op.f("ix_demands_industry"))
        batch_op.drop_index(batch_op.f("ix_demands_enterprise_id"))

    op.drop_table("demands")
    with op.batch_alter_table("craftsman_industries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_craftsman_industries_division"))

    op.drop_table("craftsman_industries")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscriptions_user_id"))
        batch_op.drop_index(batch_op.f("ix_subscriptions_course_id"))
        batch_op.drop_index(batch_op.f("ix_subscriptions_competition_id"))

    op.drop_table("subscriptions")
    with op.batch_alter_table("enterprises", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enterprises_region_code"))
        batch_op.drop_index(batch_op.f("ix_enterprises_owner_user_id"))

    op.drop_table("enterprises")
    with op.batch_alter_table("craftsmen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_craftsmen_team_id"))
        batch_op.drop_index(batch_op.f("ix_craftsmen_region_code"))

    op.drop_table("craftsmen")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_username"))
        batch_op.drop_index(batch_op.f("ix_users_role"))
        batch_op.drop_index(batch_op.f("ix_users_region_code"))

    op.drop_table("users")
    with op.batch_alter_table("course_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_sessions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_course_sessions_course_id"))

    op.drop_table("course_sessions")
    with op.batch_alter_table("service_teams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_teams_region_code"))

    op.drop_table("service_teams")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_status"))
        batch_op.drop_index(batch_op.f("ix_courses_region_code"))

    op.drop_table("courses")
    with op.batch_alter_table("competitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competitions_status"))
        batch_op.drop_index(batch_op.f("ix_competitions_region_code"))

    op.drop_table("competitions")
    with op.batch_alter_table("regions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regions_parent_code"))

    op.drop_table("regions")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_status"))
        batch_op.drop_index(batch_op.f("ix_outbox_not_before"))
        batch_op.drop_index(batch_op.f("ix_outbox_chat_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_broadcast_id"))

    op.drop_table("outbox")
    op.drop_table("bot_state")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
