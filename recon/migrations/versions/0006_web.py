"""Schema changes owned by the web UI area (empty until that area needs one).

Revision ID: 0006_web
Revises: 0005_runs
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006_web"
down_revision: str | None = "0005_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _upgrade_queue()


def downgrade() -> None:
    _downgrade_queue()


# --- exception queue (web queue area) ------------------------------------------------------
# Composite indexes for "latest open suggestion of this receipt" (recon/models/queue_indexes.py).


def _upgrade_queue() -> None:
    op.create_index("ix_match_queue_line", "match", ["statement_line_id", "status", "id"])
    op.create_index("ix_match_queue_charge", "match", ["gateway_txn_id", "status", "id"])


def _downgrade_queue() -> None:
    op.drop_index("ix_match_queue_charge", table_name="match")
    op.drop_index("ix_match_queue_line", table_name="match")


# --- end exception queue --------------------------------------------------------------------
