"""The alias table as staff manage it (service layer): list, edit and delete learned payer names.

``list_aliases`` builds the (filtered) query the settings page paginates; ``update_alias``
changes the name and/or polarity (the key is re-derived with the matcher's normaliser);
``delete_alias`` removes a wrong alias, keeping what it was in the audit log. Raises
``NotFound`` for an unknown id and ``ServiceError`` for bad input. Never commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon import audit
from recon.allocation.aliases import alias_key
from recon.db.types import utcnow
from recon.errors import Codes, NotFound, ServiceError
from recon.models import Customer, CustomerAlias

__all__ = ["alias_query", "delete_alias", "update_alias"]

POLARITIES = ("positive", "negative")


def alias_query(text: str | None = None, polarity: str | None = None) -> sa.Select:
    """Aliases with their customer, newest first, optionally narrowed by text and polarity."""
    stmt = sa.select(CustomerAlias, Customer).join(Customer)
    if text:
        like = f"%{text}%"
        stmt = stmt.where(sa.or_(CustomerAlias.alias.ilike(like), Customer.name.ilike(like),
                                 Customer.external_id.ilike(like)))
    if polarity in POLARITIES:
        stmt = stmt.where(CustomerAlias.polarity == polarity)
    return stmt.order_by(CustomerAlias.id.desc())


def _get(session: Session, alias_id: int) -> CustomerAlias:
    row = session.get(CustomerAlias, alias_id)
    if row is None:
        raise NotFound("alias %(id)s does not exist", code="alias_not_found", id=alias_id)
    return row


def _snap(row: CustomerAlias) -> dict[str, object]:
    return {"alias": row.alias, "customer_id": row.customer_id, "polarity": row.polarity}


def update_alias(
    session: Session, alias_id: int, *, alias: str, polarity: str, actor: str
) -> CustomerAlias:
    row = _get(session, alias_id)
    alias = alias.strip()
    key = alias_key(alias)[:255] if alias else ""
    if not key:
        raise ServiceError("the alias must contain letters or digits", code="alias_empty")
    if polarity not in POLARITIES:
        raise ServiceError("polarity must be one of %(choices)s", code="bad_polarity",
                           choices=Codes(POLARITIES))
    clash = session.scalar(sa.select(CustomerAlias.id).where(
        CustomerAlias.customer_id == row.customer_id, CustomerAlias.alias_key == key,
        CustomerAlias.id != row.id))
    if clash is not None:
        raise ServiceError("the customer already has the alias %(alias)s (#%(id)s)",
                           code="alias_exists", alias=alias, id=clash)
    before = _snap(row)
    row.alias, row.alias_key, row.polarity = alias[:255], key, polarity
    row.source, row.updated_at = "manual", utcnow()
    audit.record(session, actor=actor, action="alias.edit", obj=row, before=before,
                 after=_snap(row))
    return row


def delete_alias(session: Session, alias_id: int, *, actor: str, reason: str | None = None) -> None:
    row = _get(session, alias_id)
    audit.record(session, actor=actor, action="alias.delete", obj=row, before=_snap(row),
                 reason=reason)
    session.delete(row)
