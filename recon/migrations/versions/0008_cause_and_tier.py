"""Columns other areas build on: the queue cause stored on a match (decided where the proposal is
made, from a closed list) and the customer's credit tier (NULL = the default tier).

The cause of existing matcher proposals is back-filled from their stored reasons with the same
decision the matcher uses now (``recon.matchrun.causes.cause_of_stored``); hand matches keep NULL.

Revision ID: 0008_cause_and_tier
Revises: 0007_adjustment_gateway
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_cause_and_tier"
down_revision: str | None = "0007_adjustment_gateway"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=24), nullable=True))
        batch_op.create_index(batch_op.f("ix_match_cause"), ["cause"], unique=False)
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credit_tier", sa.String(length=8), nullable=True))
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ref_key", sa.String(length=64), nullable=True))
    _backfill_causes()
    _rekey_invoices_and_aliases()
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.alter_column("ref_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_index(batch_op.f("ix_invoice_ref_key"), ["ref_key"], unique=False)


def _backfill_causes() -> None:
    from recon.matchrun.causes import cause_of_stored

    bind = op.get_bind()
    match = sa.table("match", sa.column("id", sa.Integer), sa.column("kind", sa.String),
                     sa.column("status", sa.String), sa.column("reasons", sa.JSON),
                     sa.column("cause", sa.String))
    alloc = sa.table("allocation", sa.column("match_id", sa.Integer),
                     sa.column("invoice_id", sa.Integer))
    invoices = (sa.select(sa.func.count(sa.distinct(alloc.c.invoice_id)))
                .where(alloc.c.match_id == match.c.id).scalar_subquery())
    rows = bind.execute(
        sa.select(match.c.id, match.c.kind, match.c.reasons, invoices)
        .where(match.c.status != "manual", match.c.cause.is_(None))
    ).all()
    for match_id, kind, reasons, n in rows:
        bind.execute(match.update().where(match.c.id == match_id)
                     .values(cause=cause_of_stored(kind, reasons, int(n or 0))))


def _rekey_invoices_and_aliases() -> None:
    """Invoice reference keys and alias keys through the one normaliser each now uses
    (``matching.refs.full_key``, ``matching.names.fold_name``). Two aliases of a customer that
    now share a key are one name: the older row is kept."""
    from matching.names import fold_name
    from matching.refs import full_key

    bind = op.get_bind()
    invoice = sa.table("invoice", sa.column("id", sa.Integer), sa.column("invoice_no", sa.String),
                       sa.column("ref_key", sa.String))
    for row_id, number in bind.execute(sa.select(invoice.c.id, invoice.c.invoice_no)).all():
        bind.execute(invoice.update().where(invoice.c.id == row_id)
                     .values(ref_key=full_key(number)[:64]))
    alias = sa.table("customer_alias", sa.column("id", sa.Integer),
                     sa.column("customer_id", sa.Integer), sa.column("alias", sa.String),
                     sa.column("alias_key", sa.String))
    seen: set[tuple[int, str]] = set()
    rows = bind.execute(sa.select(alias.c.id, alias.c.customer_id, alias.c.alias)
                        .order_by(alias.c.id)).all()
    for row_id, customer_id, name in rows:
        key = fold_name(name)[:255]
        if (customer_id, key) in seen:
            bind.execute(alias.delete().where(alias.c.id == row_id))
            continue
        seen.add((customer_id, key))
        bind.execute(alias.update().where(alias.c.id == row_id).values(alias_key=key))


def downgrade() -> None:
    with op.batch_alter_table("invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_ref_key"))
        batch_op.drop_column("ref_key")
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_column("credit_tier")
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_cause"))
        batch_op.drop_column("cause")
