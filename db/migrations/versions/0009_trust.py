"""trust: inbox quarantine, pending enterprise links, note visibility, granted staff

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models.base

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("demand_status_history", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visibility", sa.String(length=16), server_default="internal", nullable=False))

    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unverified", sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table("update_inbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("quarantined_at", db.models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending_enterprise_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("staff_granted_by", sa.BigInteger(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_pending_enterprise_id_enterprises"),
            "enterprises",
            ["pending_enterprise_id"],
            ["id"],
            ondelete="SET NULL",
            use_alter=True,
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_pending_enterprise_id_enterprises"), type_="foreignkey")
        batch_op.drop_column("staff_granted_by")
        batch_op.drop_column("pending_enterprise_id")

    with op.batch_alter_table("update_inbox", schema=None) as batch_op:
        batch_op.drop_column("quarantined_at")
        batch_op.drop_column("attempts")

    with op.batch_alter_table("demands", schema=None) as batch_op:
        batch_op.drop_column("unverified")

    with op.batch_alter_table("demand_status_history", schema=None) as batch_op:
        batch_op.drop_column("visibility")
