"""Adjustments can target a gateway charge: a charge that pays no invoice can be written off or
classified in the exception queue like a bank line.

Revision ID: 0007_adjustment_gateway
Revises: 0006_gateway_related
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_adjustment_gateway"
down_revision: str | None = "0006_gateway_related"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_TARGET = "statement_line_id IS NOT NULL OR invoice_id IS NOT NULL"
NEW_TARGET = f"{OLD_TARGET} OR gateway_txn_id IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("adjustment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gateway_txn_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_adjustment_gateway_txn_id"), ["gateway_txn_id"],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_adjustment_gateway_txn_id_gateway_transaction"),
                                    "gateway_transaction", ["gateway_txn_id"], ["id"])
        batch_op.drop_constraint(op.f("ck_adjustment_has_target"), type_="check")
        batch_op.create_check_constraint(op.f("ck_adjustment_has_target"), NEW_TARGET)


def downgrade() -> None:
    with op.batch_alter_table("adjustment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_adjustment_has_target"), type_="check")
        batch_op.create_check_constraint(op.f("ck_adjustment_has_target"), OLD_TARGET)
        batch_op.drop_constraint(
            batch_op.f("fk_adjustment_gateway_txn_id_gateway_transaction"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_adjustment_gateway_txn_id"))
        batch_op.drop_column("gateway_txn_id")
