"""Column tables of one run (leaf layer): the inputs as numpy arrays of integers.

`prepare(data)` maps every invoice and receipt to integer minor units, day ordinals and small
integer codes (currency, customer, payer), so that blocking and scoring work on whole columns
instead of Python objects. Debits and zero amounts are kept out of the receipt table (they never
match invoices) and listed in `Tables.skipped`. Raises nothing beyond `check_input`'s errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from matching.model import Customer, ItemId, MatchInput, OpenInvoice, Receipt
from matching.names import NameForms, name_forms
from matching.settings import exponent


def to_minor(amount: Decimal, currency: str) -> int:
    """Exact integer minor units of a Decimal amount (half-even beyond the exponent)."""
    return int(amount.scaleb(exponent(currency)).to_integral_value())


@dataclass
class Tables:
    """Arrays over invoices (inv_*), receipts (rec_*), customers and distinct payer names."""

    invoices: tuple[OpenInvoice, ...]
    receipts: tuple[Receipt, ...]
    customers: list[Customer]
    currencies: list[str]
    inv_open: np.ndarray
    inv_cur: np.ndarray
    inv_issue: np.ndarray
    inv_cust: np.ndarray
    rec_amount: np.ndarray
    rec_cur: np.ndarray
    rec_date: np.ndarray
    rec_payer: np.ndarray
    payer_forms: list[NameForms]
    payer_count: np.ndarray
    skipped: tuple[ItemId, ...]

    @property
    def n_inv(self) -> int:
        return len(self.invoices)

    @property
    def n_rec(self) -> int:
        return len(self.receipts)


def _customers(data: MatchInput) -> tuple[list[Customer], dict[ItemId, int]]:
    customers = list(data.customers)
    index = {c.id: k for k, c in enumerate(customers)}
    for inv in data.invoices:  # invoices of customers we were not told about: nameless
        if inv.customer_id not in index:
            index[inv.customer_id] = len(customers)
            customers.append(Customer(inv.customer_id, ""))
    return customers, index


def prepare(data: MatchInput) -> Tables:
    """Build the column tables of one run."""
    customers, cust_index = _customers(data)
    currencies: dict[str, int] = {}

    def cur(code: str) -> int:
        return currencies.setdefault(code.upper(), len(currencies))

    invoices = tuple(i for i in data.invoices if i.open_amount > 0)
    receipts = tuple(r for r in data.receipts if r.amount > 0)
    skipped = tuple(r.id for r in data.receipts if r.amount <= 0)
    payers: dict[str, int] = {}
    rec_payer = [payers.setdefault(r.payer_name.strip(), len(payers)) for r in receipts]
    payer_forms = [name_forms(p) for p in payers]
    inv_cur = np.array([cur(i.currency) for i in invoices], np.int32)
    rec_cur = np.array([cur(r.currency) for r in receipts], np.int32)
    return Tables(
        invoices=invoices,
        receipts=receipts,
        customers=customers,
        currencies=list(currencies),
        inv_open=np.array([to_minor(i.open_amount, i.currency) for i in invoices], np.int64),
        inv_cur=inv_cur,
        inv_issue=np.array([i.issue_date.toordinal() for i in invoices], np.int32),
        inv_cust=np.array([cust_index[i.customer_id] for i in invoices], np.int32),
        rec_amount=np.array([to_minor(r.amount, r.currency) for r in receipts], np.int64),
        rec_cur=rec_cur,
        rec_date=np.array([r.booking_date.toordinal() for r in receipts], np.int32),
        rec_payer=np.array(rec_payer, np.int32),
        payer_forms=payer_forms,
        payer_count=np.bincount(np.array(rec_payer, np.int64), minlength=len(payers)),
        skipped=skipped,
    )
