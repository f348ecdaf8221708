"""Append-only audit trail: one ``AuditEvent`` per state change, written in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from recon.db.bulkwrite import insert_columns
from recon.db.types import utcnow
from recon.models import AuditEvent

__all__ = ["jsonable", "record", "record_many"]


_PLAIN = (str, int, float, bool, type(None))
_COLUMNS = ("actor", "action", "object_type", "object_id", "before", "after", "reason")


def jsonable(value: Any) -> Any:
    """Turn Decimals, dates and nested containers into JSON-safe values (Decimals as strings)."""
    kind = type(value)
    if kind in _PLAIN:  # the common case first: bulk paths call this for every reason
        return value
    if kind is dict:  # plain values inline: no call per reason field
        return {k if type(k) is str else str(k): v if type(v) in _PLAIN else jsonable(v)
                for k, v in value.items()}  # fmt: skip
    if kind is list:
        return [v if type(v) in _PLAIN else jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return value


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    obj: object | None = None,
    object_type: str | None = None,
    object_id: object = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEvent:
    """Add an audit row for ``action`` by ``actor`` on ``obj`` (or an explicit type and id)."""
    if obj is not None:
        session.flush()  # the object needs its primary key before we can name it
        object_type = object_type or type(obj).__tablename__  # type: ignore[attr-defined]
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    event = AuditEvent(**_values(actor, action, object_type, object_id, before, after, reason))
    session.add(event)
    return event


def _values(
    actor: str, action: str, object_type: str | None, object_id: object,
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None, reason: str | None,
) -> dict[str, Any]:
    """The columns of one audit row (`record` and `record_many` write the same)."""
    return {
        "actor": actor,
        "action": action,
        "object_type": object_type or "-",
        "object_id": str(object_id) if object_id is not None else "-",
        "before": jsonable(before) if before is not None else None,
        "after": jsonable(after) if after is not None else None,
        "reason": reason,
    }


def record_many(session: Session, events: Iterable[Mapping[str, Any]], *,
                plain: bool = False) -> int:
    """`record` for many events with one executemany (bulk paths: no ORM row per event).

    Each event has ``actor``, ``action``, ``object_type``, ``object_id`` and optionally
    ``before``, ``after``, ``reason``; returns how many rows were written. ``plain``: before and
    after hold JSON values only (str, int, float, bool, None, lists, dicts) and object ids are
    strings or ints, so they are stored as given instead of through `jsonable`.
    """
    if plain:  # straight to columns: no dict per row
        events = list(events)
        columns: dict[str, list[Any]] = {
            "actor": [e["actor"] for e in events], "action": [e["action"] for e in events],
            "object_type": [e["object_type"] or "-" for e in events],
            "object_id": [str(e["object_id"]) if e["object_id"] is not None else "-"
                          for e in events],
            "before": [e.get("before") for e in events], "after": [e.get("after") for e in events],
            "reason": [e.get("reason") for e in events],
        }  # fmt: skip
    else:
        rows = [
            _values(e["actor"], e["action"], e["object_type"], e["object_id"], e.get("before"),
                    e.get("after"), e.get("reason"))
            for e in events
        ]  # fmt: skip
        columns = {n: [r[n] for r in rows] for n in _COLUMNS}
    count = len(columns["actor"])
    if count:
        columns["at"] = [utcnow()] * count
        insert_columns(session, AuditEvent.__table__, columns)
    return count
