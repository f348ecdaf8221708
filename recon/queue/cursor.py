"""Keyset cursors of the exception queue: the sort order of a view, the "rows after" condition,
and the opaque page cursor (base64 JSON of the last row's sort key).

Kept apart from the listing so the one order a view sorts by is also the one its cursor encodes
and decodes; a forged or stale cursor is refused with ``ValueError``, never passed to SQL as is.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

__all__ = ["SORTS", "after", "decode", "encode", "order_for"]

SORTS = ("amount", "-amount", "age", "-age", "account", "-account")


def order_for(sort: str, grouped: bool) -> list[tuple[str, bool]]:
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; one of {', '.join(SORTS)}")
    desc = sort.startswith("-")
    name = {"amount": "unapplied_minor", "age": "booked", "account": "account"}[sort.lstrip("-")]
    if name == "booked":
        desc = not desc  # older booking date = greater age
    order = [(name, desc), ("kind", desc), ("id", desc)]
    return [("cause_rank", False), *order] if grouped else order


def after(
    q: sa.Subquery, order: Sequence[tuple[str, bool]], values: Sequence[Any]
) -> sa.ColumnElement[bool]:
    """Rows strictly after ``values`` in ``order`` (lexicographic, per-column direction)."""
    ors = []
    for i, (name, desc) in enumerate(order):
        eqs = [q.c[n] == v for (n, _), v in zip(order[:i], values[:i], strict=True)]
        cmp = q.c[name] < values[i] if desc else q.c[name] > values[i]
        ors.append(sa.and_(*eqs, cmp))
    return sa.or_(*ors)


def encode(row: Any, order: Sequence[tuple[str, bool]]) -> str:
    values = [row[name] for name, _ in order]
    raw = json.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, order: Sequence[tuple[str, bool]]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError("wrong length")
        return [_typed(name, v) for (name, _), v in zip(order, values, strict=True)]
    except (ValueError, TypeError) as exc:
        raise ValueError(f"malformed cursor {cursor[:40]!r}") from exc


def _typed(name: str, value: Any) -> Any:
    if name == "booked":
        return dt.date.fromisoformat(value)
    if name in ("cause_rank", "unapplied_minor", "id"):
        number = int(value)
        if not -(2**63) <= number < 2**63:  # a forged cursor: no 64-bit column holds it
            raise ValueError(f"{name} out of range")
        return number
    return str(value)
