"""Schema changes owned by the web UI area (empty until that area needs one).

Revision ID: 0006_web
Revises: 0005_runs
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006_web"
down_revision: str | None = "0005_runs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
