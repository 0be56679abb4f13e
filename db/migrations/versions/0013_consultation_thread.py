"""consultation thread: staff may reply more than once and the member may answer a reply (consultation_messages)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consultation_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.Integer(), nullable=False),
        sa.Column("from_staff", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"],
            ["consultations.id"],
            name=op.f("fk_consultation_messages_consultation_id_consultations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_messages")),
    )
    with op.batch_alter_table("consultation_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consultation_messages_consultation_id"), ["consultation_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("consultation_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consultation_messages_consultation_id"))
    op.drop_table("consultation_messages")
