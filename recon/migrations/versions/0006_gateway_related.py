"""Gateway transactions name the transaction they belong to (a refund's charge or payment
intent, a charge's payment intent) in an indexed column, so a charge's cumulative webhook
refund and the itemised refunds of reports meet without reading JSON.

Revision ID: 0006_gateway_related
Revises: 0005_fx
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_gateway_related"
down_revision: str | None = "0005_fx"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("gateway_transaction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("related_id", sa.String(length=128), nullable=True))
        batch_op.create_index(batch_op.f("ix_gateway_transaction_related_id"), ["related_id"],
                              unique=False)
    txn = sa.table("gateway_transaction", sa.column("id", sa.Integer),
                   sa.column("raw", sa.JSON), sa.column("related_id", sa.String))
    conn = op.get_bind()
    for row_id, raw in conn.execute(sa.select(txn.c.id, txn.c.raw)).all():
        related = (raw or {}).get("related_id")
        if isinstance(related, str) and related:
            conn.execute(txn.update().where(txn.c.id == row_id).values(related_id=related[:128]))


def downgrade() -> None:
    with op.batch_alter_table("gateway_transaction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_transaction_related_id"))
        batch_op.drop_column("related_id")
