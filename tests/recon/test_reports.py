"""Report contents: totals add up, payouts, aging, exceptions, safe CSV/XLSX, HTML with charts."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

from openpyxl import load_workbook

from recon.allocation.allocations import AllocationSpec, create_match
from recon.models import GatewayTransaction, Match, Statement, StatementImport
from recon.reports.data import build_report
from recon.reports.files import write_reports
from tests.recon.factories import make_account, make_customer, make_invoice, make_line

AS_OF = dt.date(2026, 3, 1)


def _statement(session, account, opening: str, closing: str) -> Statement:
    source = StatementImport(file_name="s.xml", file_sha256="1" * 64, format="camt053",
                             actor="tester")
    stmt = Statement(source=source, account=account, currency=account.currency,
                     opening_minor=int(Decimal(opening) * 100), opening_date=dt.date(2026, 1, 1),
                     closing_minor=int(Decimal(closing) * 100), closing_date=dt.date(2026, 1, 31))
    session.add_all([source, stmt])
    session.flush()
    return stmt


def _books(session):
    """Account A: 1000 + 300 + 200 - 50 = 1450 (agrees); account B: statement says 10 more."""
    a, b = make_account(session, account_key="NL01A"), make_account(session, account_key="NL02B")
    sa_, sb = _statement(session, a, "1000.00", "1450.00"), _statement(session, b, "0", "110.00")
    inv = make_invoice(session, "300.00")
    paid = make_line(session, "300.00", account=a, statement_id=sa_.id)
    make_line(session, "200.00", account=a, statement_id=sa_.id, counterparty_name="=cmd|' /C calc'!A0")
    make_line(session, "-50.00", account=a, statement_id=sa_.id)
    make_line(session, "100.00", account=b, statement_id=sb.id, counterparty_name="<script>x</script>")
    create_match(session, receipt=paid, allocations=[AllocationSpec(inv.id, Decimal("300.00"))],
                 status="auto", actor="matcher")
    session.commit()


def test_reconciliation_totals_add_up_and_differences_are_listed(session) -> None:
    _books(session)
    data = build_report(session, AS_OF)
    rows = {r.account: r for r in data.accounts}
    for row in rows.values():
        assert row.opening + row.receipts - row.payments == row.closing_ledger
        assert row.receipts == row.receipts_matched + row.receipts_unmatched
    a, b = rows["NL01A"], rows["NL02B"]
    assert (a.receipts_matched, a.receipts_unmatched, a.payments) == (
        Decimal("300.00"), Decimal("200.00"), Decimal("50.00"))
    assert a.closing_ledger == Decimal("1450.00") and a.difference == 0
    assert b.closing_ledger == Decimal("100.00") and b.difference == Decimal("10.00")


def test_unmatched_items_age_and_cause(session) -> None:
    _books(session)
    data = build_report(session, AS_OF)
    assert sorted(u.amount for u in data.unmatched) == [Decimal("100.00"), Decimal("200.00")]
    assert {u.age_days for u in data.unmatched} == {(AS_OF - dt.date(2026, 1, 20)).days}
    assert {u.cause for u in data.unmatched} == {"no_candidate"}
    assert data.unmatched_by_bucket()["31-60"] == 2
    groups = {g.label: g for g in data.exceptions}
    assert groups["no candidate invoice"].count == 2
    assert groups["no candidate invoice"].totals == {"EUR": Decimal("300.00")}


def test_payout_expected_net_vs_bank_deposit(session) -> None:
    account = make_account(session, "USD")
    deposit = make_line(session, "95.00", "USD", account=account)
    payout = _txn(session, "payout", "po_1", -9700, payout_id="po_1")
    _txn(session, "charge", "ch_1", 10000, net=9700, payout_id="po_1")
    _txn(session, "refund", "re_1", -500, net=-500, payout_id="po_1")
    session.add(Match(kind="payout_deposit", status="auto", confidence=0.99, currency="USD",
                      statement_line_id=deposit.id, gateway_txn_id=payout.id, created_by="t"))
    _txn(session, "payout", "po_2", -1000, payout_id="po_2")  # in transit: no deposit yet
    session.commit()
    data = build_report(session, AS_OF)
    rows = {p.payout_id: p for p in data.payouts}
    assert rows["po_1"].expected_net == Decimal("92.00") and rows["po_1"].components == 2
    assert rows["po_1"].deposit == Decimal("95.00") and rows["po_1"].difference == Decimal("3.00")
    assert rows["po_2"].state == "no deposit found" and rows["po_2"].difference is None
    assert [p.payout_id for p in data.payout_differences()] == ["po_1"]
    assert "payout difference" in {g.label for g in data.exceptions}
    assert not [u for u in data.unmatched if u.item_id == deposit.id and u.kind == "bank"]


def _txn(session, kind, gid, gross, net=None, **extra) -> GatewayTransaction:
    txn = GatewayTransaction(gateway="stripe", gateway_id=gid, kind=kind, gross_minor=gross,
                             fee_minor=0, net_minor=gross if net is None else net,
                             currency="USD", occurred_at=dt.datetime(2026, 2, 1, tzinfo=dt.UTC),
                             **extra)
    session.add(txn)
    session.flush()
    return txn


def test_ar_aging_buckets_per_customer(session) -> None:
    acme, other = make_customer(session, name="Acme"), make_customer(session, name="北京星河")
    for days, amount in [(-5, "10.00"), (0, "1.00"), (15, "20.00"), (45, "30.00"), (75, "40.00"),
                         (200, "50.00")]:
        make_invoice(session, amount, customer=acme, due_date=AS_OF - dt.timedelta(days=days))
    make_invoice(session, "7.00", customer=other, due_date=AS_OF - dt.timedelta(days=31))
    session.commit()
    rows = {r.customer: r for r in build_report(session, AS_OF).aging}
    assert rows["Acme"].buckets == tuple(Decimal(v) for v in
                                         ("11.00", "20.00", "30.00", "40.00", "50.00"))
    assert rows["Acme"].total == Decimal("151.00") and rows["Acme"].invoices == 6
    assert rows["北京星河"].buckets[2] == Decimal("7.00")


def test_report_files_are_safe_and_complete(session, tmp_path) -> None:
    _books(session)
    data = build_report(session, AS_OF)
    paths = write_reports(data, tmp_path / "r", {"run_id": 1, "status": "attention",
                                                  "files": {}, "unapplied_cash": {},
                                                  "payout_differences": {"count": 0}})
    names = {p.name for p in paths}
    assert {"reconciliation.csv", "payouts.csv", "unmatched.csv", "aging.csv", "exceptions.csv",
            "report.xlsx", "index.html", "summary.json"} <= names
    with (tmp_path / "r" / "unmatched.csv").open(encoding="utf-8-sig") as f:
        payers = {row["payer"] for row in csv.DictReader(f)}
    assert "'=cmd|' /C calc'!A0" in payers
    sheet = load_workbook(tmp_path / "r" / "report.xlsx")["unmatched"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f" or c.value.startswith("=")]
    amounts = [c.value for c in sheet["G"][1:]]
    assert all(isinstance(v, int | float) for v in amounts)  # numbers stay numbers
    html = (tmp_path / "r" / "index.html").read_text()
    assert html.count("<svg") >= 2 and "<script>" not in html and "&lt;script&gt;" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert json.loads((tmp_path / "r" / "summary.json").read_text())["run_id"] == 1


def test_overpayment_is_unapplied_cash_not_unmatched(session) -> None:
    from recon.run.summary import unapplied_cash

    inv = make_invoice(session, "950.00")
    line = make_line(session, "1000.00")
    create_match(session, receipt=line, allocations=[AllocationSpec(inv.id, Decimal("950.00"))],
                 status="auto", actor="matcher")
    session.commit()
    assert build_report(session, AS_OF).unmatched == []
    assert unapplied_cash(session) == {"EUR": Decimal("50.00")}
