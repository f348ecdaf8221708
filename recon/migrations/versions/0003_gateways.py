"""Schema changes owned by the gateways area (empty until that area needs one).

Revision ID: 0003_gateways
Revises: 0002_statements
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003_gateways"
down_revision: str | None = "0002_statements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
