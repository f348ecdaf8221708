"""Build a ``Ledger`` by hand for the credit and forecast tests (no database)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

import numpy as np

from recon.credit.fx import Converter, Rate
from recon.credit.ledger import Ledger

T = dt.date(2026, 6, 30)
TD = T.toordinal()


def ledger(invoices: Sequence[tuple], settlements: Sequence[tuple], customers: int,
           currencies: tuple[str, ...] = ("CNY", "EUR", "USD")) -> Ledger:
    """invoices: (customer, currency, amount minor, issue day, due day[, suggested]);
    settlements: (invoice index, day, amount minor[, cash]) -- days as ordinals."""
    inv = [tuple(i) + (0,) * (6 - len(i)) for i in invoices]
    st = [tuple(s) + (True,) * (4 - len(s)) for s in settlements]
    col = lambda rows, n, t=np.int64: np.array([r[n] for r in rows], dtype=t)  # noqa: E731
    return Ledger(
        customers=np.arange(1, customers + 1, dtype=np.int64), currencies=currencies,
        inv_id=np.arange(1, len(inv) + 1, dtype=np.int64), inv_customer=col(inv, 0),
        inv_currency=np.array([currencies.index(i[1]) for i in inv], dtype=np.int64),
        inv_amount=col(inv, 2), inv_issue=col(inv, 3), inv_due=col(inv, 4),
        inv_suggested=col(inv, 5), set_invoice=col(st, 0), set_day=col(st, 1),
        set_amount=col(st, 2), set_cash=col(st, 3, bool),
    )


def converter(led: Ledger, usd: str = "0.9") -> Converter:
    rates = {"EUR": Rate(Decimal(1), None), "USD": Rate(Decimal(usd), T - dt.timedelta(days=1)),
             "CNY": Rate(Decimal("0.128"), T - dt.timedelta(days=1))}
    return Converter(led.currencies, rates, "EUR")
