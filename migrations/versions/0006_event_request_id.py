"""An event's request id: a retried ``POST /api/v1/events`` (its answer lost) answers the meeting
day the first one made instead of making a second one.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("request_id", sa.String(length=64), nullable=True))
        # unique: one meeting day per request id (any number of events without one)
        batch_op.create_index(batch_op.f("ix_events_request_id"), ["request_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_request_id"))
        batch_op.drop_column("request_id")
