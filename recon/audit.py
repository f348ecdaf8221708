"""Append-only audit trail: one ``AuditEvent`` per state change, written in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from recon.models import AuditEvent

__all__ = ["jsonable", "record"]


def jsonable(value: Any) -> Any:
    """Turn Decimals, dates and nested containers into JSON-safe values (Decimals as strings)."""
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
    event = AuditEvent(
        actor=actor,
        action=action,
        object_type=object_type or "-",
        object_id=str(object_id) if object_id is not None else "-",
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason,
    )
    session.add(event)
    return event
