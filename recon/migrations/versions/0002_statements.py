"""Statements area: an index for the possible-duplicate check of statement imports.

An import compares each new line with lines of the same account, booking date and amount
(a bank id reused for another payment, or the same payment arriving in another format).

Revision ID: 0002_statements
Revises: 0001_initial
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002_statements"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEX = "ix_statement_line_account_day_amount"


def upgrade() -> None:
    with op.batch_alter_table("statement_line") as batch_op:
        batch_op.create_index(INDEX, ["bank_account_id", "booking_date", "amount_minor"])


def downgrade() -> None:
    with op.batch_alter_table("statement_line") as batch_op:
        batch_op.drop_index(INDEX)
