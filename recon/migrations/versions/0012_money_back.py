"""Money flowing back and several merchant accounts (issue 19): an invoice's disputed flag
(collections pause dunning on it) and the amount refunds/chargebacks reopened after payment;
the gateway_account table; gateway_event status ``foreign`` (a delivery naming no account); the
fetched_file table (SFTP downloads remembered).

Revision ID: 0012_money_back
Revises: 0011_collections
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_money_back"
down_revision: str | None = "0011_collections"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("disputed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("refunded_minor", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.create_check_constraint("refunded_nonnegative", "refunded_minor >= 0")
    op.create_table(
        "gateway_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("gateway", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=128), nullable=True),
        sa.Column("credentials", sa.JSON(), nullable=False),
        sa.Column("default_currency", sa.String(length=3), nullable=True),
        sa.Column("payout_bank_account_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["payout_bank_account_id"],
            ["bank_account.id"],
            name=op.f("fk_gateway_account_payout_bank_account_id_bank_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gateway_account")),
        sa.UniqueConstraint(
            "gateway", "account_id", name=op.f("uq_gateway_account_gateway_account_id")
        ),
    )
    with op.batch_alter_table("gateway_event", schema=None) as batch_op:
        batch_op.drop_constraint("status", type_="check")
        batch_op.create_check_constraint(
            "status", "status IN ('pending', 'processed', 'failed', 'foreign')"
        )
    op.create_table(
        "fetched_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("remote_name", sa.String(length=512), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("mtime", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("local_name", sa.String(length=512), nullable=True),
        sa.Column(
            "fetched_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetched_file")),
        sa.UniqueConstraint(
            "source",
            "remote_name",
            "size",
            "mtime",
            name=op.f("uq_fetched_file_source_remote_name_size_mtime"),
        ),
    )
    op.create_index(op.f("ix_fetched_file_sha256"), "fetched_file", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_fetched_file_sha256"), table_name="fetched_file")
    op.drop_table("fetched_file")
    with op.batch_alter_table("gateway_event", schema=None) as batch_op:
        batch_op.drop_constraint("status", type_="check")
        batch_op.create_check_constraint("status", "status IN ('pending', 'processed', 'failed')")
    op.drop_table("gateway_account")
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_constraint("refunded_nonnegative", type_="check")
        batch_op.drop_column("refunded_minor")
        batch_op.drop_column("disputed")
