"""The triage screen's read side (service layer): one item of a queue view, and the next one.

A person works a *view* of the queue (the same ``QueueFilter`` and sort as the list) one item at
a time. ``triage_view`` returns the item shown (the one asked for while it is still open, else
the first of the view), the item after it in the view's order (wrapping to the first, so items
skipped earlier come round again), the receipt's detail, every invoice a suggestion or an
alternative names, and the view's count. Raises ``ValueError`` for an unknown sort and
``NotFound`` for a receipt that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from recon.errors import NotFound
from recon.models import Invoice, Match
from recon.queue import listing as q
from recon.queue.detail import ReceiptDetail, receipt_detail

__all__ = [
    "TriageView",
    "alternative_invoice_ids",
    "next_key",
    "open_total",
    "parse_key",
    "triage_view",
]


@dataclass(frozen=True)
class TriageView:
    item: q.QueueItem | None  # None: nothing left in this view
    detail: ReceiptDetail | None
    next_key: str | None  # "kind-id" of the item after this one, None when it is the only one
    invoices: dict[int, Invoice]  # of the suggestions and their alternatives
    remaining: int  # open items in the view

    @property
    def suggestion(self) -> Match | None:
        return self.detail.suggestions[0] if self.detail and self.detail.suggestions else None


def parse_key(key: str | None) -> tuple[str, int] | None:
    """``"line-12"`` → ``("line", 12)``; None for anything else."""
    kind, _, raw = (key or "").partition("-")
    return (kind, int(raw)) if kind in ("line", "charge") and raw.isdigit() else None


def triage_view(
    session: Session, filters: q.QueueFilter, *, sort: str = "-age", key: str | None = None
) -> TriageView:
    """The item ``key`` (if still open in the view) or the view's first, with its neighbour."""
    item, nxt = _current_and_next(session, filters, sort, parse_key(key))
    counts = q.queue_counts(session, filters)
    remaining = (counts[filters.cause]["count"] if filters.cause
                 else sum(c["count"] for c in counts.values()))  # fmt: skip
    if item is None:
        return TriageView(None, None, None, {}, remaining)
    detail = receipt_detail(session, item.kind, item.id)
    ids = {a.invoice_id for m in detail.suggestions for a in m.allocations}
    ids |= {i for m in detail.suggestions for i in alternative_invoice_ids(m)}
    return TriageView(item, detail, nxt, _invoices(session, ids), remaining)


def _current_and_next(
    session: Session, filters: q.QueueFilter, sort: str, wanted: tuple[str, int] | None
) -> tuple[q.QueueItem | None, str | None]:
    """The item shown and the key of the one after it, in as few scans of the view as can be:
    the view's first two items in one query; for a named item, one keyset query after it."""
    item = _still_open(session, filters, wanted)
    if item is not None:
        return item, next_key(session, filters, sort, item)
    first = q.queue_page(session, filters, sort=sort, limit=2).items
    if not first:
        return None, None
    return first[0], first[1].key if len(first) > 1 else None


def next_key(session: Session, filters: q.QueueFilter, sort: str, item: q.QueueItem) -> str | None:
    """The item after ``item`` in the view (wrapping round); None when no other is open."""
    after = q.queue_page(session, filters, sort=sort, cursor=q.cursor_after(item, sort), limit=1)
    if after.items:
        return after.items[0].key
    first = q.queue_page(session, filters, sort=sort, limit=2)  # wrap round to the view's start
    return next((o.key for o in first.items if o.key != item.key), None)


def _still_open(
    session: Session, filters: q.QueueFilter, wanted: tuple[str, int] | None
) -> q.QueueItem | None:
    if wanted is None:
        return None
    try:
        item = q.queue_item(session, *wanted, today=filters.today)
    except NotFound:  # a stale link falls back to the view's first item
        return None
    return item if item.unapplied > 0 else None


def alternative_invoice_ids(match: Match) -> set[int]:
    """Invoice ids the suggestion's alternatives name (``{"allocations": [...]}`` entries)."""
    out: set[int] = set()
    for alt in match.alternatives or ():
        if isinstance(alt, dict):
            for a in alt.get("allocations") or ():
                if isinstance(a, dict) and str(a.get("invoice_id", "")).isdigit():
                    out.add(int(a["invoice_id"]))
    return out


def _invoices(session: Session, ids: set[int]) -> dict[int, Invoice]:
    if not ids:
        return {}
    rows = session.scalars(
        sa.select(Invoice).where(Invoice.id.in_(ids)).options(selectinload(Invoice.customer))
    )
    return {inv.id: inv for inv in rows}


def open_total(invoices: dict[int, Invoice], match: Match) -> Decimal:
    """What the suggestion's invoices still have open together."""
    return sum((invoices[a.invoice_id].open_amount for a in match.allocations
                if a.invoice_id in invoices), Decimal(0))  # fmt: skip
