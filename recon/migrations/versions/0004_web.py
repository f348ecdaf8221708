"""Schema changes owned by the web UI area (empty until that area needs one).

Revision ID: 0004_web
Revises: 0003_runs
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_web"
down_revision: str | None = "0003_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _upgrade_queue()


def downgrade() -> None:
    _downgrade_queue()


# --- exception queue (web queue area) ------------------------------------------------------
# Indexes the queue reads through (recon/models/queue_indexes.py): partial ones over the open
# receipts, composite ones for "latest open suggestion of this receipt".


_OPEN_LINE = "allocated_minor < amount_minor AND disposition IS NULL"
_OPEN_CHARGE = "kind = 'charge' AND allocated_minor < gross_minor"


def _upgrade_queue() -> None:
    op.create_index("ix_match_queue_line", "match", ["statement_line_id", "status", "id"])
    op.create_index("ix_match_queue_charge", "match", ["gateway_txn_id", "status", "id"])
    op.create_index(
        "ix_statement_line_queue_open", "statement_line", ["booking_date"],
        sqlite_where=sa.text(_OPEN_LINE), postgresql_where=sa.text(_OPEN_LINE),
    )  # fmt: skip
    op.create_index(
        "ix_gateway_transaction_queue_open", "gateway_transaction", ["occurred_at"],
        sqlite_where=sa.text(_OPEN_CHARGE), postgresql_where=sa.text(_OPEN_CHARGE),
    )  # fmt: skip


def _downgrade_queue() -> None:
    op.drop_index("ix_gateway_transaction_queue_open", table_name="gateway_transaction")
    op.drop_index("ix_statement_line_queue_open", table_name="statement_line")
    op.drop_index("ix_match_queue_charge", table_name="match")
    op.drop_index("ix_match_queue_line", table_name="match")


# --- end exception queue --------------------------------------------------------------------
