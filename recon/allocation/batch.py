"""Bulk support for applying many matches in one transaction (service layer, never commits).

- `lock_rows(session, Model, ids)` locks rows in chunks (one ``SELECT .. FOR UPDATE`` per chunk
  on PostgreSQL; SQLite locks the whole database on write anyway), refreshes them in the
  identity map and remembers their ids for the current transaction, so `locked(...)` lets
  `allocations` / `adjustments` use the identity map instead of one locking SELECT per row.
- `deferred_audit(session)` collects the audit events of a batch and writes them after one
  flush (ids known), instead of a flush per event; `audit_event(...)` is what the money
  services call: it defers inside such a block and calls `audit.record` outside one.

- `lock_columns(...)` locks rows the same way but returns only some columns as dicts (the bulk
  paths of `recon.allocation.bulk`: no ORM row each); `supersede_bulk(...)` marks many open
  suggestions superseded in one statement; `expire_written(...)` expires what they made stale.

State lives in ``session.info`` and is tied to the current root transaction: a new transaction
starts with nothing locked. Raises nothing of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ARRAY, Integer, any_, bindparam, func, literal_column, select
from sqlalchemy.orm import Session, SessionTransaction

from recon import audit
from recon.db.bulkwrite import update_rows
from recon.db.types import utcnow
from recon.models import Adjustment, GatewayTransaction, Invoice, Match, StatementLine

__all__ = [
    "audit_event", "deferred_audit", "deferring", "expire_written", "flush", "lock_columns",
    "lock_rows", "locked", "supersede_bulk",
]  # fmt: skip

CHUNK = 1000  # ids per locking SELECT (well under every driver's parameter limit)
_KEY = "recon.allocation_batch"


@dataclass
class _State:
    txn: SessionTransaction
    locked: dict[type, set[int]] = field(default_factory=dict)
    rows: list[object] = field(default_factory=list)  # the identity map only holds weak refs
    pending: list[tuple[object, dict[str, Any]]] | None = None


def _state(session: Session, create: bool = False) -> _State | None:
    txn = session.get_transaction()
    state = session.info.get(_KEY)
    if state is not None and txn is not None and state.txn is txn and txn.is_active:
        return state
    if not create or txn is None:
        return None
    state = _State(txn)
    session.info[_KEY] = state
    return state


def lock_rows(session: Session, model: type, ids: Iterable[int]) -> dict[int, Any]:
    """Lock and (re)load the rows of `model` with these ids; returns {id: row} found."""
    state = _state(session, create=True)
    assert state is not None  # create=True inside a transaction
    wanted = sorted({int(i) for i in ids})
    out: dict[int, Any] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        stmt = (
            select(model)
            .where(model.id.in_(chunk))  # type: ignore[attr-defined]
            .order_by(model.id)  # type: ignore[attr-defined]
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        out.update((row.id, row) for row in session.scalars(stmt))
    state.locked.setdefault(model, set()).update(out)
    state.rows.extend(out.values())
    return out


def locked(session: Session, model: type, row_id: int | None) -> bool:
    """True when `row_id` of `model` was locked by `lock_rows` in this transaction."""
    state = _state(session)
    return state is not None and row_id is not None and row_id in state.locked.get(model, ())


def audit_event(
    session: Session,
    *,
    actor: str,
    action: str,
    obj: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """`audit.record` for `obj`, deferred to the end of a `deferred_audit` block if inside one."""
    kw = {"actor": actor, "action": action, "before": before, "after": after, "reason": reason}
    state = _state(session)
    if state is not None and state.pending is not None:
        state.pending.append((obj, kw))
        return
    audit.record(session, obj=obj, **kw)


def deferring(session: Session) -> bool:
    """True inside a `deferred_audit` block of the current transaction."""
    state = _state(session)
    return state is not None and state.pending is not None


def flush(session: Session) -> None:
    """`session.flush()`, except inside a `deferred_audit` block (which flushes once at its end)."""
    if not deferring(session):
        session.flush()


@contextmanager
def deferred_audit(session: Session) -> Iterator[None]:
    """Audit events inside are written after one flush at the end (dropped on an exception)."""
    state = _state(session, create=True)
    assert state is not None
    outer, state.pending = state.pending, []
    try:
        yield
        pending = state.pending
    finally:
        state.pending = outer
    if outer is not None:  # nested: the outer block writes them
        outer.extend(pending)
        return
    session.flush()
    for obj, kw in pending:
        audit.record(
            session,
            object_type=type(obj).__tablename__,  # type: ignore[attr-defined]
            object_id=obj.id,  # type: ignore[attr-defined]
            **kw,
        )
    session.flush()


def lock_columns(session: Session, model: Any, ids: Iterable[int], cols: Sequence[str]
                 ) -> dict[int, dict[str, Any]]:
    """Lock rows of `model` by id (id order) and return their `cols` as dicts (`cols` starts
    with ``id``).

    One statement whatever the number of ids where the database takes them as one value (a JSON
    array on SQLite, an array on PostgreSQL): a bulk apply locks 100k+ rows, and an IN list per
    `CHUNK` ids is compiled and expanded anew for every chunk. Other databases: by chunks.
    """
    table = model.__table__
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return {}
    columns = [table.c[c] for c in cols]
    conn = session.connection()
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        where = (table.c.id.in_(select(literal_column("value", Integer))
                                .select_from(func.json_each(bindparam("ids"))))
                 if name == "sqlite" else
                 table.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))  # fmt: skip
        stmt = select(*columns).where(where).order_by(table.c.id).with_for_update()
        found = conn.execute(stmt, {"ids": json.dumps(wanted) if name == "sqlite" else wanted})
        return {row[0]: dict(zip(cols, row, strict=True)) for row in found.all()}
    out: dict[int, dict[str, Any]] = {}
    for start in range(0, len(wanted), CHUNK):
        stmt = (select(*columns).where(table.c.id.in_(wanted[start:start + CHUNK]))
                .order_by(table.c.id).with_for_update())  # fmt: skip
        out.update((row[0], dict(zip(cols, row, strict=True)))
                   for row in conn.execute(stmt).all())  # one fetchall; no RowMapping
    return out


def expire_written(session: Session) -> None:
    """ORM rows the session holds of the tables the bulk paths write are stale after them."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Invoice | StatementLine | GatewayTransaction | Match | Adjustment):
            session.expire(obj)


def supersede_bulk(session: Session, match_ids: Iterable[int], *, actor: str) -> set[int]:
    """`decisions.supersede_suggestions` for many matches: those still ``suggested`` become
    ``superseded`` (locked first, one UPDATE); returns the ids changed."""
    mt = Match.__table__
    wanted = sorted(set(match_ids))
    still: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        stmt = (select(mt.c.id).where(mt.c.id.in_(wanted[start:start + CHUNK]),
                                      mt.c.status == "suggested").with_for_update())
        still.update(session.execute(stmt).scalars())
    if still:
        now = utcnow()
        update_rows(session, mt, [{"id": i, "status": "superseded", "closed_at": now,
                                   "closed_by": actor} for i in sorted(still)])  # fmt: skip
        expire_written(session)
    return still
