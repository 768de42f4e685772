"""job worker heartbeats; delivery log: outcome, host and why a delivery stopped

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 21:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_heartbeats",
        sa.Column("executor_id", sa.String(length=200), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("beat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("executor_id", name=op.f("pk_worker_heartbeats")),
    )
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worker_heartbeats_beat_at"), ["beat_at"], unique=False)
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_reason", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_column("failure_reason")
    with op.batch_alter_table("webhook_attempts", schema=None) as batch_op:
        batch_op.drop_column("host")
        batch_op.drop_column("outcome")
    with op.batch_alter_table("worker_heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_heartbeats_beat_at"))
    op.drop_table("worker_heartbeats")
