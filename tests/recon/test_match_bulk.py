"""The bulk apply path writes what the one-by-one path (`create_match`) writes, and nothing
half: same matches, allocations, adjustments, sums and audit rows; refusals with the same words;
a failure while writing leaves no row behind."""

from __future__ import annotations

import functools
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

import recon.matchrun.service as service
from matching import FxRule, MatchSettings
from recon import audit
from recon.allocation import bulk
from recon.allocation.allocations import AdjustmentSpec, AllocationSpec, create_match
from recon.errors import InvariantError
from recon.matchrun.apply import apply_receipt_proposals
from recon.models import (
    Adjustment,
    Allocation,
    AuditEvent,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
)
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line

FX = MatchSettings(fx_rules=(FxRule("USD", "EUR", Decimal("0.92"), Decimal("1")),))


def _data(session) -> None:
    """Autos (exact, fee short-pay, overpayment, several invoices, FX, gateway charge),
    suggestions, and a receipt whose old suggestion the second run replaces."""
    acme = make_customer(session, name="Acme GmbH")
    beta = make_customer(session, name="Beta Trading Ltd")
    for n in range(6):
        make_invoice(session, f"{100 + n}.00", customer=acme, invoice_no=f"INV-2026-{n:04d}")
        make_line(session, f"{100 + n}.00", counterparty_name="ACME",
                  remittance=f"INV-2026-{n:04d}")  # fmt: skip
    make_invoice(session, "1000.00", customer=beta, invoice_no="SO-88001")
    make_line(session, "985.00", counterparty_name="BETA TRADING", remittance="SO-88001")
    make_invoice(session, "400.00", customer=acme, invoice_no="INV-2026-0201")
    make_line(session, "450.00", counterparty_name="Acme GmbH", remittance="INV-2026-0201")
    make_invoice(session, "300.00", customer=beta, invoice_no="SO-7001")
    make_invoice(session, "200.00", customer=beta, invoice_no="SO-7002")
    make_line(session, "500.00", counterparty_name="Beta Trading", remittance="SO-7001 SO-7002")
    make_invoice(session, "925.00", customer=acme, invoice_no="INV-2026-0301")
    make_line(session, "1000.00", "USD", counterparty_name="Acme", remittance="INV-2026-0301")
    make_invoice(session, "59.90", "USD", customer=acme, invoice_no="INV-5590",
                 meta={"order_ref": "ORD-20260120-7"})  # fmt: skip
    make_charge(session, "59.90", "USD", order_ref="ORD-20260120-7")
    make_invoice(session, "500.00", customer=acme, invoice_no="INV-1")
    make_invoice(session, "500.00", customer=acme, invoice_no="INV-2")
    make_line(session, "500.00", counterparty_name="Acme GmbH", remittance="thanks")


def _sorted(rows: Any) -> list:
    return sorted(rows, key=repr)  # None beside ints: compare the text


def _rows(session) -> dict[str, Any]:
    """Everything the apply writes, with ids replaced by what they stand for."""
    matches = {m.id: m for m in session.scalars(select(Match))}

    def receipt(match_id: int | None) -> tuple:
        m = matches[match_id] if match_id is not None else None
        return (m.statement_line_id, m.gateway_txn_id, m.status) if m else ()

    adjustments = {a.id: a for a in session.scalars(select(Adjustment))}

    def obj(kind: str, obj_id: str) -> tuple:
        if kind == "match":
            return receipt(int(obj_id))
        if kind == "adjustment":
            a = adjustments[int(obj_id)]
            return (*receipt(a.match_id), a.kind)
        return (obj_id,)

    return {
        "matches": _sorted(
            (m.statement_line_id or 0, m.gateway_txn_id or 0, m.kind, m.status, m.confidence,
             repr(m.reasons), repr(m.alternatives), m.cause, m.origin, m.currency,
             m.unapplied_minor, m.created_by, m.matched_by, m.matched_at is None,
             m.closed_by, m.closed_at is None)
            for m in matches.values()),
        "allocations": _sorted(
            (receipt(a.match_id), a.invoice_id, a.amount_minor, a.currency, a.receipt_amount_minor)
            for a in session.scalars(select(Allocation))),
        "adjustments": _sorted(
            (receipt(a.match_id), a.kind, a.status, a.amount_minor, a.currency, a.invoice_id,
             a.statement_line_id, a.reason, a.prepared_by, a.decided_at is None)
            for a in adjustments.values()),
        "invoices": _sorted(session.execute(select(
            Invoice.id, Invoice.paid_minor, Invoice.adjusted_minor, Invoice.status)).all()),
        "lines": _sorted(session.execute(select(
            StatementLine.id, StatementLine.allocated_minor, StatementLine.disposition)).all()),
        "charges": _sorted(session.execute(select(
            GatewayTransaction.id, GatewayTransaction.allocated_minor)).all()),
        "audit": _sorted(
            (e.actor, e.action, e.object_type, obj(e.object_type, e.object_id), repr(e.before),
             repr(e.after), e.reason)
            for e in session.scalars(select(AuditEvent))),
    }  # fmt: skip


def _two_runs(session) -> dict[str, Any]:
    first = service.run_matching(session, actor="tester", settings=FX)
    for inv in session.scalars(select(Invoice).where(Invoice.invoice_no.in_(["INV-1", "INV-2"]))):
        inv.status = "cancelled"  # the vague receipt's suggestion goes stale: replaced
    session.flush()
    second = service.run_matching(session, actor="tester", settings=FX)
    assert first.errors == second.errors == []
    assert first.auto >= 10 and first.suggested >= 1 and second.superseded >= 1
    return {**_rows(session), "reports": [(r.auto, r.suggested, r.unchanged, r.superseded)
                                          for r in (first, second)]}  # fmt: skip


def test_bulk_apply_writes_exactly_what_one_by_one_writes(session, monkeypatch) -> None:
    _data(session)
    with session.begin_nested() as savepoint:
        bulk_rows = _two_runs(session)
        savepoint.rollback()
    singly = functools.partial(apply_receipt_proposals, bulk=False)
    monkeypatch.setattr(service, "apply_receipt_proposals", singly)
    with session.begin_nested() as savepoint:
        single_rows = _two_runs(session)
        savepoint.rollback()
    assert bulk_rows["audit"] and bulk_rows["adjustments"]
    for table, rows in single_rows.items():
        assert bulk_rows[table] == rows, table


def test_bulk_refuses_what_create_match_refuses_with_the_same_words(session) -> None:
    inv = make_invoice(session, "100.00")
    first, second, debit = (make_line(session, a) for a in ("100.00", "100.00", "-5.00"))
    items = [bulk.NewMatch([AllocationSpec(inv.id, Decimal("100.00"))], "auto", line_id=x.id)
             for x in (first, second, debit)]  # fmt: skip
    done = bulk.create_matches_bulk(session, items, actor="tester")
    assert done.match_ids[0] and set(done.refused) == {1, 2}
    with pytest.raises(InvariantError) as one, session.begin_nested():  # rolled back
        create_match(session, receipt=second, allocations=items[1].allocations, status="auto",
                     actor="tester")  # fmt: skip
    assert str(done.refused[1]) == str(one.value)
    assert "exceeds its open amount" in str(one.value)
    assert "debit" in str(done.refused[2])
    assert inv.status == "paid" and first.allocated_minor == 10000


def test_a_failure_while_writing_leaves_nothing_half_written(session, monkeypatch) -> None:
    inv = make_invoice(session, "100.00")
    line = make_line(session, "120.00")
    item = bulk.NewMatch([AllocationSpec(inv.id, Decimal("100.00"))], "auto", line_id=line.id,
                         adjustments=[AdjustmentSpec("bank_fee", Decimal("20.00"))])

    def broken(*_a: Any, **_k: Any) -> None:  # the last write of the batch fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(audit, "record_many", broken)
    with pytest.raises(RuntimeError):
        bulk.create_matches_bulk(session, [item], actor="tester")
    for model in (Match, Allocation, Adjustment, AuditEvent):
        assert session.scalar(select(func.count()).select_from(model)) == 0, model
    session.refresh(inv)
    session.refresh(line)
    assert (inv.paid_minor, inv.status, line.allocated_minor) == (0, "open", 0)


def test_reasons_are_stored_as_dataclasses_asdict_would() -> None:
    import dataclasses

    from matching import model
    from recon.matchrun.apply import _reasons

    reason = model.Reason("reference", "exact", 9.5, "INV-1 in the text")
    prop = type("P", (), {"reasons": (reason,)})()
    assert _reasons(prop) == [dataclasses.asdict(reason)]
