"""PayPal's transaction detail report through `recon gateways import`: merged with the webhook
records, refunds reopen invoices, the withdrawal pairs with its bank deposit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from gateways import BadReport, parse_report
from recon.gateway import events as gateway_events
from recon.matchrun.service import run_matching
from recon.models import GatewayTransaction, Invoice, Match
from tests.gateways import paypal_signing as pp
from tests.recon.factories import make_invoice, make_line

CH = ('"CH","Transaction ID","Invoice ID","PayPal Reference ID","PayPal Reference ID Type",'
      '"Transaction Event Code","Transaction Initiation Date","Transaction Completion Date",'
      '"Transaction  Debit or Credit","Gross Transaction Amount","Gross Transaction Currency",'
      '"Fee Debit or Credit","Fee Amount","Fee Currency","Transactional Status",'
      '"Custom Field"')


def trr(*sb: str) -> bytes:
    head = ['"RH","2026/12/02 03:00:00 -0800","A","MERCHANT123",011',
            '"FH",01', '"SH","2026/12/01 00:00:00 -0800","2026/12/01 23:59:59 -0800",,""', CH]
    tail = ['"SF",...', '"RF",...', '"FF",01']
    return ("\n".join([*head, *sb, *tail]) + "\n").encode()


CAPTURE = ('"SB","CAP1","INV-PP-1","","","T0006","2026/12/01 03:58:00 -0800",'
           '"2026/12/01 03:58:00 -0800","CR","10000","USD","DR","320","USD","S",""')
REFUND = ('"SB","REF1","INV-PP-1","CAP1","TXN","T1107","2026/12/01 05:00:00 -0800",'
          '"2026/12/01 05:00:00 -0800","DR","4000","USD","CR","128","USD","S",""')
PAYOUT = ('"SB","WD1","","","","T0400","2026/12/01 20:00:00 -0800",'
          '"2026/12/01 20:00:00 -0800","DR","5552","USD","","0","USD","S",""')
HOLD = ('"SB","H1","","CAP1","TXN","T1501","2026/12/01 06:00:00 -0800",'
        '"2026/12/01 06:00:00 -0800","DR","100","USD","","0","USD","S",""')


def test_parse_signs_minor_units_and_classifies_t_codes():
    report = parse_report("TRR-20261201.01.011.CSV", trr(CAPTURE, REFUND, PAYOUT, HOLD))
    got = {t.gateway_id: (t.kind, t.gross, t.fee, t.related_id, t.order_ref)
           for t in report.txns}
    assert got == {
        "CAP1": ("charge", Decimal("100.00"), Decimal("3.20"), None, "INV-PP-1"),
        "REF1": ("refund", Decimal("-40.00"), Decimal("-1.28"), "CAP1", "INV-PP-1"),
        "WD1": ("payout", Decimal("-55.52"), Decimal("0.00"), None, None),
    }
    assert report.format == "paypal_trr" and "T1501" in report.warnings[0]


def test_bad_lines_are_all_named():
    bad = CAPTURE.replace('"10000"', '"100.00"')
    with pytest.raises(BadReport) as info:
        parse_report("trr.csv", trr(bad, REFUND.replace('"DR","4000"', '"XX","4000"')))
    text = str(info.value)
    assert "trr.csv:5: Gross Transaction Amount" in text
    assert "trr.csv:6: Transaction Debit or Credit" in text


def test_import_merges_with_webhook_reopens_and_pairs_payout(cli, session_factory, session,
                                                             tmp_path):
    make_invoice(session, "100.00", "USD", invoice_no="INV-PP-1")
    session.commit()
    s = pp.signer()
    capture = pp.capture("CAP1")
    del capture["seller_receivable_breakdown"]  # the webhook does not say the fee: the report does
    raw, headers = s.sign(pp.event("PAYMENT.CAPTURE.COMPLETED", capture))
    gateway_events.receive(session_factory, s.config().verify(headers, raw), actor="t")
    path = tmp_path / "TRR-20261201.01.011.CSV"
    path.write_bytes(trr(CAPTURE, REFUND, PAYOUT))
    first = cli("gateways", "import", str(path))
    assert first.exit_code == 0, first.output
    assert "2 new, 1 updated" in first.output
    assert "0 new, 0 updated, 3 unchanged" in cli("gateways", "import", str(path)).output
    session.expire_all()
    cap = session.scalars(select(GatewayTransaction).filter_by(gateway_id="CAP1")).one()
    assert (cap.fee, cap.net, cap.allocated) == (
        Decimal("3.20"), Decimal("96.80"), Decimal("100.00"))
    invoice = session.scalars(select(Invoice)).one()
    assert (invoice.status, invoice.refunded) == ("partial", Decimal("40.00"))
    make_line(session, "55.52", "USD", counterparty_name="PAYPAL",
              remittance="PAYPAL TRANSFER WD1", booking_date=dt.date(2026, 12, 2))
    report = run_matching(session, actor="t")
    assert report.payouts_auto + report.payouts_suggested == 1
    assert session.scalars(select(Match.kind).where(Match.kind == "payout_deposit")).one()
