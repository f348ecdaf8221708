"""Bank returns and the refunded-after-payment queue (issue 19): ``bank_return`` links a bank
debit that takes back a credit to that credit (found by ``statement_line.end_to_end_id``, now
indexed); ``money_back_item`` is the queue item a person
clears when money went back after it paid an invoice, or a return's credit is not found.

Revision ID: 0016_bank_returns
Revises: 0014_session_nonce
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_bank_returns"
down_revision: str | None = "0015_import_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(),
                     nullable=False)


def upgrade() -> None:
    op.create_index(op.f("ix_statement_line_end_to_end_id"), "statement_line",
                    ["end_to_end_id"], unique=False)
    op.create_table(
        "bank_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("return_line_id", sa.Integer(), nullable=False),
        sa.Column("original_line_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=35), nullable=True),
        sa.Column("original_ref", sa.String(length=140), nullable=True),
        sa.Column("linked_by", sa.String(length=16), nullable=True),
        _created(),
        sa.ForeignKeyConstraint(["original_line_id"], ["statement_line.id"],
                                name=op.f("fk_bank_return_original_line_id_statement_line")),
        sa.ForeignKeyConstraint(["return_line_id"], ["statement_line.id"],
                                name=op.f("fk_bank_return_return_line_id_statement_line")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_return")),
        sa.UniqueConstraint("return_line_id", name=op.f("uq_bank_return_return_line_id")),
    )
    op.create_index(op.f("ix_bank_return_original_line_id"), "bank_return",
                    ["original_line_id"], unique=False)
    op.create_table(
        "money_back_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_key", sa.String(length=32), nullable=False),
        sa.Column("statement_line_id", sa.Integer(), nullable=True),
        sa.Column("gateway_txn_id", sa.Integer(), nullable=True),
        sa.Column("cause", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        _created(),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("resolution", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("amount_minor >= 0",
                           name=op.f("ck_money_back_item_amount_nonnegative")),
        sa.CheckConstraint("statement_line_id IS NOT NULL OR gateway_txn_id IS NOT NULL",
                           name=op.f("ck_money_back_item_has_receipt")),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_money_back_item_status")),
        sa.ForeignKeyConstraint(["gateway_txn_id"], ["gateway_transaction.id"],
                                name=op.f("fk_money_back_item_gateway_txn_id_gateway_transaction")),
        sa.ForeignKeyConstraint(["statement_line_id"], ["statement_line.id"],
                                name=op.f("fk_money_back_item_statement_line_id_statement_line")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_money_back_item")),
        sa.UniqueConstraint("receipt_key", "cause",
                            name=op.f("uq_money_back_item_receipt_key_cause")),
    )
    for column in ("gateway_txn_id", "statement_line_id", "status"):
        op.create_index(op.f(f"ix_money_back_item_{column}"), "money_back_item", [column],
                        unique=False)


def downgrade() -> None:
    op.drop_table("money_back_item")
    op.drop_table("bank_return")
    op.drop_index(op.f("ix_statement_line_end_to_end_id"), table_name="statement_line")
