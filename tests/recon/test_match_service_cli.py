"""`recon match` end to end through the CLI, and the payout <-> deposit stage."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from recon.models import Match
from recon.services.matching import run_matching
from tests.recon.factories import make_charge, make_customer, make_invoice, make_line


def _seed(session_factory):
    with session_factory.begin() as session:
        acme = make_customer(session, name="Acme GmbH")
        make_invoice(session, "42.00", customer=acme, invoice_no="INV-4242")
        make_line(session, "42.00", counterparty_name="ACME GMBH", remittance="INV 4242")


def test_cli_match_json_then_rerun(cli, session_factory):
    _seed(session_factory)
    dry = cli("match", "--dry-run", "--json")
    assert dry.exit_code == 0 and json.loads(dry.output)["auto"] == 1
    with session_factory() as session:
        assert session.scalars(select(Match)).all() == []
    done = cli("match")
    assert done.exit_code == 0 and "applied 1 auto" in done.output
    again = cli("match", "--json")
    assert json.loads(again.output)["auto"] == 0


def test_cli_rejects_suggest_above_auto(cli, session_factory):
    _seed(session_factory)
    result = cli("match", "--auto-threshold", "0.6", "--suggest-threshold", "0.9")
    assert result.exit_code != 0


def test_payout_is_paired_with_its_deposit_and_not_matched_to_invoices(session):
    acme = make_customer(session, name="Acme GmbH")
    make_invoice(session, "970.30", customer=acme, invoice_no="INV-1")
    payout = make_charge(
        session,
        "970.30",
        "EUR",
        kind="payout",
        gateway_id="po_1OaBcDeF",
        payout_id="po_1OaBcDeF",
        occurred_at=dt.datetime(2026, 1, 19, tzinfo=dt.UTC),
    )
    deposit = make_line(
        session, "970.30", counterparty_name="STRIPE", remittance="STRIPE PAYOUT po_1OaBcDeF"
    )
    report = run_matching(session, actor="tester")
    assert report.payouts_auto == 1 and report.auto == 0
    (match,) = session.scalars(select(Match)).all()
    assert (match.kind, match.gateway_txn_id, match.statement_line_id) == (
        "payout_deposit",
        payout.id,
        deposit.id,
    )
    assert run_matching(session, actor="tester").payouts_auto == 0
