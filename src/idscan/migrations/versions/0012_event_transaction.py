"""event transaction: the transaction an event is about, indexed (the console lists its deliveries)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No foreign key: an event outlives nothing it names, and the delivery log keeps it after an erasure.
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("transaction_id", sa.String(length=36), nullable=True))
        batch_op.create_index("ix_events_transaction", ["transaction_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE events SET transaction_id = body::json -> 'transaction' ->> 'id'")
    else:
        op.execute("UPDATE events SET transaction_id = json_extract(body, '$.transaction.id')")


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_transaction")
        batch_op.drop_column("transaction_id")
