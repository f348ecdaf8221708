"""``INSERT .. ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike (service helper).

Idempotency comes from unique constraints, not from reading before writing (STYLE §12): two
concurrent deliveries of one event both attempt the insert, the database lets exactly one
through, and the other learns it lost from the row count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

__all__ = ["insert_ignore", "insert_ignore_returning"]


def _statement(session: Session, model: type[Any], values: Mapping[str, Any],
               key: Sequence[str]) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(model).values(**values).on_conflict_do_nothing(
            index_elements=list(key)
        )
    elif dialect == "sqlite":
        stmt = sqlite.insert(model).values(**values).on_conflict_do_nothing(
            index_elements=list(key)
        )
    else:  # pragma: no cover - the service runs on SQLite and PostgreSQL only
        raise NotImplementedError(f"no idempotent insert for {dialect}")
    return stmt


def insert_ignore(
    session: Session, model: type[Any], values: Mapping[str, Any], key: Sequence[str]
) -> int | None:
    """Insert ``values`` unless a row with the same unique ``key`` exists.

    Returns the new row's primary key, or ``None`` when the row already existed.  RETURNING,
    not rowcount: an ORM-enabled insert may report -1 rows on some drivers.
    """
    pk = next(iter(model.__table__.primary_key.columns))
    return session.execute(_statement(session, model, values, key).returning(pk)).scalar()


def insert_ignore_returning(
    session: Session, model: type[Any], values: Mapping[str, Any], key: Sequence[str]
) -> Any | None:
    """Like `insert_ignore` but returns the new ORM object (one round trip), or ``None``."""
    stmt = _statement(session, model, values, key).returning(model)
    return session.scalars(stmt, execution_options={"populate_existing": True}).first()
