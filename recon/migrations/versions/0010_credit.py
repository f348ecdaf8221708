"""Credit: a profile per customer (measures, tier, reasons, override, limit, hold) and the daily
FX rates used to show receivables in one base currency.

Revision ID: 0010_credit
Revises: 0009_controls
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_credit"
down_revision: str | None = "0009_controls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_profile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("measures", sa.JSON(), nullable=False),
        sa.Column("computed_tier", sa.String(length=8), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("base_currency", sa.String(length=3), nullable=False),
        sa.Column("exposure_minor", sa.BigInteger(), nullable=False),
        sa.Column("limit_minor", sa.BigInteger(), nullable=True),
        sa.Column("limit_reason", sa.Text(), nullable=True),
        sa.Column("suggested_limit_minor", sa.BigInteger(), nullable=True),
        sa.Column("hold", sa.Boolean(), nullable=False),
        sa.Column("override_tier", sa.String(length=8), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("override_until", sa.Date(), nullable=True),
        sa.Column("override_by", sa.String(length=64), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_credit_profile_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_profile")),
        sa.UniqueConstraint("customer_id", name=op.f("uq_credit_profile_customer_id")),
    )
    op.create_table(
        "fx_rate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rate_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("base_currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fx_rate")),
        sa.UniqueConstraint(
            "rate_date", "currency", "base_currency",
            name=op.f("uq_fx_rate_rate_date_currency_base_currency"),
        ),
    )
    with op.batch_alter_table("fx_rate", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fx_rate_rate_date"), ["rate_date"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("fx_rate", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fx_rate_rate_date"))
    op.drop_table("fx_rate")
    op.drop_table("credit_profile")
