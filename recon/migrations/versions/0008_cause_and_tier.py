"""Columns other areas build on: the queue cause stored on a match (decided where the proposal is
made, from a closed list) and the customer's credit tier (NULL = the default tier).

Revision ID: 0008_cause_and_tier
Revises: 0007_adjustment_gateway
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_cause_and_tier"
down_revision: str | None = "0007_adjustment_gateway"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=24), nullable=True))
        batch_op.create_index(batch_op.f("ix_match_cause"), ["cause"], unique=False)
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credit_tier", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_column("credit_tier")
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_cause"))
        batch_op.drop_column("cause")
