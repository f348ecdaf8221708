"""Money flowing back: an invoice's disputed flag (collections pause dunning on it) and the
amount refunds/chargebacks reopened after payment (shown as "refunded after payment").

Revision ID: 0016_money_back
Revises: 0008_cause_and_tier
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_money_back"
down_revision: str | None = "0008_cause_and_tier"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disputed", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column("refunded_minor", sa.BigInteger(), nullable=False,
                                      server_default="0"))
        batch_op.create_check_constraint("refunded_nonnegative", "refunded_minor >= 0")


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_constraint("refunded_nonnegative", type_="check")
        batch_op.drop_column("refunded_minor")
        batch_op.drop_column("disputed")
