"""Rules from hand work (conditions → customer, category or clearing account, with hit counts),
and the queue's work management: who works an item, notes on it, saved filter views.

Revision ID: 0013_rules_and_work
Revises: 0012_money_back
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_rules_and_work"
down_revision: str | None = "0012_money_back"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def upgrade() -> None:
    op.create_table(
        "rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("payer_contains", sa.String(length=120), nullable=True),
        sa.Column("text_contains", sa.String(length=120), nullable=True),
        sa.Column("min_minor", sa.BigInteger(), nullable=True),
        sa.Column("max_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=True),
        sa.Column("clearing_account", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("last_hit_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        _created(),
        sa.CheckConstraint(
            "outcome IN ('customer', 'category', 'clearing')", name=op.f("ck_rule_outcome")
        ),
        sa.CheckConstraint(
            "payer_contains IS NOT NULL OR text_contains IS NOT NULL",
            name=op.f("ck_rule_has_condition"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_rule_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule")),
    )
    op.create_table(
        "item_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("assignee", sa.String(length=64), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        _created("assigned_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_assignment")),
    )
    op.create_index(
        op.f("ix_item_assignment_assignee"), "item_assignment", ["assignee"], unique=False
    )
    op.create_index(
        "ix_item_assignment_item", "item_assignment", ["kind", "receipt_id"], unique=True
    )
    op.create_table(
        "item_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        _created(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_note")),
    )
    op.create_index("ix_item_note_item", "item_note", ["kind", "receipt_id"], unique=False)
    op.create_table(
        "saved_view",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        _created(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_view")),
    )
    op.create_index("ix_saved_view_owner_name", "saved_view", ["owner", "name"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_saved_view_owner_name", table_name="saved_view")
    op.drop_table("saved_view")
    op.drop_index("ix_item_note_item", table_name="item_note")
    op.drop_table("item_note")
    op.drop_index("ix_item_assignment_item", table_name="item_assignment")
    op.drop_index(op.f("ix_item_assignment_assignee"), table_name="item_assignment")
    op.drop_table("item_assignment")
    op.drop_table("rule")
