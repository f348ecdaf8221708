"""Small factories for hand-written matching cases (no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from matching import Customer, MatchInput, MatchResult, MatchSettings, OpenInvoice, Receipt, match

DAY0 = date(2024, 3, 1)


def inv(iid: str, number: str, cust: str, amount: str, days: int = 0, cur: str = "EUR", **kw):
    """An open invoice issued `days` after DAY0."""
    return OpenInvoice(iid, number, cust, Decimal(amount), cur, DAY0 + timedelta(days=days), **kw)


def rec(rid: str, amount: str, payer: str = "", text: str = "", days: int = 10, cur="EUR", **kw):
    """A receipt booked `days` after DAY0."""
    return Receipt(rid, Decimal(amount), cur, DAY0 + timedelta(days=days), payer, text, **kw)


def run(invoices, receipts, customers, settings: MatchSettings | None = None, **kw) -> MatchResult:
    data = MatchInput(tuple(invoices), tuple(receipts), tuple(customers), **kw)
    return match(data, settings)


def allocs(result: MatchResult, rid: str) -> dict[str, Decimal]:
    prop = result.by_receipt().get(rid)
    return {a.invoice_id: a.amount for a in prop.allocations} if prop else {}


def status(result: MatchResult, rid: str) -> str:
    prop = result.by_receipt().get(rid)
    return prop.status if prop else "unmatched"


ACME = Customer("c1", "Acme GmbH")
BETA = Customer("c2", "Beta Trading Ltd")
HUAWEI = Customer("c3", "深圳市华为技术有限公司")
