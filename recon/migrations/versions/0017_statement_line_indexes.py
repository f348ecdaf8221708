"""Two indexes of ``statement_line`` that no query needs, dropped: each one costs every
statement import an index insert per line. ``ix_statement_line_bank_account_id`` repeats the
leading column of ``uq_statement_line_bank_account_id`` (account, dedupe key) and of
``ix_statement_line_account_day_amount``: queries by account use those. Nothing reads lines by
``statement_id`` (``ix_statement_line_statement_id``); no statement is ever deleted.

Revision ID: 0017_statement_line_indexes
Revises: 0016_bank_returns
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0017_statement_line_indexes"
down_revision: str | None = "0016_bank_returns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROPPED = (("ix_statement_line_bank_account_id", "bank_account_id"),
            ("ix_statement_line_statement_id", "statement_id"))


def upgrade() -> None:
    for name, _column in _DROPPED:
        op.drop_index(name, table_name="statement_line")


def downgrade() -> None:
    for name, column in _DROPPED:
        op.create_index(name, "statement_line", [column], unique=False)
