"""Apply a matching run's proposals in bulk (service layer, never commits).

`apply_receipt_proposals(session, loaded, result, report, actor, run_id)` writes the engine's
receipt proposals (FX ones too: the allocation's `receipt_amount` in the receipt's currency and
an `fx_difference` adjustment on the invoice): `auto` ones as applied matches, `suggested` ones
as suggestions (an identical open suggestion is kept), replacing stale suggestions. Every match
still goes through `recon.allocation.allocations.create_match`, so every invariant check and audit
row is kept; what makes it fast:

- all invoices and receipts involved are locked and loaded up front, a chunk per
  ``SELECT .. FOR UPDATE`` (`allocation_batch.lock_rows`), so `create_match` finds them in the
  identity map instead of a locking SELECT per allocation;
- a chunk of proposals is applied in ONE savepoint with one flush and bulk inserts of matches,
  allocations, adjustments and audit events (`allocation_batch.deferred_audit`). The engine's
  global assignment already keeps every invoice within its open amount; `create_match` still
  checks each match in Python. Only when a chunk fails (an invariant or a database check) is it
  redone with a savepoint per proposal, so one refused proposal is reported and the rest go on.
Raises nothing of its own; `ServiceError`s of single proposals end up in `report.errors`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import matching as m
from recon import audit
from recon.allocation import batch as allocation_batch
from recon.allocation.allocations import (
    AdjustmentSpec,
    AllocationSpec,
    create_match,
    supersede_suggestions,
)
from recon.errors import ServiceError
from recon.matchrun.causes import cause_of_proposal
from recon.matchrun.load import LINE, Loaded
from recon.models import GatewayTransaction, Invoice, Match, StatementLine
from recon.money import from_minor

__all__ = ["CHUNK", "apply_receipt_proposals"]

CHUNK = 500  # proposals per savepoint and flush
_REASON_FIELDS = tuple(f.name for f in dataclasses.fields(m.Reason))
Todo = tuple[m.Proposal, list[Match]]


def _reasons(prop: m.Proposal) -> list[dict[str, Any]]:
    """`dataclasses.asdict` of each Reason (flat fields: a plain dict is the same, faster)."""
    return [{f: getattr(r, f) for f in _REASON_FIELDS} for r in prop.reasons]


def _alternatives(prop: m.Proposal) -> list[dict[str, Any]]:
    return [
        {"label": a.label, "confidence": a.confidence,
         "allocations": [{"invoice_id": x.invoice_id, "amount": str(x.amount)}
                         for x in a.allocations]}
        for a in prop.alternatives
    ]  # fmt: skip


def _signature(prop: m.Proposal) -> frozenset[tuple[int, Decimal]]:
    """Invoice and amount per allocation; an FX one by what it takes from the receipt."""
    return frozenset(
        (int(a.invoice_id), Decimal(a.amount if a.receipt_amount is None else a.receipt_amount))
        for a in prop.allocations
    )


def _stored_signature(match: Match) -> frozenset[tuple[int, Decimal]]:
    return frozenset(
        (a.invoice_id, from_minor(a.receipt_minor, match.currency)
         if a.receipt_amount_minor is not None else a.amount)
        for a in match.allocations
    )  # fmt: skip


def _spec(alloc: m.Allocation) -> AllocationSpec:
    """The allocation as `create_match` takes it (``receipt_amount`` set for FX pairs)."""
    return AllocationSpec(int(alloc.invoice_id), alloc.amount, alloc.receipt_amount)


def _supersede(session: Session, loaded: Loaded, key: Any, old: list[Match], actor: str) -> int:
    receipt = loaded.receipt(key)
    n = supersede_suggestions(session, receipt, actor=actor, stale=old)
    if n:
        audit.record(session, actor=actor, action="match.supersede",
                     object_type=type(receipt).__tablename__, object_id=receipt.id,
                     after={"superseded": n})  # fmt: skip
    return n


def _create(session: Session, loaded: Loaded, prop: m.Proposal, actor: str, run_id) -> None:
    receipt = loaded.receipt(prop.receipt_id)
    adjustments = [
        AdjustmentSpec(a.kind, a.amount, int(a.invoice_id), "proposed by the matcher")
        for a in prop.adjustments
    ]
    create_match(
        session, receipt=receipt,
        allocations=[_spec(a) for a in prop.allocations],
        status=prop.status, actor=actor, confidence=prop.confidence,
        reasons=_reasons(prop), alternatives=_alternatives(prop), adjustments_=adjustments,
        run_id=run_id, cause=cause_of_proposal(prop),
        kind="receipt_invoice" if isinstance(receipt, StatementLine) else "gateway_invoice",
    )  # fmt: skip


def _one(session, loaded, todo: Todo, actor: str, run_id) -> int:
    """Supersede the receipt's old suggestions and write the proposal; returns superseded."""
    prop, old = todo
    n = _supersede(session, loaded, prop.receipt_id, old, actor) if old else 0
    _create(session, loaded, prop, actor, run_id)
    return n


def _lock(session: Session, todos: Sequence[Todo]) -> dict[int, Invoice]:
    invoices: set[int] = set()
    lines: set[int] = set()
    txns: set[int] = set()
    for prop, _ in todos:
        invoices.update(int(a.invoice_id) for a in prop.allocations)
        invoices.update(int(a.invoice_id) for a in prop.adjustments if a.invoice_id is not None)
        (lines if prop.receipt_id[0] == LINE else txns).add(int(prop.receipt_id[1]))
    allocation_batch.lock_rows(session, StatementLine, lines)
    allocation_batch.lock_rows(session, GatewayTransaction, txns)
    return allocation_batch.lock_rows(session, Invoice, invoices)


def _count(report, prop: m.Proposal) -> None:
    setattr(report, prop.status, getattr(report, prop.status) + 1)


def _apply_chunk(session, loaded, chunk: Sequence[Todo], report, actor, run_id) -> None:
    try:
        superseded = 0
        with session.begin_nested(), allocation_batch.deferred_audit(session):
            for todo in chunk:
                superseded += _one(session, loaded, todo, actor, run_id)
    except (ServiceError, IntegrityError):
        _apply_singly(session, loaded, chunk, report, actor, run_id)
        return
    report.superseded += superseded
    for prop, _ in chunk:
        _count(report, prop)


def _apply_singly(session, loaded, chunk: Sequence[Todo], report, actor, run_id) -> None:
    """The slow, safe path: a savepoint per proposal; refused ones are reported."""
    for prop, old in chunk:
        try:
            with session.begin_nested():
                n = _one(session, loaded, (prop, old), actor, run_id)
        except (ServiceError, IntegrityError) as exc:
            key = prop.receipt_id
            detail = getattr(exc, "orig", exc)
            report.errors.append(f"receipt {key[0]} {key[1]}: {detail}")
            continue
        report.superseded += n
        _count(report, prop)


def apply_receipt_proposals(
    session: Session,
    loaded: Loaded,
    result: m.MatchResult,
    report: Any,
    existing: dict[tuple[str, int], list[Match]],
    actor: str,
    run_id: int | None,
) -> None:
    """Write `result`'s proposals (see the module docstring); counts go to `report`."""
    todos: list[Todo] = []
    for prop in sorted(result.proposals, key=lambda p: p.status != "auto"):  # autos first
        old = existing.get(prop.receipt_id, [])
        if prop.status == "suggested" and any(
            _stored_signature(o) == _signature(prop) for o in old
        ):
            report.unchanged += 1
        elif report.dry_run:
            _count(report, prop)
        else:
            todos.append((prop, old))
    if todos:
        _lock(session, todos)
    for start in range(0, len(todos), CHUNK):
        _apply_chunk(session, loaded, todos[start : start + CHUNK], report, actor, run_id)
    if report.dry_run:
        return
    for key in result.unmatched:  # no reading any more: a remaining suggestion is stale
        if isinstance(key, tuple) and existing.get(key):
            report.superseded += _supersede(session, loaded, key, existing[key], actor)
