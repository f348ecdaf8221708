"""Controls of issue #12: where each match came from (``match.origin``), and pending write-offs
that reserve their amount.

``origin`` is one of ``recon.models.ORIGINS``. Existing rows are classified from what they say of
themselves: a gateway order-reference settlement (``gateway_invoice`` whose reasons name the
``order_ref``) is ``gateway``; a match made in a run or still a suggestion is ``auto`` when it was
applied as ``auto``, else ``suggestion``; what is left (``manual`` without a run) is ``manual``.
A write-off already waiting for approval takes its amount from its receipt or invoice now, as new
ones do; one whose money is no longer there is closed as rejected (the audit log keeps it).

Revision ID: 0009_controls
Revises: 0008_cause_and_tier
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_controls"
down_revision: str | None = "0008_cause_and_tier"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=12), nullable=True))
    op.execute(
        "UPDATE match SET origin = CASE"
        " WHEN kind = 'gateway_invoice' AND run_id IS NULL AND status = 'auto' THEN 'gateway'"
        " WHEN status = 'auto' THEN 'auto'"
        " WHEN kind = 'payout_deposit' THEN 'auto'"
        " WHEN run_id IS NOT NULL OR status = 'suggested' THEN 'suggestion'"
        " ELSE 'manual' END"
    )
    _reserve_pending()


def _reserve_pending() -> None:
    bind = op.get_bind()
    pending = bind.execute(sa.text(
        "SELECT id, amount_minor, statement_line_id, invoice_id, gateway_txn_id FROM adjustment"
        " WHERE status = 'pending_approval' ORDER BY id")).all()
    for adj_id, amount, line_id, invoice_id, txn_id in pending:
        if invoice_id is not None:
            done = bind.execute(sa.text(
                "UPDATE invoice SET adjusted_minor = adjusted_minor + :a WHERE id = :i"
                " AND amount_minor - paid_minor - adjusted_minor >= :a"), {"a": amount,
                                                                           "i": invoice_id})
        elif line_id is not None:
            done = bind.execute(sa.text(
                "UPDATE statement_line SET allocated_minor = allocated_minor + :a WHERE id = :i"
                " AND amount_minor - allocated_minor >= :a"), {"a": amount, "i": line_id})
        else:
            done = bind.execute(sa.text(
                "UPDATE gateway_transaction SET allocated_minor = allocated_minor + :a"
                " WHERE id = :i AND gross_minor - allocated_minor >= :a"), {"a": amount,
                                                                             "i": txn_id})
        if done.rowcount == 0:
            bind.execute(sa.text("UPDATE adjustment SET status = 'rejected' WHERE id = :i"),
                         {"i": adj_id})


def downgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_column("origin")
