"""``INSERT .. ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL alike (service helper).

Idempotency comes from unique constraints, not from reading before writing (STYLE §12): two
concurrent deliveries of one event both attempt the insert, the database lets exactly one
through, and the other learns it lost from the returned row (none).

`insert_ignore_audited` also writes the audit row of a creation -- on PostgreSQL in the same
statement (a data-modifying CTE: one round trip), on SQLite as a second Core insert -- and
nothing for a duplicate.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from recon.audit import jsonable
from recon.db.types import utcnow
from recon.models import AuditEvent

__all__ = [
    "audited_insert_pg", "insert_ignore", "insert_ignore_audited", "insert_ignore_returning",
]


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


def insert_ignore_audited(
    session: Session, model: type[Any], values: Mapping[str, Any], key: Sequence[str], *,
    actor: str, action: str, after: Mapping[str, Any],
) -> int | None:
    """`insert_ignore` plus the ``AuditEvent`` of the creation, in one round trip on PostgreSQL.

    The audit row names the new row (``object_type`` = its table, ``object_id`` = its key) and
    is only written when the insert happened.  Returns the new key or ``None`` (duplicate).
    ``values`` must be plain driver values (text, numbers, datetimes): on PostgreSQL they are
    bound to a driver-level statement built once per table and column set (the hot webhook
    path: no SQL construct to build, cache-key or compile per call).
    """
    table = model.__table__
    at = utcnow()
    if session.get_bind().dialect.name != "postgresql":
        new_id = insert_ignore(session, model, values, key)
        if new_id is not None:
            session.execute(insert(AuditEvent).values(
                at=at, actor=actor, action=action, object_type=table.name,
                object_id=str(new_id), after=jsonable(after)))
        return new_id
    sql, params = audited_insert_pg(model, values, key, actor=actor, action=action, after=after,
                                    at=at)
    return session.connection().exec_driver_sql(sql, params).scalar()


def audited_insert_pg(
    model: type[Any], values: Mapping[str, Any], key: Sequence[str], *, actor: str,
    action: str, after: Mapping[str, Any], at: Any = None,
) -> tuple[str, dict[str, Any]]:
    """The PostgreSQL statement of `insert_ignore_audited` and its driver parameters, for a
    caller that runs it on a bare driver cursor (the webhook edge: no ORM session at all)."""
    table = model.__table__
    pk = next(iter(table.primary_key.columns)).name
    sql = _audited_insert_sql(table.name, tuple(values), tuple(key), pk)
    params = {**values, "audit_at": at or utcnow(), "audit_actor": actor,
              "audit_action": action, "audit_type": table.name,
              "audit_after": json.dumps(jsonable(after))}
    return sql, params


@functools.lru_cache(maxsize=16)
def _audited_insert_sql(table: str, columns: tuple[str, ...], key: tuple[str, ...],
                        pk: str) -> str:
    """``WITH created AS (INSERT .. ON CONFLICT DO NOTHING RETURNING pk), audit AS (..)``.

    Identifiers come from the models' metadata, never from input; values are bound
    (psycopg's ``%(name)s`` placeholders).
    """
    audit = AuditEvent.__tablename__
    return (
        f"WITH created AS (INSERT INTO {table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(f'%({c})s' for c in columns)}) "
        f"ON CONFLICT ({', '.join(key)}) DO NOTHING RETURNING {pk}), "
        f"audit AS (INSERT INTO {audit} (at, actor, action, object_type, object_id, after) "
        f"SELECT %(audit_at)s, %(audit_actor)s, %(audit_action)s, %(audit_type)s, "
        f"CAST({pk} AS VARCHAR), CAST(%(audit_after)s AS JSON) FROM created) "
        f"SELECT {pk} FROM created"
    )
