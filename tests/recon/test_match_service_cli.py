"""`recon match` end to end through the CLI, and the payout <-> deposit stage."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from recon.config import AppSettings, ConfigError, FxRateRule
from recon.matchrun.service import run_matching
from recon.models import Match, StatementLine
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


def test_fx_rules_setting_is_parsed():
    env = {"RECON_FX_RULES": "USD>EUR:0.92:1.5, gbp>eur:1.17:1"}
    assert AppSettings.from_env(env).fx_rules == (
        FxRateRule("USD", "EUR", Decimal("0.92"), Decimal("1.5")),
        FxRateRule("GBP", "EUR", Decimal("1.17"), Decimal("1")),
    )
    assert AppSettings.from_env({}).fx_rules == ()
    assert AppSettings.from_env({"RECON_FX_RULES": " "}).fx_rules == ()


@pytest.mark.parametrize(
    "raw",
    ["USD>EUR", "USD>EUR:0.92", "USD-EUR:0.92:1", "USD>EUR:x:1", "USD>EUR:0:1",
     "USD>EUR:0.92:-1", "USD>USD:1:1", "US>EUR:0.92:1", "USD>EUR:0.92:1:2", "USD>EUR:NaN:1"],
)  # fmt: skip
def test_malformed_fx_rules_name_the_variable(raw):
    with pytest.raises(ConfigError, match="RECON_FX_RULES"):
        AppSettings.from_env({"RECON_FX_RULES": raw})


def _seed_fx(session_factory) -> int:
    with session_factory.begin() as session:
        acme = make_customer(session, name="Acme GmbH")
        make_invoice(session, "920.00", customer=acme, invoice_no="INV-7001")
        line = make_line(
            session, "1000.00", "USD", counterparty_name="ACME GMBH", remittance="INV-7001"
        )
        return line.id


def test_cli_match_uses_the_configured_fx_rule(cli, settings, session_factory):
    line_id = _seed_fx(session_factory)
    cli.settings = settings.with_(
        fx_rules=AppSettings.from_env({"RECON_FX_RULES": "USD>EUR:0.92:1"}).fx_rules
    )
    result = cli("match", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["auto"] + report["suggested"] == 1 and report["errors"] == []
    with session_factory() as session:
        (match,) = session.scalars(select(Match).where(Match.statement_line_id == line_id))
        (alloc,) = match.allocations
        assert (alloc.currency, alloc.amount_minor, alloc.receipt_amount_minor) == (
            "EUR", 92000, 100000
        )  # fmt: skip
        if match.status == "auto":
            assert session.get(StatementLine, line_id).allocated_minor == 100000


def test_cli_match_without_fx_rule_leaves_the_receipt_unmatched(cli, session_factory):
    line_id = _seed_fx(session_factory)
    result = cli("match", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["auto"] + report["suggested"] == 0 and report["errors"] == []
    with session_factory() as session:
        assert session.scalars(select(Match).where(Match.statement_line_id == line_id)).all() == []
