"""A matching run reads its open items as raw columns, converted once per distinct value
(recon.matchrun.columns): the engine gets the values the ORM would give, sharing equal ones."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from recon.matchrun.load import load
from tests.recon.factories import make_invoice, make_line


def test_values_as_the_orm_gives_them_and_equal_ones_shared(session: Session) -> None:
    first = make_invoice(session, "250.00", meta={"po_number": " PO-7 ", "order_refs": ["A1"]},
                         due_date=None)  # fmt: skip
    second = make_invoice(session, "250.00", paid_minor=5000)
    make_line(session, "99.95", end_to_end_id="E2E-1", creditor_ref="NOTPROVIDED",
              refs=["RF18 5390", 7], value_date=dt.date(2026, 1, 21))  # fmt: skip
    make_line(session, "99.95", refs=[])
    session.commit()

    data = load(session).data

    inv1, inv2 = sorted(data.invoices, key=lambda i: i.id)
    assert (inv1.id, inv1.number, inv1.customer_id) == (first.id, first.invoice_no,
                                                         first.customer_id)  # fmt: skip
    assert inv1.open_amount == Decimal("250.00") and inv2.open_amount == Decimal("200.00")
    assert inv1.total is inv2.total is inv1.open_amount  # one Decimal for equal amounts
    assert str(inv1.total) == "250.00"
    assert inv1.issue_date == dt.date(2026, 1, 5) and type(inv1.issue_date) is dt.date
    text_dates = session.get_bind().dialect.name == "sqlite"  # PostgreSQL's driver: dates
    assert not text_dates or inv1.issue_date is inv2.issue_date  # one per distinct text
    assert inv1.due_date is None and inv2.due_date == dt.date(2026, 2, 4)
    assert inv1.order_refs == ("A1", "PO-7") and inv2.order_refs == ()
    assert second.id == inv2.id

    r1, r2 = sorted(data.receipts, key=lambda r: r.id[1])
    assert r1.refs == ("E2E-1", "RF18 5390") and r2.refs == ()
    assert r1.amount is r2.amount and str(r1.amount) == "99.95"
    assert r1.value_date == dt.date(2026, 1, 21) and r2.value_date is None
    assert r1.booking_date == r2.booking_date == dt.date(2026, 1, 20)
    assert not text_dates or r1.booking_date is r2.booking_date
    assert (r1.payer_name, r1.channel, r1.currency) == ("ACME LTD", "bank", "EUR")
