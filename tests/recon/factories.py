"""Test factories: plain functions that add a row with sensible defaults (flush, no commit)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from recon.models import (
    BankAccount,
    Customer,
    GatewayTransaction,
    Invoice,
    Statement,
    StatementImport,
    StatementLine,
)
from recon.money import to_minor

_seq = itertools.count(1)


def make_customer(session: Session, **overrides: Any) -> Customer:
    n = next(_seq)
    values: dict[str, Any] = {"external_id": f"C{n:05d}", "name": f"Customer {n} Ltd"}
    values.update(overrides)
    customer = Customer(**values)
    session.add(customer)
    session.flush()
    return customer


def make_invoice(
    session: Session, amount: str = "100.00", currency: str = "EUR", **overrides: Any
) -> Invoice:
    customer = overrides.pop("customer", None) or make_customer(session)
    n = next(_seq)
    values: dict[str, Any] = {
        "invoice_no": f"INV-{n:06d}",
        "customer_id": customer.id,
        "amount_minor": to_minor(Decimal(amount), currency),
        "currency": currency,
        "issue_date": dt.date(2026, 1, 5),
        "due_date": dt.date(2026, 2, 4),
    }
    values.update(overrides)
    invoice = Invoice(**values)
    session.add(invoice)
    session.flush()
    return invoice


def make_account(session: Session, currency: str = "EUR", **overrides: Any) -> BankAccount:
    values: dict[str, Any] = {
        "account_key": f"NL{next(_seq):02d}TEST0123456789",
        "currency": currency,
    }
    values.update(overrides)
    account = BankAccount(**values)
    session.add(account)
    session.flush()
    return account


def make_line(
    session: Session, amount: str = "100.00", currency: str = "EUR", **overrides: Any
) -> StatementLine:
    account = overrides.pop("account", None) or make_account(session, currency)
    source = StatementImport(
        file_name="test.xml", file_sha256="0" * 64, format="camt053", actor="tester"
    )
    statement = Statement(source=source, account=account, currency=currency)
    session.add_all([source, statement])
    session.flush()
    n = next(_seq)
    values: dict[str, Any] = {
        "statement_id": statement.id,
        "bank_account_id": account.id,
        "bank_ref": f"REF{n:08d}",
        "dedupe_key": f"ref:REF{n:08d}",
        "booking_date": dt.date(2026, 1, 20),
        "amount_minor": to_minor(Decimal(amount), currency),
        "currency": currency,
        "counterparty_name": "ACME LTD",
        "remittance": f"INV {n}",
    }
    values.update(overrides)
    line = StatementLine(**values)
    session.add(line)
    session.flush()
    return line


def make_charge(
    session: Session, amount: str = "100.00", currency: str = "USD", **overrides: Any
) -> GatewayTransaction:
    n = next(_seq)
    minor = to_minor(Decimal(amount), currency)
    values: dict[str, Any] = {
        "gateway": "stripe",
        "gateway_id": f"ch_{n}",
        "kind": "charge",
        "gross_minor": minor,
        "fee_minor": 0,
        "net_minor": minor,
        "currency": currency,
        "occurred_at": dt.datetime(2026, 1, 20, tzinfo=dt.UTC),
    }
    values.update(overrides)
    txn = GatewayTransaction(**values)
    session.add(txn)
    session.flush()
    return txn
