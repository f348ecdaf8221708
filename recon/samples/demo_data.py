"""Demo scenario: customers, open invoices, and the bank and gateway money that pays them.

``scenario(today)`` returns a ``Scenario`` whose files the demo drops into its inbox:
``invoices.csv`` (ERP export, customers in English and Chinese), a camt.053 statement (EUR)
and an OFX statement (USD) holding every kind of case (exact and mangled references, fee
short-pays, a partial payment, a combined payment, an overpayment, an unknown payer, a possible
duplicate, bank noise, and the Stripe payout's deposit), plus a Stripe payout reconciliation
report. Dates are relative to ``today`` so the aging report has something in every bucket.
Everything is deterministic; nothing here touches a database. Raises nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from recon.samples.demo_collections import contact_columns
from recon.samples.demo_formats import BankLine, camt053, invoices_csv, ofx, stripe_report

__all__ = ["EUR_IBAN", "STRIPE_CHARGES", "STRIPE_PAYOUT", "USD_ACCOUNT", "Scenario", "scenario"]

EUR_IBAN = "DE89370400440532013000"
USD_ACCOUNT = "4417003912"

# (customer id, name, currency)
CUSTOMERS = (
    ("C001", "Acme Trading Ltd", "EUR"),
    ("C002", "Nordwind Logistik GmbH", "EUR"),
    ("C003", "北京星河科技有限公司", "EUR"),
    ("C004", "Blue Harbour Pty Ltd", "EUR"),
    ("C005", "上海东方贸易有限公司", "EUR"),
    ("C006", "Maple Leaf Foods Inc", "USD"),
    ("C007", "深圳华南电子有限公司", "USD"),
    ("C008", "Pacific Rim Traders LLC", "USD"),
    ("C009", "杭州云端软件有限公司", "CNY"),
    ("C010", "Golden Gate Software Inc", "USD"),
    ("C011", "Rotterdam Shipping BV", "EUR"),
    ("C012", "广州南方食品有限公司", "EUR"),
)

# (invoice no, customer, amount, days since issue, payment terms in days)
INVOICES = (
    ("INV-2026-1001", "C001", "1250.00", 12, 30),
    ("INV-2026-1002", "C002", "980.40", 20, 30),
    ("INV-2026-1003", "C003", "15800.00", 25, 30),
    ("INV-2026-1004", "C004", "420.00", 40, 30),
    ("INV-2026-1005", "C005", "1800.00", 33, 30),
    ("INV-2026-1006", "C005", "1200.00", 31, 30),
    ("INV-2026-1007", "C011", "950.00", 18, 30),
    ("INV-2026-1008", "C012", "2480.00", 75, 30),
    ("INV-2026-1009", "C001", "640.00", 110, 30),
    ("INV-2026-1010", "C002", "3120.00", 150, 30),
    ("INV-2026-1011", "C004", "875.25", 5, 30),
    ("INV-2026-1012", "C004", "875.25", 35, 30),
    ("INV-2026-2001", "C006", "4200.00", 15, 30),
    ("INV-2026-2002", "C007", "1375.00", 22, 30),
    ("INV-2026-2003", "C008", "2650.00", 28, 30),
    ("INV-2026-2004", "C006", "990.00", 95, 30),
    ("INV-2026-3001", "C010", "500.00", 3, 14),
    ("INV-2026-3002", "C010", "250.00", 3, 14),
    ("INV-2026-4001", "C009", "8800.00", 2, 14),
    ("INV-2026-4002", "C009", "3600.00", 45, 14),
)

STRIPE_PAYOUT = "po_1DemoPayout0001"
# (charge id, invoice, gross, fee)
STRIPE_CHARGES = (
    ("ch_3DemoCharge0001", "INV-2026-3001", "500.00", "14.80"),
    ("ch_3DemoCharge0002", "INV-2026-3002", "250.00", "7.55"),
)


@dataclass(frozen=True)
class Scenario:
    """The demo's input files, by inbox file name."""

    files: dict[str, bytes]
    payout_net: Decimal


def _eur_lines(day: dt.date) -> list[BankLine]:
    d = [day - dt.timedelta(days=n) for n in range(8)]
    return [
        BankLine(d[6], "1250.00", "Acme Trading Ltd", "INV-2026-1001", "E2E-ACME-1001"),
        BankLine(d[6], "980.40", "NORDWIND LOGISTIK", "Rechnung inv2026 1OO2 danke"),
        BankLine(d[5], "15785.00", "北京星河科技有限公司", "货款 INV-2026-1003"),
        BankLine(d[5], "200.00", "Blue Harbour Pty Ltd", "part payment INV-2026-1004"),
        BankLine(d[4], "3000.00", "SHANGHAI DONGFANG TRADING CO", "INV-2026-1005 INV-2026-1006"),
        BankLine(d[3], "1000.00", "Rotterdam Shipping B.V.", "INV-2026-1007"),
        BankLine(d[3], "777.00", "J SMITH", "payment"),
        BankLine(d[2], "2465.00", "GUANGZHOU NANFANG FOOD", "2480 less charges"),
        BankLine(d[2], "2465.00", "GUANGZHOU NANFANG FOOD", "2480 less charges"),
        BankLine(d[1], "640.00", "ACME TRADING LIMITED", "overdue invoice, sorry for the delay"),
        BankLine(d[1], "3100.00", "Nordwind Logistik GmbH", "Zahlung Rechnung vom Juni"),
        BankLine(d[0], "875.25", "BLUE HARBOUR PTY", "monthly service fee"),
        BankLine(d[1], "-1850.00", "Immobilien Verwaltung GmbH", "Miete Buero"),
        BankLine(d[1], "-35.50", "", "Kontofuehrung / account fees"),
        BankLine(d[0], "0.42", "", "Habenzinsen / interest"),
    ]


def _usd_lines(day: dt.date, payout_net: Decimal) -> list[BankLine]:
    d = [day - dt.timedelta(days=n) for n in range(8)]
    return [
        BankLine(d[5], "4200.00", "MAPLE LEAF FOODS INC", "INV-2026-2001"),
        BankLine(d[4], "1375.00", "SHENZHEN HUANAN ELECTRONICS", "INV2026-2OO2"),
        BankLine(d[3], "2630.00", "Pacific Rim Traders", "INV-2026-2003 net of wire fee"),
        BankLine(d[2], str(payout_net), "STRIPE", f"STRIPE PAYOUT {STRIPE_PAYOUT}"),
        BankLine(d[1], "-420.00", "AWS EMEA", "cloud services"),
        BankLine(d[1], "1500.00", "UNKNOWN REMITTER 88213", "TRF"),
    ]


def _invoice_rows(today: dt.date) -> list[dict[str, str]]:
    names = {c[0]: (c[1], c[2]) for c in CUSTOMERS}
    rows = []
    for number, customer, amount, age, terms in INVOICES:
        issued = today - dt.timedelta(days=age)
        name, currency = names[customer]
        rows.append(
            {
                "invoice_no": number,
                "customer_id": customer,
                "customer_name": name,
                "amount": amount,
                "currency": currency,
                "issue_date": issued.isoformat(),
                "due_date": (issued + dt.timedelta(days=terms)).isoformat(),
                **contact_columns(customer),
            }
        )
    return rows


def scenario(today: dt.date) -> Scenario:
    """Every input file of the demo for a run on ``today``."""
    net = sum((Decimal(g) - Decimal(f) for _c, _i, g, f in STRIPE_CHARGES), Decimal(0))
    when = today - dt.timedelta(days=3)
    files = {
        "invoices-erp.csv": invoices_csv(_invoice_rows(today)),
        "camt053-eur.xml": camt053(EUR_IBAN, "EUR", Decimal("25000.00"), _eur_lines(today), today),
        "statement-usd.ofx": ofx(
            USD_ACCOUNT, "USD", Decimal("12000.00"), _usd_lines(today, net), today
        ),
        "stripe-payout-reconciliation.csv": stripe_report(STRIPE_PAYOUT, STRIPE_CHARGES, when),
    }
    return Scenario(files, net)
