"""A per-user session nonce: the web session carries it, logout renews it, so a copied cookie
stops working on the server (issue #14).

Revision ID: 0014_session_nonce
Revises: 0013_rules_and_work
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_session_nonce"
down_revision: str | None = "0013_rules_and_work"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_nonce", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("session_nonce")
