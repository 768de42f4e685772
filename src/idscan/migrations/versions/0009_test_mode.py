"""test mode: an account's test world, test transactions, scripted liveness sessions

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 01:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An account name now names two worlds, live and test: each is its own account row, so that
    # everything scoped to an account (transactions, webhooks, events, branding) is scoped to a mode.
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mode", sa.String(length=4), nullable=False, server_default="live"))
        batch_op.drop_constraint("uq_accounts_name", type_="unique")
        batch_op.create_unique_constraint("uq_accounts_name_mode", ["name", "mode"])
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("test", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index("ix_transactions_test_created", ["test", "created_at"], unique=False)
    with op.batch_alter_table("liveness_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scripted", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("liveness_sessions", schema=None) as batch_op:
        batch_op.drop_column("scripted")
    with op.batch_alter_table("transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_transactions_test_created")
        batch_op.drop_column("test")
    op.execute("DELETE FROM accounts WHERE mode = 'test'")
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_accounts_name_mode", type_="unique")
        batch_op.create_unique_constraint("uq_accounts_name", ["name"])
        batch_op.drop_column("mode")
