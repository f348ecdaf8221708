"""Learned payer names: a confirmed match remembers the payer for the customer, a rejection
remembers it as a negative so the same suggestion is not made again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.names import fold_name
from recon import audit
from recon.db.types import utcnow
from recon.models import CustomerAlias

__all__ = ["alias_key", "remember_alias"]


def alias_key(name: str) -> str:
    """The key of a payer name: the matcher's own ``fold_name``, so an alias is the same name to
    the matcher, to this table's uniqueness and to the alias page."""
    return fold_name(name)


def remember_alias(
    session: Session,
    *,
    customer_id: int,
    payer_name: str | None,
    polarity: str,
    actor: str,
    source: str,
) -> CustomerAlias | None:
    """Insert or flip the alias ``payer_name`` → customer; returns it (None for empty names)."""
    if not payer_name or not payer_name.strip():
        return None
    key = alias_key(payer_name)[:255]
    if not key:
        return None
    row = session.scalar(
        select(CustomerAlias).where(
            CustomerAlias.customer_id == customer_id, CustomerAlias.alias_key == key
        )
    )
    before = None
    if row is None:
        row = CustomerAlias(
            customer_id=customer_id,
            alias=payer_name.strip()[:255],
            alias_key=key,
            polarity=polarity,
            source=source,
            created_by=actor,
        )
        session.add(row)
    elif row.polarity == polarity:
        return row
    else:
        before = {"polarity": row.polarity}
        row.polarity, row.source, row.updated_at = polarity, source, utcnow()
    audit.record(
        session,
        actor=actor,
        action=f"alias.{polarity}",
        obj=row,
        before=before,
        after={"alias": row.alias, "customer_id": customer_id, "polarity": polarity},
    )
    return row
