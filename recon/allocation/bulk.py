"""Create many matches at once: set-based inserts, the same rules and audit rows as one by one.

`create_matches_bulk(session, items, actor=...)` is `allocations.create_match` for a whole
matching run. It locks every invoice and receipt involved (``SELECT .. FOR UPDATE`` by id
chunks, in id order), reads only the columns the rules need, checks each item in order against
the running sums with the rules of `recon.allocation.rules` (the ones `create_match` uses, so the
same item is refused with the same words), then writes the accepted ones with ONE executemany per
table: matches, allocations, adjustments, invoice / line / charge sums, audit events. The audit
rows are those the one-by-one path writes (same actions, objects, before/after, reasons, order).

An item that breaks a rule is left out and reported in `BulkResult.refused`; the rest go in.
A database error while writing rolls the whole batch back (one SAVEPOINT): nothing is half
written. ORM rows of the tables touched that the session holds are expired afterwards.
Never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from recon import audit
from recon.allocation import rules
from recon.allocation.allocations import AdjustmentSpec, AllocationSpec
from recon.allocation.batch import expire_written, lock_columns
from recon.allocation.targets import CLASSIFICATIONS
from recon.db.bulkwrite import insert_ids, insert_rows, update_rows
from recon.db.types import utcnow
from recon.errors import NotFound, ServiceError
from recon.models import (
    ACTIVE_STATUSES,
    Adjustment,
    Allocation,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
    settled_status,
)

__all__ = ["BulkResult", "NewMatch", "create_matches_bulk"]

_INVOICE = ("id", "invoice_no", "currency", "amount_minor", "paid_minor", "adjusted_minor",
            "status")  # fmt: skip
_LINE = ("id", "currency", "amount_minor", "allocated_minor", "disposition")
_TXN = ("id", "currency", "kind", "gross_minor", "allocated_minor")


@dataclass(frozen=True)
class NewMatch:
    """One match to create: `create_match`'s arguments, the receipt named by its id."""

    allocations: Sequence[AllocationSpec]
    status: str
    line_id: int | None = None
    txn_id: int | None = None
    confidence: float = 1.0
    reasons: Sequence[Any] = ()
    alternatives: Sequence[Any] = ()
    adjustments: Sequence[AdjustmentSpec] = ()
    run_id: int | None = None
    kind: str | None = None
    cause: str | None = None
    origin: str | None = None


@dataclass
class BulkResult:
    """Ids of the matches created (None for a refused item) and why each refused one was."""

    match_ids: list[int | None] = field(default_factory=list)
    refused: dict[int, ServiceError] = field(default_factory=dict)


@dataclass
class _State:
    invoices: dict[int, dict[str, Any]]
    lines: dict[int, dict[str, Any]]
    txns: dict[int, dict[str, Any]]


@dataclass
class _Plan:
    match: dict[str, Any]
    allocations: list[dict[str, Any]]
    adjustments: list[dict[str, Any]]
    touched: dict[tuple[str, int], dict[str, Any]]  # new values of invoices / lines / txns


def _receipt(state: _State, item: NewMatch) -> tuple[str, dict[str, Any], int]:
    """(state key kind, row, what it brought in) -- `allocations.receipt_minor` on columns."""
    if item.line_id is not None:
        row = state.lines.get(item.line_id)
        if row is None:
            raise NotFound("bank line %(id)s does not exist", code="line_not_found",
                           id=item.line_id)
        return "line", row, row["amount_minor"]
    row = state.txns.get(item.txn_id or 0)
    if row is None:
        raise NotFound("gateway charge %(id)s does not exist", code="charge_not_found",
                       id=item.txn_id)
    gross = row["gross_minor"]
    return "txn", row, gross if row["kind"] == "charge" else -abs(gross)


def _row(state: _State, touched: dict, kind: str, row_id: int) -> dict[str, Any]:
    """The row as this item sees it: its own changes so far, else the running state."""
    key = (kind, row_id)
    if key not in touched:
        source = {"invoice": state.invoices, "line": state.lines, "txn": state.txns}[kind]
        if row_id not in source:
            raise _not_found(kind, row_id)
        touched[key] = dict(source[row_id])
    return touched[key]


def _plan(state: _State, item: NewMatch, actor: str, now: Any) -> _Plan:
    """Check `item` with `create_match`'s rules in its order; the rows it would write."""
    rkind, receipt, brought = _receipt(state, item)
    origin = rules.check_new_match(item.status, item.origin, item.confidence, brought,
                                   len(item.allocations) + len(item.adjustments))
    currency, touched = receipt["currency"], {}
    allocs = []
    for spec in item.allocations:
        inv = _row(state, touched, "invoice", spec.invoice_id)
        amount, ramount = rules.allocation_minor(
            currency, inv["currency"], inv["invoice_no"], spec.amount, spec.receipt_amount)
        allocs.append({"invoice_id": inv["id"], "amount_minor": amount,
                       "currency": inv["currency"], "receipt_amount_minor": ramount})
    adjs = [_adjustment(state, touched, item, spec, currency, actor) for spec in item.adjustments]
    match = {
        "kind": item.kind or ("receipt_invoice" if rkind == "line" else "gateway_invoice"),
        "status": item.status, "confidence": float(item.confidence),
        "reasons": audit.jsonable(list(item.reasons)),
        "alternatives": audit.jsonable(list(item.alternatives)), "cause": item.cause,
        "currency": currency, "run_id": item.run_id, "origin": origin, "created_by": actor,
        "unapplied_minor": 0, "statement_line_id": item.line_id, "gateway_txn_id": item.txn_id,
        "matched_at": None, "matched_by": None,
    }  # fmt: skip
    if item.status in ACTIVE_STATUSES:
        _apply(state, touched, match, allocs, adjs, (rkind, receipt["id"]), brought, now)
    return _Plan(match, allocs, adjs, touched)


def _adjustment(state, touched, item: NewMatch, spec: AdjustmentSpec, currency: str,
                actor: str) -> dict[str, Any]:
    """`adjustments.attach` on columns."""
    rules.check_adjustment_kind(spec.kind)
    line_id = item.line_id if spec.invoice_id is None else None
    rules.check_adjustment_target(spec.invoice_id, line_id)
    if spec.invoice_id is not None:
        currency = _row(state, touched, "invoice", spec.invoice_id)["currency"]
    return {"kind": spec.kind, "status": "proposed",
            "amount_minor": rules.adjustment_minor(spec.amount, currency), "currency": currency,
            "invoice_id": spec.invoice_id, "statement_line_id": line_id, "gateway_txn_id": None,
            "prepared_by": actor, "approved_by": None, "reason": spec.reason,
            "decided_at": None}  # fmt: skip


def _apply(state, touched, match, allocs, adjs, receipt_key, brought: int, now) -> None:
    """`allocations._apply` on columns: the sums move, or a rule refuses."""
    receipt = _row(state, touched, *receipt_key)
    total = sum(a["receipt_amount_minor"] or a["amount_minor"] for a in allocs)
    rules.check_receipt_room(total, brought - receipt["allocated_minor"], receipt["currency"])
    for alloc in allocs:
        inv = _row(state, touched, "invoice", alloc["invoice_id"])
        open_ = inv["amount_minor"] - inv["paid_minor"] - inv["adjusted_minor"]
        rules.check_invoice_room(inv["invoice_no"], inv["status"], inv["currency"],
                                 alloc["currency"], alloc["amount_minor"], open_)
        inv["paid_minor"] += alloc["amount_minor"]
        inv["status"] = settled_status(inv["status"], inv["amount_minor"], inv["paid_minor"],
                                       inv["adjusted_minor"])
    receipt["allocated_minor"] += total
    match["unapplied_minor"] = brought - receipt["allocated_minor"]
    match["matched_at"], match["matched_by"] = now, match["created_by"]
    for adj in adjs:  # `adjustments.activate` -> `targets.move(+1)`
        if adj["invoice_id"] is not None:
            inv = _row(state, touched, "invoice", adj["invoice_id"])
            open_ = inv["amount_minor"] - inv["paid_minor"] - inv["adjusted_minor"]
            rules.check_target_room(adj["kind"], adj["amount_minor"], inv["currency"], open_,
                                    inv["invoice_no"])
            inv["adjusted_minor"] += adj["amount_minor"]
            inv["status"] = settled_status(inv["status"], inv["amount_minor"],
                                           inv["paid_minor"], inv["adjusted_minor"])
        else:
            line = _row(state, touched, "line", adj["statement_line_id"])
            room = abs(line["amount_minor"]) - line["allocated_minor"]
            rules.check_target_room(adj["kind"], adj["amount_minor"], line["currency"], room,
                                    None)
            line["allocated_minor"] += adj["amount_minor"]
            if adj["kind"] in CLASSIFICATIONS:
                line["disposition"] = adj["kind"]
        adj["status"], adj["decided_at"] = "applied", now


def _lock(session: Session, items: Sequence[NewMatch]) -> _State:
    invoices, lines, txns = set(), set(), set()
    for item in items:
        invoices.update(a.invoice_id for a in item.allocations)
        invoices.update(a.invoice_id for a in item.adjustments if a.invoice_id is not None)
        (lines if item.line_id is not None else txns).add(item.line_id or item.txn_id or 0)
    return _State(lock_columns(session, Invoice, invoices, _INVOICE),
                  lock_columns(session, StatementLine, lines, _LINE),
                  lock_columns(session, GatewayTransaction, txns, _TXN))  # fmt: skip


def create_matches_bulk(session: Session, items: Sequence[NewMatch], *, actor: str) -> BulkResult:
    """Create `items` (see the module docstring); refused ones are in `.refused`."""
    session.flush()
    state, now = _lock(session, items), utcnow()
    result, plans = BulkResult(), []
    for n, item in enumerate(items):
        try:
            plan = _plan(state, item, actor, now)
        except ServiceError as exc:
            result.refused[n] = exc
            result.match_ids.append(None)
            continue
        for (kind, row_id), row in plan.touched.items():
            {"invoice": state.invoices, "line": state.lines, "txn": state.txns}[kind][row_id] = row
        plans.append((n, plan))
        result.match_ids.append(0)
    if plans:
        with session.begin_nested():
            ids = _write(session, [p for _, p in plans], state, actor)
        for (n, _), match_id in zip(plans, ids, strict=True):
            result.match_ids[n] = match_id
        expire_written(session)
    return result


def _write(session: Session, plans: Sequence[_Plan], state: _State, actor: str) -> list[int]:
    """One executemany per table; returns the new match ids in the order of `plans`."""
    ids = insert_ids(session, Match.__table__, [p.match for p in plans])
    allocs, adjs = [], []
    for plan, match_id in zip(plans, ids, strict=True):
        allocs += [{**a, "match_id": match_id} for a in plan.allocations]
        adjs += [{**a, "match_id": match_id} for a in plan.adjustments]
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
    audit.record_many(session, events)
    return ids


def _update_sums(session: Session, plans: Sequence[_Plan], state: _State) -> None:
    keys = {key for plan in plans for key in plan.touched}
    tables = {"invoice": (Invoice.__table__, state.invoices, ("paid_minor", "adjusted_minor",
                                                              "status")),
              "line": (StatementLine.__table__, state.lines, ("allocated_minor", "disposition")),
              "txn": (GatewayTransaction.__table__, state.txns, ("allocated_minor",))}
    for kind, (table, rows, cols) in tables.items():
        changed = sorted(row_id for k, row_id in keys if k == kind)
        update_rows(session, table, [{"id": i, **{c: rows[i][c] for c in cols}} for i in changed])


def _not_found(kind: str, row_id: int) -> NotFound:
    """The same refusal as ``targets.invoice``/``line``/``charge`` for a row not loaded."""
    if kind == "invoice":
        return NotFound("invoice %(id)s does not exist", code="invoice_not_found", id=row_id)
    if kind == "line":
        return NotFound("bank line %(id)s does not exist", code="line_not_found", id=row_id)
    return NotFound("gateway charge %(id)s does not exist", code="charge_not_found", id=row_id)
