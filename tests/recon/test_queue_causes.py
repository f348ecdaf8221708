"""The queue's cause is decided once, from the real matcher's proposal, stored on the match
(``Match.cause``) and read by the queue from that column: one test per cause.

Every scenario runs the matcher with an auto threshold it cannot reach, so each proposal is
stored as a suggestion that a person must look at, with the cause the proposal gives.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from recon.matchrun.service import run_matching
from recon.models import QUEUE_CAUSES, Match
from recon.queue import cache as queue_cache
from recon.queue.listing import queue_item
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line

TODAY = dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _fresh_counts():
    queue_cache.clear()


def _run(session) -> None:
    report = run_matching(session, actor="tester", auto_threshold=0.999999,
                          suggest_threshold=0.01)
    assert report.errors == [] and report.auto == 0


def _cause(session, line) -> tuple[str | None, str]:
    """(cause stored on the line's suggestion, cause the queue shows for the line)."""
    stored = session.scalar(select(Match.cause).where(Match.statement_line_id == line.id,
                                                      Match.status == "suggested"))
    return stored, queue_item(session, "line", line.id, today=TODAY).cause


def test_fee_gap(session) -> None:
    beta = make_customer(session, name="Beta Trading Ltd")
    make_invoice(session, "1000.00", customer=beta, invoice_no="SO-88001")
    line = make_line(session, "985.00", counterparty_name="BETA TRADING", remittance="SO-88001")
    _run(session)
    assert _cause(session, line) == ("fee_gap", "fee_gap")


def test_partial_payment(session) -> None:
    beta = make_customer(session, name="Beta Trading Ltd")
    make_invoice(session, "1000.00", customer=beta, invoice_no="SO-88002")
    line = make_line(session, "400.00", counterparty_name="BETA TRADING",
                     remittance="part payment SO-88002")
    _run(session)
    assert _cause(session, line) == ("partial_payment", "partial_payment")


def test_overpayment(session) -> None:
    beta = make_customer(session, name="Beta Trading Ltd")
    make_invoice(session, "1000.00", customer=beta, invoice_no="SO-88003")
    line = make_line(session, "1200.00", counterparty_name="BETA TRADING", remittance="SO-88003")
    _run(session)
    assert _cause(session, line) == ("overpayment", "overpayment")


def test_several_invoices(session) -> None:
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "500.00", customer=acme, invoice_no="INV-2026-0101")
    make_invoice(session, "250.00", customer=acme, invoice_no="INV-2026-0102")
    line = make_line(session, "750.00", counterparty_name="Acme GmbH", remittance="two invoices")
    _run(session)
    assert _cause(session, line) == ("several_invoices", "several_invoices")


def test_ambiguous_when_two_readings_compete(session) -> None:
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "500.00", customer=acme, invoice_no="INV-1")
    make_invoice(session, "500.00", customer=acme, invoice_no="INV-2")
    line = make_line(session, "500.00", counterparty_name="Acme GmbH", remittance="thanks")
    _run(session)
    assert _cause(session, line) == ("ambiguous", "ambiguous")


def test_unknown_payer(session) -> None:
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "321.00", customer=acme, invoice_no="INV-2026-0777")
    line = make_line(session, "321.00", counterparty_name="ZHEJIANG RIVER LOGISTICS",
                     remittance="INV-2026-0777")
    _run(session)
    assert _cause(session, line) == ("unknown_payer", "unknown_payer")


def test_low_confidence(session) -> None:
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "321.00", customer=acme, invoice_no="INV-2026-0778")
    line = make_line(session, "321.00", counterparty_name="Acme GmbH", remittance="March")
    _run(session)
    assert _cause(session, line) == ("low_confidence", "low_confidence")


def test_no_candidate_and_possible_duplicate_come_from_columns(session) -> None:
    make_invoice(session, "321.00", invoice_no="INV-2026-0779")
    lonely = make_line(session, "12.34", counterparty_name="NOBODY", remittance="gift")
    flagged = make_line(session, "12.35", counterparty_name="NOBODY", remittance="gift",
                        possible_duplicate=True)
    charge = make_charge(session, "5.55")
    _run(session)
    assert _cause(session, lonely) == (None, "no_candidate")
    assert _cause(session, flagged) == (None, "possible_duplicate")
    assert queue_item(session, "charge", charge.id, today=TODAY).cause == "no_candidate"


def test_every_cause_has_a_label_in_both_languages() -> None:
    from web.queue import CAUSE_LABELS

    assert set(CAUSE_LABELS) == set(QUEUE_CAUSES)


def test_payout_deposit(session) -> None:
    make_charge(session, "970.30", "EUR", kind="payout", gateway_id="po_1OaBcDeF",
                payout_id="po_1OaBcDeF", occurred_at=dt.datetime(2026, 1, 19, tzinfo=dt.UTC))
    deposit = make_line(session, "970.30", counterparty_name="STRIPE",
                        remittance="STRIPE TRANSFER", booking_date=dt.date(2026, 1, 23))
    run_matching(session, actor="tester", auto_threshold=0.999999, suggest_threshold=0.01)
    match = session.scalar(select(Match).where(Match.statement_line_id == deposit.id))
    assert (match.kind, match.status, match.cause) == ("payout_deposit", "suggested",
                                                       "payout_deposit")
    assert queue_item(session, "line", deposit.id, today=TODAY).cause == "payout_deposit"


def test_migration_backfills_the_cause_of_stored_proposals(tmp_path) -> None:
    """0008 computes the cause of existing proposals from their stored reasons."""
    import importlib.util
    from decimal import Decimal

    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from recon.allocation.allocations import AllocationSpec, create_match
    from recon.db import make_engine, make_session_factory
    from recon.db.migrate import MIGRATIONS, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    upgrade(engine)
    with make_session_factory(engine).begin() as s:
        inv = make_invoice(s, "100.00")
        fee = {"feature": "amount", "level": "fee", "weight": 4.0, "detail": "2.00 short"}
        for reasons, status in (([fee], "suggested"), ([], "manual")):
            create_match(s, receipt=make_line(s, "98.00"), status=status, actor="t",
                         allocations=[AllocationSpec(inv.id, Decimal("1"))],
                         reasons=reasons)
    path = MIGRATIONS / "versions" / "0008_cause_and_tier.py"
    spec = importlib.util.spec_from_file_location("m0008", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engine.begin() as conn:  # as the rows were before 0008: no cause
        conn.execute(Match.__table__.update().values(cause=None))
        with Operations.context(MigrationContext.configure(conn)):
            module._backfill_causes()
    with make_session_factory(engine)() as s:
        causes = dict(s.execute(select(Match.status, Match.cause)).all())
    assert causes == {"suggested": "fee_gap", "manual": None}
    engine.dispose()


def test_the_queue_sql_reads_no_json_text() -> None:
    import inspect

    import recon.queue.cause_sql as cause_sql
    import recon.queue.sql as queue_sql

    for module in (queue_sql, cause_sql):
        source = inspect.getsource(module)
        assert "reasons" not in source and "alternatives" not in source, module.__name__


def test_the_rest_of_an_applied_overpayment_keeps_its_cause(session) -> None:
    ship = make_customer(session, name="Rotterdam Shipping B.V.")
    make_invoice(session, "1000.00", customer=ship, invoice_no="INV-2026-1007")
    line = make_line(session, "1050.00", counterparty_name="Rotterdam Shipping B.V.",
                     remittance="INV-2026-1007")
    run_matching(session, actor="tester")
    applied = session.scalar(select(Match).where(Match.statement_line_id == line.id))
    assert (applied.status, applied.cause) == ("auto", "overpayment")
    assert queue_item(session, "line", line.id, today=TODAY).cause == "overpayment"
