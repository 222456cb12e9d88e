"""State snapshots (a cache of the fold, app/snapshots.py) and the index a start reads the log
after them with.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("segment_id", sa.String(length=64), nullable=False),
        sa.Column("schema_version", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("segment_seq", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("segment_id", "schema_version", "version"),
    )
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshots_event_id"), ["event_id"], unique=False)
    with op.batch_alter_table("floor_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_floor_log_event_segment_version",
            ["event_id", "segment_id", "version"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("floor_log", schema=None) as batch_op:
        batch_op.drop_index("ix_floor_log_event_segment_version")
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshots_event_id"))
    op.drop_table("snapshots")
