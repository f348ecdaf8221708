"""Schema changes owned by the matching area (empty until that area needs one).

Revision ID: 0004_matching
Revises: 0003_gateways
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0004_matching"
down_revision: str | None = "0003_gateways"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
