"""document scans, results and downloads

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:39:07.281870
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "document_scans",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.Column("side", sa.String(length=10), nullable=True),
        sa.Column("document_type", sa.String(length=30), nullable=True),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("reading_sealed", sa.LargeBinary(), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_document_scans_transaction_id_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_scans")),
    )
    with op.batch_alter_table("document_scans", schema=None) as batch_op:
        batch_op.create_index(
            "ix_document_scans_transaction_created", ["transaction_id", "created_at"], unique=False
        )

    op.create_table(
        "downloads",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.String(length=36), nullable=False),
        sa.Column("blob_key", sa.String(length=1024), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_downloads_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_downloads_transaction_id_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_downloads")),
    )
    with op.batch_alter_table("downloads", schema=None) as batch_op:
        batch_op.create_index("ix_downloads_transaction", ["transaction_id"], unique=False)

    op.create_table(
        "results",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("transaction_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body_sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["transaction_id"],
            ["transactions.id"],
            name=op.f("fk_results_transaction_id_transactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_results_transaction_id")),
    )


def downgrade() -> None:

    op.drop_table("results")
    with op.batch_alter_table("downloads", schema=None) as batch_op:
        batch_op.drop_index("ix_downloads_transaction")

    op.drop_table("downloads")
    with op.batch_alter_table("document_scans", schema=None) as batch_op:
        batch_op.drop_index("ix_document_scans_transaction_created")

    op.drop_table("document_scans")
