"""erase: where the messages that may show a person's data were sent (message_copies), so erasure edits them

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import db.models.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("demand_id", sa.Integer(), nullable=True),
        sa.Column("created_at", db.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["demand_id"], ["demands.id"], name=op.f("fk_message_copies_demand_id_demands"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_copies")),
    )
    with op.batch_alter_table("message_copies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_copies_demand_id"), ["demand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_message_copies_outbox_id"), ["outbox_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("message_copies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_copies_outbox_id"))
        batch_op.drop_index(batch_op.f("ix_message_copies_demand_id"))
    op.drop_table("message_copies")
