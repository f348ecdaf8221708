"""The checks of a bulk apply on plain columns: `create_match`'s rules, in its order.

`plan_item(state, item, actor, now)` checks one `bulk.NewMatch` against the running sums of the
invoices, lines and charges it touches (`BulkState`, dicts of their columns as locked by
`bulk.create_matches_bulk`) with the rules of `recon.allocation.rules` -- the ones
`allocations.create_match` uses, so the same item is refused with the same words -- and returns
the rows it would write (`Plan`). Raises the rule's `ServiceError`; the state is untouched then
(the item's changes live in `Plan.touched` until the caller keeps them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from recon import audit
from recon.allocation import rules
from recon.allocation.allocations import AdjustmentSpec
from recon.allocation.targets import CLASSIFICATIONS
from recon.errors import NotFound
from recon.models import ACTIVE_STATUSES, settled_status

__all__ = ["BulkState", "Plan", "plan_item"]


@dataclass
class BulkState:
    """Locked columns by id: invoices, statement lines and gateway charges."""

    invoices: dict[int, dict[str, Any]]
    lines: dict[int, dict[str, Any]]
    txns: dict[int, dict[str, Any]]

    def table(self, kind: str) -> dict[int, dict[str, Any]]:
        return self.invoices if kind == "invoice" else self.lines if kind == "line" else self.txns


@dataclass
class Plan:
    match: dict[str, Any]
    allocations: list[dict[str, Any]]
    adjustments: list[dict[str, Any]]
    touched: dict[tuple[str, int], dict[str, Any]]  # new values of invoices / lines / txns


def _receipt(state: BulkState, item: Any) -> tuple[str, dict[str, Any], int]:
    """(state key kind, row, what it brought in) -- `allocations.receipt_minor` on columns."""
    if item.line_id is not None:
        row = state.lines.get(item.line_id)
        if row is None:
            raise _not_found("line", item.line_id)
        return "line", row, row["amount_minor"]
    row = state.txns.get(item.txn_id or 0)
    if row is None:
        raise _not_found("txn", item.txn_id)
    gross = row["gross_minor"]
    return "txn", row, gross if row["kind"] == "charge" else -abs(gross)


def _row(state: BulkState, touched: dict, kind: str, row_id: int) -> dict[str, Any]:
    """The row as this item sees it: its own changes so far, else the running state."""
    key = (kind, row_id)
    row = touched.get(key)
    if row is None:
        source = state.table(kind).get(row_id)
        if source is None:
            raise _not_found(kind, row_id)
        row = touched[key] = dict(source)
    return row


def plan_item(state: BulkState, item: Any, actor: str, now: Any) -> Plan:
    """Check `item` (a `bulk.NewMatch`) with `create_match`'s rules; the rows it would write."""
    rkind, receipt, brought = _receipt(state, item)
    origin = rules.check_new_match(
        item.status,
        item.origin,
        item.confidence,
        brought,
        len(item.allocations) + len(item.adjustments),
    )
    currency, touched = receipt["currency"], {}
    allocs = []
    for spec in item.allocations:
        inv = _row(state, touched, "invoice", spec.invoice_id)
        amount, ramount = rules.allocation_minor(
            currency, inv["currency"], inv["invoice_no"], spec.amount, spec.receipt_amount
        )
        allocs.append(
            {
                "invoice_id": inv["id"],
                "amount_minor": amount,
                "currency": inv["currency"],
                "receipt_amount_minor": ramount,
            }
        )
    adjs = [_adjustment(state, touched, item, spec, currency, actor) for spec in item.adjustments]
    plain = item.json_ready  # the matcher's reasons are JSON values already: not walked again
    match = {
        "kind": item.kind or ("receipt_invoice" if rkind == "line" else "gateway_invoice"),
        "status": item.status, "confidence": float(item.confidence),
        "reasons": list(item.reasons) if plain else audit.jsonable(list(item.reasons)),
        "alternatives": (list(item.alternatives) if plain
                         else audit.jsonable(list(item.alternatives))),
        "cause": item.cause,
        "currency": currency, "run_id": item.run_id, "origin": origin, "created_by": actor,
        "unapplied_minor": 0, "statement_line_id": item.line_id, "gateway_txn_id": item.txn_id,
        "matched_at": None, "matched_by": None,
    }  # fmt: skip
    if item.status in ACTIVE_STATUSES:
        _apply(state, touched, match, allocs, adjs, (rkind, receipt["id"]), brought, now)
    return Plan(match, allocs, adjs, touched)


def _adjustment(
    state, touched, item: Any, spec: AdjustmentSpec, currency: str, actor: str
) -> dict[str, Any]:
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
    """`allocations.apply_match` on columns: the sums move, or a rule refuses."""
    receipt = _row(state, touched, *receipt_key)
    total = sum(a["receipt_amount_minor"] or a["amount_minor"] for a in allocs)
    rules.check_receipt_room(total, brought - receipt["allocated_minor"], receipt["currency"])
    for alloc in allocs:
        inv = _row(state, touched, "invoice", alloc["invoice_id"])
        open_ = inv["amount_minor"] - inv["paid_minor"] - inv["adjusted_minor"]
        rules.check_invoice_room(
            inv["invoice_no"],
            inv["status"],
            inv["currency"],
            alloc["currency"],
            alloc["amount_minor"],
            open_,
        )
        inv["paid_minor"] += alloc["amount_minor"]
        inv["status"] = settled_status(
            inv["status"], inv["amount_minor"], inv["paid_minor"], inv["adjusted_minor"]
        )
    receipt["allocated_minor"] += total
    match["unapplied_minor"] = brought - receipt["allocated_minor"]
    match["matched_at"], match["matched_by"] = now, match["created_by"]
    for adj in adjs:  # `adjustments.activate` -> `targets.move(+1)`
        if adj["invoice_id"] is not None:
            inv = _row(state, touched, "invoice", adj["invoice_id"])
            open_ = inv["amount_minor"] - inv["paid_minor"] - inv["adjusted_minor"]
            rules.check_target_room(
                adj["kind"], adj["amount_minor"], inv["currency"], open_, inv["invoice_no"]
            )
            inv["adjusted_minor"] += adj["amount_minor"]
            inv["status"] = settled_status(
                inv["status"], inv["amount_minor"], inv["paid_minor"], inv["adjusted_minor"]
            )
        else:
            line = _row(state, touched, "line", adj["statement_line_id"])
            room = abs(line["amount_minor"]) - line["allocated_minor"]
            rules.check_target_room(adj["kind"], adj["amount_minor"], line["currency"], room, None)
            line["allocated_minor"] += adj["amount_minor"]
            if adj["kind"] in CLASSIFICATIONS:
                line["disposition"] = adj["kind"]
        adj["status"], adj["decided_at"] = "applied", now


def _not_found(kind: str, row_id: int | None) -> NotFound:
    """The same refusal as ``targets.invoice``/``line``/``charge`` for a row not loaded."""
    if kind == "invoice":
        return NotFound("invoice %(id)s does not exist", code="invoice_not_found", id=row_id)
    if kind == "line":
        return NotFound("bank line %(id)s does not exist", code="line_not_found", id=row_id)
    return NotFound("gateway charge %(id)s does not exist", code="charge_not_found", id=row_id)
