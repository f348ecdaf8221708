"""Column tables of one run (leaf layer): the inputs as numpy arrays of integers.

`prepare(data)` maps every invoice and receipt to integer minor units, day ordinals and small
integer codes (currency, customer, payer), so that blocking and scoring work on whole columns
instead of Python objects; what is left of a payment text without its numbers is kept as a
possible name (`rec_text`). Debits and zero amounts are kept out of the receipt table (they never
match invoices) and listed in `Tables.skipped`. Raises nothing beyond `check_input`'s errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from matching.model import Customer, ItemId, MatchInput, OpenInvoice, Receipt
from matching.names import NameForms, name_forms
from matching.settings import exponent

# A word with 4+ digits is a number, unless it starts with a Chinese character: then the digits
# belong to a name ("FOR 华为实业1072(深圳)有限公司"); brackets stay for the region in them.
_NUMBERISH = re.compile(r"(?<!\S)(?![\u3400-\u9fff])\S*[0-9]{4,}\S*|[^\w\s()（）\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Words of payment texts that are no part of a name ("FOR ACME GMBH", "代付 上海...").
_REMITTANCE_WORDS = frozenset(
    [
        "for",
        "on",
        "behalf",
        "of",
        "payment",
        "pay",
        "paid",
        "zahlung",
        "für",
        "fuer",
        "im",
        "auftrag",
        "von",
        "i.a.",
        "via",
        "order",
        "agent",
        "inv",
        "invoice",
        "invoices",
        "rechnung",
        "rg",
        "ref",
        "re",
        "thanks",
        "thank",
        "you",
        "danke",
        "transfer",
    ]
)
_CJK_WORDS = re.compile(r"代付|代收|付款|货款|支付|发票号?|转账")


def text_name(remittance: str, payer: str = "") -> str:
    """What is left of a payment text without its numbers and its payer: maybe a name ("FOR
    ACME GMBH").

    An agent or a group treasury paying for a customer often writes the customer's name in
    the text; it is compared with the customers like a payer name. Banks that have one
    description field (OFX NAME + MEMO, some CSV exports) repeat the payer in the text, so the
    payer's own name is taken out first. '' when too little is left.
    """
    payer = payer.strip()
    if len(payer) >= 4 and payer.casefold() in remittance.casefold():
        remittance = re.compile(re.escape(payer), re.IGNORECASE).sub(" ", remittance, count=1)
    words = _NUMBERISH.sub(" ", remittance).split()
    left = " ".join(w for w in words if w.casefold() not in _REMITTANCE_WORDS)
    left = _CJK_WORDS.sub("", left).strip()
    letters = sum(c.isalpha() for c in left)
    return left if letters >= 8 or len(_CJK.findall(left)) >= 4 else ""


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
    rec_text: np.ndarray  # payer-form index of a name written in the text, -1 when none
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
    texts = [r.on_behalf_of.strip() or text_name(r.remittance, r.payer_name) for r in receipts]
    rec_text = [payers.setdefault(x, len(payers)) if x else -1 for x in texts]
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
        rec_text=np.array(rec_text, np.int64),
        payer_count=np.bincount(np.array(rec_payer, np.int64), minlength=len(payers)),
        skipped=skipped,
    )
