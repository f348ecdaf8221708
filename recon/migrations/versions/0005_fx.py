"""FX allocations: the part of a receipt in its own currency spent on an invoice in another.

Revision ID: 0005_fx
Revises: 0004_web
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_fx"
down_revision: str | None = "0004_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receipt_amount_minor", sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_allocation_receipt_amount_positive"),
            "receipt_amount_minor IS NULL OR receipt_amount_minor > 0",
        )


def downgrade() -> None:
    with op.batch_alter_table("allocation", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_allocation_receipt_amount_positive"), type_="check")
        batch_op.drop_column("receipt_amount_minor")
