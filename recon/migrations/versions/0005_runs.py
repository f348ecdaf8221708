"""Schema changes owned by the daily runs area (empty until that area needs one).

Revision ID: 0005_runs
Revises: 0004_matching
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0005_runs"
down_revision: str | None = "0004_matching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
