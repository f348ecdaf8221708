"""Apply a matching run's proposals in bulk (service layer, never commits).

`apply_receipt_proposals(session, loaded, result, report, existing, actor, run_id)` writes the
engine's receipt proposals (FX ones too: the allocation's `receipt_amount` in the receipt's
currency and an `fx_difference` adjustment on the invoice): `auto` ones as applied matches,
`suggested` ones as suggestions (an identical open suggestion is kept), replacing stale
suggestions. A chunk of proposals goes through `recon.allocation.bulk.create_matches_bulk`: the
rules and audit rows of `create_match`, one executemany per table. A proposal a rule refuses is
reported in `report.errors` and the rest go on; should the database refuse a chunk anyway (a check
constraint), the chunk is rolled back and redone through `create_match`, a savepoint per
proposal (`apply_singly`, also the reference the bulk path is tested against).
`open_suggestions(session)` reads the open suggestions as columns for `existing`.
Raises nothing of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import matching as m
from recon import audit
from recon.allocation.allocations import AdjustmentSpec, AllocationSpec, create_match
from recon.allocation.batch import supersede_bulk
from recon.allocation.bulk import NewMatch, create_matches_bulk
from recon.errors import Code, NotFound, ServiceError
from recon.matchrun.causes import cause_of_proposal
from recon.matchrun.load import LINE
from recon.models import Allocation, GatewayTransaction, Match, StatementLine
from recon.money import from_minor

__all__ = ["CHUNK", "Suggestion", "apply_receipt_proposals", "apply_singly", "open_suggestions",
           "supersede"]

CHUNK = 5000  # proposals per bulk write (one savepoint)
Todo = tuple[m.Proposal, list["Suggestion"]]


def _reasons(prop: m.Proposal) -> list[dict[str, Any]]:
    """`dataclasses.asdict` of each Reason (flat fields: the same dict, built directly)."""
    return [{"feature": r.feature, "level": r.level, "weight": r.weight, "detail": r.detail}
            for r in prop.reasons]  # fmt: skip


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


@dataclass(frozen=True)
class Suggestion:
    """An open suggestion of a receipt: its id and what it allocates (see `_signature`)."""

    id: int
    signature: frozenset[tuple[int, Decimal]]


def open_suggestions(session: Session) -> dict[tuple[str, int], list[Suggestion]]:
    """Open suggestions (not payout pairs) by receipt key, read as columns in one query."""
    stmt = (
        select(Match.id, Match.statement_line_id, Match.gateway_txn_id, Match.currency,
               Allocation.invoice_id, Allocation.amount_minor, Allocation.currency,
               Allocation.receipt_amount_minor)
        .outerjoin(Allocation, Allocation.match_id == Match.id)
        .where(Match.status == "suggested", Match.kind != "payout_deposit")
        .order_by(Match.id)
    )  # fmt: skip
    parts: dict[int, tuple[tuple[str, int], list[tuple[int, Decimal]]]] = {}
    for mid, line, txn, cur, inv, amount, inv_cur, ramount in session.execute(stmt):
        key = (LINE, line) if line else ("txn", txn)
        entry = parts.setdefault(mid, (key, []))
        if inv is not None:
            entry[1].append((inv, from_minor(ramount, cur) if ramount is not None
                             else from_minor(amount, inv_cur)))
    out: dict[tuple[str, int], list[Suggestion]] = defaultdict(list)
    for mid, (key, allocs) in parts.items():
        out[key].append(Suggestion(mid, frozenset(allocs)))
    return out


def _new_match(prop: m.Proposal, run_id: int | None) -> NewMatch:
    line = prop.receipt_id[0] == LINE
    rid = int(prop.receipt_id[1])
    spec = AllocationSpec  # ``receipt_amount`` set for FX pairs
    return NewMatch(
        [spec(int(a.invoice_id), a.amount, a.receipt_amount) for a in prop.allocations],
        prop.status, rid if line else None, None if line else rid, prop.confidence,
        _reasons(prop), _alternatives(prop) if prop.alternatives else [],
        [AdjustmentSpec(a.kind, a.amount, int(a.invoice_id), "proposed by the matcher")
         for a in prop.adjustments] if prop.adjustments else [],
        run_id, "receipt_invoice" if line else "gateway_invoice", cause_of_proposal(prop),
        json_ready=True,
    )  # fmt: skip


def _receipt(session: Session, key: tuple[str, int]) -> StatementLine | GatewayTransaction:
    row = session.get(StatementLine if key[0] == LINE else GatewayTransaction, int(key[1]))
    if row is None:  # pragma: no cover - loaded in this transaction
        raise NotFound("%(kind)s %(id)s is not a receipt", code="receipt_not_found",
                       kind=Code(key[0]), id=key[1])
    return row


def supersede(session: Session, old: dict[tuple[str, int], list[Suggestion]], actor: str) -> int:
    """Mark these receipts' old suggestions superseded; one audit row per receipt changed."""
    changed = supersede_bulk(session, (s.id for lst in old.values() for s in lst), actor=actor)
    events = []
    for key, lst in old.items():
        n = sum(s.id in changed for s in lst)
        if n:
            table = (StatementLine if key[0] == LINE else GatewayTransaction).__tablename__
            events.append({"actor": actor, "action": "match.supersede", "object_type": table,
                           "object_id": key[1], "after": {"superseded": n}})  # fmt: skip
    audit.record_many(session, events)
    return sum(e["after"]["superseded"] for e in events)


def _count(report, prop: m.Proposal) -> None:
    setattr(report, prop.status, getattr(report, prop.status) + 1)


def _error(report, prop: m.Proposal, exc: Exception) -> None:
    key = prop.receipt_id
    report.errors.append(f"receipt {key[0]} {key[1]}: {getattr(exc, 'orig', exc)}")


def _apply_chunk(session, chunk: Sequence[Todo], report, actor, run_id) -> None:
    try:
        with session.begin_nested():
            done = create_matches_bulk(session, [_new_match(p, run_id) for p, _ in chunk],
                                       actor=actor)
            report.superseded += supersede(session, {
                p.receipt_id: old for n, (p, old) in enumerate(chunk)
                if old and n not in done.refused}, actor)  # fmt: skip
    except IntegrityError:
        apply_singly(session, chunk, report, actor, run_id)
        return
    for n, (prop, _) in enumerate(chunk):
        if n in done.refused:
            _error(report, prop, done.refused[n])
        else:
            _count(report, prop)


def apply_singly(session, chunk: Sequence[Todo], report, actor, run_id) -> None:
    """The slow, safe path: `create_match` in a savepoint per proposal; refused ones are
    reported."""
    for prop, old in chunk:
        try:
            with session.begin_nested():
                n = supersede(session, {prop.receipt_id: old}, actor) if old else 0
                item = _new_match(prop, run_id)
                receipt = _receipt(session, prop.receipt_id)
                create_match(
                    session, receipt=receipt, allocations=item.allocations, status=item.status,
                    actor=actor, confidence=item.confidence, reasons=item.reasons,
                    alternatives=item.alternatives, adjustments_=item.adjustments,
                    run_id=run_id, cause=item.cause, kind=item.kind,
                )  # fmt: skip
        except (ServiceError, IntegrityError) as exc:
            _error(report, prop, exc)
            continue
        report.superseded += n
        _count(report, prop)


def apply_receipt_proposals(
    session: Session,
    result: m.MatchResult,
    report: Any,
    existing: dict[tuple[str, int], list[Suggestion]],
    actor: str,
    run_id: int | None,
    *,
    bulk: bool = True,
) -> None:
    """Write `result`'s proposals (see the module docstring); counts go to `report`.

    ``bulk=False`` applies every proposal through `apply_singly` (the reference path).
    """
    todos: list[Todo] = []
    for prop in sorted(result.proposals, key=lambda p: p.status != "auto"):  # autos first
        old = existing.get(prop.receipt_id, [])
        if prop.status == "suggested" and any(o.signature == _signature(prop) for o in old):
            report.unchanged += 1
        elif report.dry_run:
            _count(report, prop)
        else:
            todos.append((prop, old))
    for start in range(0, len(todos), CHUNK):
        chunk = todos[start : start + CHUNK]
        if bulk:
            _apply_chunk(session, chunk, report, actor, run_id)
        else:
            apply_singly(session, chunk, report, actor, run_id)
    if report.dry_run:
        return
    stale = {key: existing[key] for key in result.unmatched
             if isinstance(key, tuple) and existing.get(key)}  # fmt: skip
    report.superseded += supersede(session, stale, actor)  # no reading any more: stale
