"""Boundary dataclasses of the matching engine (leaf layer: plain data, no I/O).

Inputs: `OpenInvoice`, `Receipt`, `Customer`, `GatewayPayout`, `BankDeposit`, bundled in
`MatchInput`. Outputs: `Proposal` (allocations, adjustments, unapplied rest, confidence,
reasons, alternatives), `PayoutProposal` and `MatchResult`. All frozen, with slots (a run holds
hundreds of thousands of them: no dict each); money is `Decimal` in the currency of the record.
`check_input` raises `InvalidInput` on contract breaks.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from matching.errors import InvalidInput

if TYPE_CHECKING:  # only named in an annotation; learn.py loads numpy
    from matching.learn import Feedback

ItemId = Hashable
Status = Literal["auto", "suggested"]
Kind = Literal["single", "subset", "partial", "overpayment", "fee_gap", "fx", "group"]


@dataclass(frozen=True, slots=True)
class OpenInvoice:
    """An invoice with money still owed. `open_amount` may be below `total` after partials."""

    id: ItemId
    number: str
    customer_id: ItemId
    open_amount: Decimal
    currency: str
    issue_date: date
    due_date: date | None = None
    total: Decimal | None = None
    order_refs: tuple[str, ...] = ()  # shop order / PO / gateway out_trade_no for this invoice


@dataclass(frozen=True, slots=True)
class Receipt:
    """Money in: a bank credit or a gateway charge. Negative `amount` is a debit."""

    id: ItemId
    amount: Decimal
    currency: str
    booking_date: date
    payer_name: str = ""
    remittance: str = ""
    refs: tuple[str, ...] = ()  # structured refs: EndToEndId, CdtrRefInf, order ids
    channel: str = "bank"  # "bank", "swift", "sepa", "stripe", "alipay", "wechat", ...
    payer_account: str = ""  # IBAN / account number of the payer when the bank gives it
    tx_code: str = ""  # bank transaction code (camt BkTxCd, BAI2 type) when known
    value_date: date | None = None
    on_behalf_of: str = ""  # the ultimate debtor an agent pays for (camt UltmtDbtr), if given


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer with the names it is known by and what people taught the matcher."""

    id: ItemId
    name: str
    other_names: tuple[str, ...] = ()  # e.g. the English name of a Chinese company
    aliases: tuple[str, ...] = ()  # payer names confirmed for this customer
    accounts: tuple[str, ...] = ()  # payer accounts (IBAN) confirmed for this customer
    rejected: tuple[str, ...] = ()  # payer names rejected for this customer (negative aliases)


@dataclass(frozen=True, slots=True)
class GatewayPayout:
    """A gateway payout (Stripe po_..., Alipay/WeChat settlement) expected at the bank."""

    id: ItemId
    gateway: str
    amount: Decimal  # net amount paid out, payout currency
    currency: str
    arrival_date: date
    reference: str = ""  # payout id, trace id or statement descriptor
    trace_id: str = ""


@dataclass(frozen=True, slots=True)
class BankDeposit:
    """A bank credit that may be a gateway payout."""

    id: ItemId
    amount: Decimal
    currency: str
    booking_date: date
    payer_name: str = ""
    remittance: str = ""
    refs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MatchInput:
    """Everything one run looks at; `rejected_pairs` = (receipt id, invoice id) refused."""

    invoices: tuple[OpenInvoice, ...]
    receipts: tuple[Receipt, ...]
    customers: tuple[Customer, ...] = ()
    rejected_pairs: frozenset[tuple[ItemId, ItemId]] = frozenset()
    settled_invoice_numbers: frozenset[str] = frozenset()  # numbers of already paid invoices
    feedback: Feedback | None = None  # levels of pairs people confirmed / refused (learn.py)


@dataclass(frozen=True, slots=True)
class Reason:
    """One feature's evidence: its level, its weight (log2 odds) and a sentence for people."""

    feature: str
    level: str
    weight: float
    detail: str


@dataclass(frozen=True, slots=True)
class Allocation:
    """Money of a receipt applied to one invoice, in the invoice currency.

    With a fee or FX adjustment the allocation is what the receipt brings; the adjustment on the
    same invoice makes up the rest (985.00 applied + 15.00 bank fee closes a 1000.00 invoice).
    """

    invoice_id: ItemId
    amount: Decimal
    receipt_amount: Decimal | None = None  # in the receipt currency when it differs (FX)


@dataclass(frozen=True, slots=True)
class Adjustment:
    """What closes an invoice beside the money: a bank fee or an FX difference."""

    invoice_id: ItemId
    kind: Literal["bank_fee", "fx_difference"]
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another reading of the same receipt, shown next to the proposal."""

    allocations: tuple[Allocation, ...]
    confidence: float
    label: str


@dataclass(frozen=True, slots=True)
class Proposal:
    """What the engine proposes for one receipt. Reasons add up to `score` (log2 odds)."""

    receipt_id: ItemId
    allocations: tuple[Allocation, ...]
    adjustments: tuple[Adjustment, ...]
    unapplied: Decimal
    score: float
    confidence: float
    status: Status
    reasons: tuple[Reason, ...]
    alternatives: tuple[Alternative, ...] = ()
    kind: Kind = "single"  # which reading of the receipt this is (see proposals.py)
    # what ties it to the customer: "reference_or_payer", "amount_only", or "contradicted"
    # (the text names another open or an already paid invoice); see calibration.py
    evidence: str = "reference_or_payer"

    @property
    def invoice_ids(self) -> tuple[ItemId, ...]:
        return tuple(a.invoice_id for a in self.allocations)


@dataclass(frozen=True, slots=True)
class PayoutProposal:
    """A gateway payout paired with the bank deposit that carries it."""

    payout_id: ItemId
    deposit_id: ItemId
    score: float
    confidence: float
    status: Status
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class MatchResult:
    """The run's output: one proposal per matched receipt, the rest listed as unmatched."""

    proposals: tuple[Proposal, ...]
    unmatched: tuple[ItemId, ...]
    stats: dict[str, int] = field(default_factory=dict)

    def by_receipt(self) -> dict[ItemId, Proposal]:
        return {p.receipt_id: p for p in self.proposals}


def _check_money(value: object, item: object, name: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidInput("money must be a finite Decimal", item=item, field=name)


def _check_currency(value: object, item: object) -> None:
    if not (isinstance(value, str) and len(value) == 3 and value.isalpha()):
        raise InvalidInput("currency must be a 3-letter ISO code", item=item, field="currency")


def check_input(data: MatchInput) -> None:
    """Raise `InvalidInput` for the first record that breaks the contract."""
    for inv in data.invoices:
        _check_money(inv.open_amount, inv.id, "open_amount")
        _check_currency(inv.currency, inv.id)
    for rec in data.receipts:
        _check_money(rec.amount, rec.id, "amount")
        _check_currency(rec.currency, rec.id)
