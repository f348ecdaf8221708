"""The exception queue (service layer, read-only): what people still have to clear, and why.

An item is a receipt with money not yet applied: a booked bank credit with an unapplied amount
and no disposition, or a succeeded gateway charge not fully allocated to invoices. Each item
carries its *cause* (one of ``recon.models.QUEUE_CAUSES``), in SQL so filtering, grouping and
counting stay in the database: ``possible_duplicate`` when the importer flagged the line,
``no_candidate`` when no open suggestion exists, else the cause the matcher's proposal was stored
with (``Match.cause``, decided in ``recon.matchrun.causes``: unknown payer, ambiguous, fee gap,
partial payment, overpayment, several invoices, payout deposit, low confidence).

Pagination is keyset (``recon.queue.cursor``). Raises ``ValueError`` for an unknown cause, sort or
a malformed cursor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.db.session import lateral_ok, without_jit
from recon.money import from_minor, to_minor
from recon.queue import cache as queue_cache
from recon.queue import cursor as keyset
from recon.queue.cause_sql import CAUSES, cause_hint
from recon.queue.cursor import SORTS
from recon.queue.filters import FilterError, QueueFilter, conditions
from recon.queue.sql import branches, items_subquery

__all__ = [
    "CAUSES",
    "SORTS",
    "FilterError",
    "QueueFilter",
    "QueueItem",
    "QueuePage",
    "cursor_after",
    "queue_counts",
    "queue_item",
    "queue_page",
]

PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueItem:
    """One receipt in the queue, with what it still has unapplied."""

    kind: str  # "line" | "charge"
    id: int
    cause: str
    account: str
    currency: str
    unapplied: Decimal
    booked: dt.date
    age_days: int
    payer: str | None
    text: str | None
    suggestion_id: int | None
    confidence: float | None

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.id}"


@dataclass(frozen=True)
class QueuePage:
    items: tuple[QueueItem, ...]
    next_cursor: str | None
    sort: str
    grouped: bool


def queue_page(
    session: Session,
    filters: QueueFilter | None = None,
    *,
    sort: str = "-age",
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    grouped: bool = True,
) -> QueuePage:
    """One page of the queue, grouped by cause (unless ``grouped`` is false), then ``sort``."""
    filters = filters or QueueFilter()
    order = keyset.order_for(sort, grouped)
    after = keyset.decode(cursor, order) if cursor else None
    q = _filtered(filters, order, after, lateral=lateral_ok(session))
    without_jit(session)
    stmt = sa.select(q)
    cols = [q.c[name].desc() if desc else q.c[name].asc() for name, desc in order]
    rows = session.execute(stmt.order_by(*cols).limit(limit + 1)).mappings().all()
    items = tuple(_item(row, filters.today) for row in rows[:limit])
    more = len(rows) > limit
    next_cursor = keyset.encode(rows[limit - 1], order) if more and items else None
    return QueuePage(items=items, next_cursor=next_cursor, sort=sort, grouped=grouped)


def queue_counts(
    session: Session, filters: QueueFilter | None = None, *, fresh: bool = False
) -> dict[str, dict[str, Any]]:
    """Per cause: item count and unapplied total per currency (the cause filter is ignored).

    Served from ``queue_cache`` while the data is unchanged, unless ``fresh``.
    """
    base = QueueFilter(**{**_fields(filters or QueueFilter()), "cause": None})
    if fresh:
        return _count(session, base)
    key = ("counts", *(getattr(base, k) for k in base.__dataclass_fields__))
    return queue_cache.cached(session, key, lambda: _count(session, base))


def _count(session: Session, base: QueueFilter) -> dict[str, dict[str, Any]]:
    q = _filtered(base, lateral=lateral_ok(session))
    without_jit(session)
    stmt = (
        sa.select(q.c.cause_rank, q.c.currency, sa.func.count(), sa.func.sum(q.c.unapplied_minor))
        .group_by(q.c.cause_rank, q.c.currency)
    )
    out: dict[str, dict[str, Any]] = {c: {"count": 0, "totals": {}} for c in CAUSES}
    for rank, currency, n, total in session.execute(stmt):
        cause = CAUSES[rank]
        out[cause]["count"] += n
        out[cause]["totals"][currency] = from_minor(int(total or 0), currency)
    return out


def queue_item(
    session: Session, kind: str, item_id: int, today: dt.date | None = None
) -> QueueItem:
    """The queue view of one receipt (also when it is fully matched: then unapplied is 0)."""
    q = items_subquery(open_only=False)
    without_jit(session)
    row = (
        session.execute(sa.select(q).where(q.c.kind == kind, q.c.id == item_id)
                        .order_by(q.c.cause_rank)).mappings().first()
    )
    if row is None:
        from recon.errors import Code, NotFound

        raise NotFound("%(kind)s %(id)s is not a receipt", code="receipt_not_found",
                       kind=Code(kind), id=item_id)
    return _item(row, today or dt.date.today())


def _fields(f: QueueFilter) -> dict[str, Any]:
    return {k: getattr(f, k) for k in f.__dataclass_fields__}


def _filtered(f: QueueFilter, order: Sequence[tuple[str, bool]] = (),
              after: Sequence[Any] | None = None, *, lateral: bool = False) -> sa.Subquery:
    """The open items that pass ``f`` (and come after the cursor ``after``): the conditions are
    applied inside each branch of the UNION, so a receipt a filter refuses is dropped before
    its suggestion and cause are looked up."""
    parts = []
    for kind, branch in branches(open_only=True, lateral=lateral):
        conds = conditions(branch, f)
        hint = cause_hint(kind, branch.c.id, f.cause) if f.cause else None
        if hint is not None:
            conds.append(hint)
        if after is not None:
            conds.append(keyset.after(branch, order, after))
        parts.append(sa.select(branch).where(*conds))
    return sa.union_all(*parts).subquery("queue_items")


def cursor_after(item: QueueItem, sort: str = "-age", grouped: bool = True) -> str:
    """The cursor of the page that starts right after ``item`` in that view's order (the
    triage screen's "next item of the same view"). Raises ``ValueError`` for an unknown sort."""
    row = {
        "cause_rank": CAUSES.index(item.cause), "booked": item.booked, "kind": item.kind,
        "id": item.id, "account": item.account,
        "unapplied_minor": to_minor(item.unapplied, item.currency),
    }  # fmt: skip
    return keyset.encode(row, keyset.order_for(sort, grouped))


def _item(row: Any, today: dt.date) -> QueueItem:
    booked = row["booked"]
    if isinstance(booked, str):  # SQLite's date() over a timestamp comes back as text
        booked = dt.date.fromisoformat(booked[:10])
    elif isinstance(booked, dt.datetime):
        booked = booked.date()
    return QueueItem(
        kind=row["kind"],
        id=row["id"],
        cause=CAUSES[row["cause_rank"]],
        account=row["account"],
        currency=row["currency"],
        unapplied=from_minor(int(row["unapplied_minor"]), row["currency"]),
        booked=booked,
        age_days=(today - booked).days,
        payer=row["payer"],
        text=row["text"],
        suggestion_id=row["suggestion_id"],
        confidence=row["confidence"],
    )
