"""Demo payment history for the credit area: a few months of paid invoices per customer.

``seed_history(session, today)`` adds, for three demo customers, four past invoices each and the
bank receipts that paid them (one history statement, matched by hand through
``recon.allocation.create_match``): Acme pays on time (tier A), 上海东方贸易 a little late, and
Nordwind Logistik weeks late (tier D, so on hold). It also gives Blue Harbour a manual limit
below what it owes (on hold: over the limit), and yesterday's USD and CNY rates into EUR (an
illustrative ECB-like fixing). The daily run's credit step then computes tiers,
holds and the forecast from it. Returns the number of history invoices. Never commits.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from recon.allocation.allocations import AllocationSpec, create_match
from recon.credit.fx import import_rates_csv
from recon.credit.overrides import set_limit
from recon.models import BankAccount, Customer, Invoice, Statement, StatementImport, StatementLine
from recon.money import to_minor

__all__ = ["HISTORY", "seed_history"]

# customer external id -> days paid after the due day, for each of four invoices
HISTORY = {"C001": (0, -2, 1, 0), "C005": (6, 9, 4, 12), "C002": (24, 31, 28, 40)}
AMOUNTS = ("1200.00", "860.00", "2400.00", "1530.00")


def _statement(session: Session, today: dt.date) -> Statement:
    account = BankAccount(account_key="DE02DEMOHISTORY0000000", currency="EUR",
                          name="Demo history")
    source = StatementImport(file_name="history.camt053.xml", file_sha256="0" * 64,
                             format="camt053", actor="demo")
    statement = Statement(source=source, account=account, currency="EUR",
                          statement_ref=f"HIST-{today:%Y%m}")
    session.add_all([account, source, statement])
    session.flush()
    return statement


def _paid_invoice(session: Session, statement: Statement, customer: Customer, n: int,
                  due: dt.date, late: int) -> None:
    amount = Decimal(AMOUNTS[n])
    invoice = Invoice(invoice_no=f"HIST-{customer.external_id}-{n + 1}",
                      customer_id=customer.id, amount_minor=to_minor(amount, "EUR"),
                      currency="EUR", issue_date=due - dt.timedelta(days=30), due_date=due)
    day = due + dt.timedelta(days=late)
    line = StatementLine(
        statement_id=statement.id, bank_account_id=statement.bank_account_id,
        bank_ref=f"HIST{customer.id:03d}{n}", dedupe_key=f"ref:HIST{customer.id:03d}{n}",
        booking_date=day, value_date=day, amount_minor=to_minor(amount, "EUR"),
        currency="EUR", counterparty_name=customer.name, remittance=invoice.invoice_no)
    session.add_all([invoice, line])
    session.flush()
    create_match(session, receipt=line, allocations=[AllocationSpec(invoice.id, amount)],
                 status="manual", actor="demo")


def seed_history(session: Session, today: dt.date) -> int:
    """Add the history (see the module docstring); returns the invoices added."""
    statement = _statement(session, today)
    customers = {c.external_id: c for c in session.scalars(select(Customer))}
    count = 0
    for ref, delays in HISTORY.items():
        for n, late in enumerate(delays):
            due = today - dt.timedelta(days=150 - 30 * n)
            _paid_invoice(session, statement, customers[ref], n, due, late)
            count += 1
    rates = f"date,currency,rate\n{today - dt.timedelta(days=1)},USD,0.9210\n" \
            f"{today - dt.timedelta(days=1)},CNY,0.1275\n"
    import_rates_csv(session, "demo-rates.csv", rates.encode(), base="EUR", actor="demo")
    set_limit(session, customers["C004"].id, amount=Decimal("1500"),
              reason="demo: limit agreed by the CFO", actor="demo", base="EUR",
              today=today)
    return count
