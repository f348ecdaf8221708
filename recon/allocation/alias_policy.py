"""Which payer names may be learned as a customer's alias (service layer, reads only).

A learned alias makes the matcher trust a payer name for a customer, so one wrong alias
misdirects every later payment from that payer. A name is learned only when it is *specific*:
not generic text banks put in when they do not know the payer ("UNKNOWN REMITTER 88213",
"CASH", 现金), not a bank's own name, and not a payer already seen paying another customer
(a group treasury or a payment agent). ``refusal`` says why a name is refused (None when it may
be learned); ``offers`` lists, for a person's hand matches, the "Remember <payer> =
<customer>?" questions the receipt page asks instead of learning silently; ``accept_offer``
learns one when the person says yes. Keys come from ``recon.allocation.aliases.alias_key`` (the
matcher's normaliser), never a normaliser of our own. Raises ``InvariantError`` for an offer
that no longer holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from recon.allocation.aliases import alias_key, remember_alias
from recon.errors import InvariantError
from recon.models import (
    ACTIVE_STATUSES,
    Allocation,
    BankAccount,
    Customer,
    CustomerAlias,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
)

__all__ = ["AliasOffer", "accept_offer", "offers", "payer_of", "refusal"]

# Words that say nothing about who paid (alias keys are case-folded by ``alias_key``).
GENERIC_WORDS = frozenset({
    "unknown", "remitter", "remitters", "payer", "payor", "sender", "ordering", "customer",
    "client", "cash", "deposit", "deposits", "counter", "atm", "branch", "transfer", "payment",
    "payments", "credit", "incoming", "inward", "remittance", "na", "n", "a", "none", "null",
    "not", "provided", "notprovided", "various", "misc", "sundry", "cheque", "check", "pos",
    "giro", "sepa", "swift", "wire", "ref", "reference", "from", "by", "the", "of",
})  # fmt: skip
GENERIC_CJK = ("未知", "汇款人", "付款人", "现金", "存款", "转账", "汇款", "付款", "货款", "客户")
BANK_WORDS = ("bank", "banque", "banco", "banca", "sparkasse", "bancorp", "银行", "信用社")


@dataclass(frozen=True)
class AliasOffer:
    """"Remember <payer> = <customer>?" for a hand match whose payer is not the customer's name."""

    match_id: int
    payer: str
    customer_id: int
    customer_name: str


def _meaningful(key: str) -> list[str]:
    out = []
    for token in key.split():
        for phrase in GENERIC_CJK:
            token = token.replace(phrase, "")
        if token and token not in GENERIC_WORDS and not any(ch.isdigit() for ch in token):
            out.append(token)
    return out


def _is_bank(session: Session, key: str) -> bool:
    if any(word in key for word in BANK_WORDS):
        return True
    names = session.scalars(sa.select(BankAccount.name).where(BankAccount.name.is_not(None)))
    return any(alias_key(n) == key for n in names if n)


def _other_customers(session: Session, payer: str, key: str, customer_id: int) -> bool:
    """Another customer already has this payer as a positive alias, or got paid by it."""
    learned = sa.select(CustomerAlias.id).where(
        CustomerAlias.alias_key == key, CustomerAlias.polarity == "positive",
        CustomerAlias.customer_id != customer_id)
    if session.scalar(learned.limit(1)) is not None:
        return True
    name = payer.strip().lower()
    paid = (
        sa.select(Match.id)
        .join(Allocation, Allocation.match_id == Match.id)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .outerjoin(StatementLine, StatementLine.id == Match.statement_line_id)
        .outerjoin(GatewayTransaction, GatewayTransaction.id == Match.gateway_txn_id)
        .where(Match.status.in_(ACTIVE_STATUSES), Invoice.customer_id != customer_id,
               sa.or_(sa.func.lower(StatementLine.counterparty_name) == name,
                      sa.func.lower(GatewayTransaction.payer_hint) == name))
    )  # fmt: skip
    return session.scalar(paid.limit(1)) is not None


def refusal(session: Session, payer: str | None, customer_id: int, *,
            polarity: str = "positive") -> str | None:
    """Why ``payer`` must not be learned for the customer (None: it may be)."""
    key = alias_key(payer or "")
    if not key or not _meaningful(key):
        return "generic payer text"
    if _is_bank(session, key):
        return "a bank's name, not the payer's"
    if polarity == "positive" and _other_customers(session, payer or "", key, customer_id):
        return "this payer also pays other customers"
    return None


def payer_of(receipt: StatementLine | GatewayTransaction) -> str | None:
    """The payer name a receipt carries."""
    if isinstance(receipt, StatementLine):
        return receipt.counterparty_name
    return receipt.payer_hint


def offers(session: Session, matches: Sequence[Match]) -> list[AliasOffer]:
    """The questions to ask for a receipt's confirmed hand matches (none for machine ones)."""
    out = []
    for match in matches:
        if match.status not in ACTIVE_STATUSES or match.origin != "manual":
            continue
        receipt = match.statement_line or match.gateway_txn
        payer = payer_of(receipt) if receipt is not None else None
        for customer in _customers(session, match):
            if _should_offer(session, payer, customer):
                out.append(AliasOffer(match.id, payer or "", customer.id, customer.name))
    return out


def _customers(session: Session, match: Match) -> list[Customer]:
    ids = {a.invoice.customer_id for a in match.allocations}
    return list(session.scalars(sa.select(Customer).where(Customer.id.in_(ids))))


def _should_offer(session: Session, payer: str | None, customer: Customer) -> bool:
    key = alias_key(payer or "")
    if not key or key == alias_key(customer.name):
        return False
    known = session.scalar(sa.select(CustomerAlias.id).where(
        CustomerAlias.customer_id == customer.id, CustomerAlias.alias_key == key[:255]))
    return known is None and refusal(session, payer, customer.id) is None


def accept_offer(session: Session, match_id: int, customer_id: int, *, actor: str
                 ) -> CustomerAlias:
    """The person said yes: learn the payer of hand match ``match_id`` for the customer."""
    match = session.get(Match, match_id)
    offer = next((o for o in offers(session, [match]) if o.customer_id == customer_id),
                 None) if match is not None else None
    if offer is None:
        raise InvariantError("there is nothing to remember for this match any more",
                             code="nothing_to_remember")
    row = remember_alias(session, customer_id=customer_id, payer_name=offer.payer,
                         polarity="positive", actor=actor, source="person")
    if row is None:  # pragma: no cover - an offer always has a payer
        raise InvariantError("the payer name is empty", code="payer_missing")
    row.extra = {"match_id": match_id}
    return row
