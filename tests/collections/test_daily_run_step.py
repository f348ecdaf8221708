"""The daily run reminds after matching: a receipt matched in the same run is never dunned."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select

from recon.models import Invoice, Reminder
from tests.collections.helpers import customer_with_invoices
from tests.conftest import Cli
from tests.recon.factories import make_line

DUE = dt.date(2026, 11, 10)


def test_recon_run_matches_then_reminds(session, settings, smtp) -> None:
    inbox, url = smtp
    payer = customer_with_invoices(session, "430.00", name="Paying Customer Ltd", due=DUE)
    late = customer_with_invoices(session, "77.00", name="Late Customer Ltd", due=DUE,
                                  email="late@buyer.example")
    paid_invoice = session.scalars(select(Invoice).filter_by(customer_id=payer.id)).one()
    make_line(session, "430.00", "CNY", booking_date=DUE + dt.timedelta(days=6),
              counterparty_name="Paying Customer Ltd", remittance=paid_invoice.invoice_no)
    session.commit()
    cli = Cli(settings.with_(smtp_url=url))
    result = cli("run", "--json", "--date", (DUE + dt.timedelta(days=7)).isoformat())
    summary = json.loads(result.stdout)
    assert summary["dunning"]["sent"] == 1, summary
    session.expire_all()
    assert session.get_one(Invoice, paid_invoice.id).status == "paid"  # matched first
    rcpts = [r for r, _m in inbox.messages if r != ["treasury@example.com"]]
    assert rcpts == [["late@buyer.example"]]
    assert session.scalar(select(Reminder.customer_id)) == late.id
