"""Schema changes owned by the daily runs area: the ``inbox_file`` table (content-hash dedupe).

Revision ID: 0003_runs
Revises: 0002_statements
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_runs"
down_revision: str | None = "0002_statements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column(
            "imported_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["recon_run.id"], name=op.f("fk_inbox_file_run_id_recon_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_file")),
        sa.UniqueConstraint("sha256", name=op.f("uq_inbox_file_sha256")),
    )


def downgrade() -> None:
    op.drop_table("inbox_file")
