"""The database side of a bulk apply: lock what it touches, then one executemany per table.

`lock_touched(session, items)` locks the invoices, lines and charges of the items (in id order,
by chunks) and returns the columns the checks need as a `bulk_checks.BulkState`.
`write_plans(session, plans, state, actor)` inserts the matches, allocations and adjustments of
the checked `bulk_checks.Plan`s, sets the new sums of every invoice, line and charge touched
(ids in order) and writes the audit rows `create_match` writes, in its order (the applied
adjustments, then the match). The number of statements does not grow with the number of
matches (`tests/recon/test_match_bulk_statements.py`). Returns the new match ids in the order
of `plans`. Raises what the database raises; the caller holds the SAVEPOINT.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import rules
from recon.allocation.batch import lock_columns
from recon.allocation.bulk_checks import BulkState, Plan
from recon.db.bulkwrite import insert_ids, insert_rows, update_columns
from recon.models import Adjustment, Allocation, GatewayTransaction, Invoice, Match, StatementLine

__all__ = ["lock_touched", "write_plans"]

_INVOICE = ("id", "invoice_no", "currency", "amount_minor", "paid_minor", "adjusted_minor",
            "status")  # fmt: skip
_LINE = ("id", "currency", "amount_minor", "allocated_minor", "disposition")
_TXN = ("id", "currency", "kind", "gross_minor", "allocated_minor")
_SUMS = {"invoice": (Invoice.__table__, ("paid_minor", "adjusted_minor", "status")),
         "line": (StatementLine.__table__, ("allocated_minor", "disposition")),
         "txn": (GatewayTransaction.__table__, ("allocated_minor",))}  # fmt: skip


def lock_touched(session: Session, items: Sequence[Any]) -> BulkState:
    """Lock every invoice, line and charge `items` (`bulk.NewMatch`es) touch; their columns."""
    invoices, lines, txns = set(), set(), set()
    for item in items:
        invoices.update(a.invoice_id for a in item.allocations)
        invoices.update(a.invoice_id for a in item.adjustments if a.invoice_id is not None)
        (lines if item.line_id is not None else txns).add(item.line_id or item.txn_id or 0)
    return BulkState(
        lock_columns(session, Invoice, invoices, _INVOICE),
        lock_columns(session, StatementLine, lines, _LINE),
        lock_columns(session, GatewayTransaction, txns, _TXN),
    )


def write_plans(session: Session, plans: Sequence[Plan], state: BulkState, actor: str) -> list[int]:
    """See the module docstring."""
    ids = insert_ids(session, Match.__table__, [p.match for p in plans])
    allocs, adjs = [], []
    for plan, match_id in zip(plans, ids, strict=True):
        for a in plan.allocations:  # the plan's own dicts: no copy per row
            a["match_id"] = match_id
        for a in plan.adjustments:
            a["match_id"] = match_id
        allocs += plan.allocations
        adjs += plan.adjustments
    insert_rows(session, Allocation.__table__, allocs)
    adj_ids = iter(insert_ids(session, Adjustment.__table__, adjs))
    _update_sums(session, plans, state)
    events = []
    for plan, match_id in zip(plans, ids, strict=True):
        for adj in plan.adjustments:
            adj_id = next(adj_ids)
            if adj["status"] == "applied":
                before = rules.adjustment_snapshot({**adj, "status": "proposed"})
                events.append({"actor": actor, "action": "adjustment.apply",
                               "object_type": "adjustment", "object_id": adj_id,
                               "before": before, "after": rules.adjustment_snapshot(adj),
                               "reason": adj["reason"]})  # fmt: skip
        m = plan.match
        snap = rules.match_snapshot(
            m["status"], m["origin"], m["confidence"],
            [(a["invoice_id"], a["amount_minor"], a["currency"], a["receipt_amount_minor"])
             for a in plan.allocations], m["unapplied_minor"], m["currency"])  # fmt: skip
        events.append({"actor": actor, "action": f"match.{m['status']}", "object_type": "match",
                       "object_id": match_id, "after": snap})  # fmt: skip
    audit.record_many(session, events, plain=True)  # snapshots hold plain values only
    return ids


def _update_sums(session: Session, plans: Sequence[Plan], state: BulkState) -> None:
    """The new sums of every row touched, by table, ids in order (built as columns)."""
    changed: dict[str, set[int]] = {"invoice": set(), "line": set(), "txn": set()}
    for plan in plans:
        for kind, row_id in plan.touched:
            changed[kind].add(row_id)
    for kind, (table, cols) in _SUMS.items():
        ids = sorted(changed[kind])
        if not ids:
            continue
        found = [state.table(kind)[i] for i in ids]
        update_columns(session, table, {"id": ids, **{c: [row[c] for row in found] for c in cols}})
