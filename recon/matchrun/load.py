"""Load the open items of a matching run and map ORM rows to `matching` dataclasses.

Read-only. Open invoices (open or partial, money still owed), receipts still available (booked
bank credits and succeeded gateway charges with money unapplied, no automatic match, no
disposition, not a deposit already paired with a payout; a receipt a person matched in part
is offered with its unapplied rest as the amount), customers with their learned aliases
(positive -> `aliases`, negative -> `rejected`) and the payer accounts people confirmed for
them (-> `accounts`), pairs people rejected or undid, numbers of paid invoices, what people
decided about earlier proposals (feedback.py: the engine learns its weights from it), and the
payout stage's payouts and deposits. Returns a `Loaded` bundle with the id maps recon needs to apply
the engine's proposals. Raises nothing of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

import matching as m
from recon.matchrun.columns import LINE, Shared, line_receipt, open_invoices, open_lines
from recon.matchrun.feedback import REFUSED_STATUSES, load_feedback
from recon.models import (
    ACTIVE_STATUSES,
    SETTLED_CHARGE_STATUSES,
    Allocation,
    Customer,
    CustomerAlias,
    CustomerBankAccount,
    GatewayTransaction,
    Invoice,
    Match,
    StatementLine,
)
from recon.money import from_minor

TXN = "txn"  # receipt ids handed to the engine are (LINE, id) or (TXN, id)


@dataclass
class Loaded:
    """The engine's input plus the rows behind it."""

    data: m.MatchInput
    # currency of each open line (not the rows themselves: they are let go after loading)
    line_currency: dict[int, str] = field(default_factory=dict)
    txns: dict[int, GatewayTransaction] = field(default_factory=dict)
    payouts: list[m.GatewayPayout] = field(default_factory=list)
    deposits: list[m.BankDeposit] = field(default_factory=list)


def _active_match(column: Any, kind: str | None = None) -> Any:
    cond = (Match.status.in_(ACTIVE_STATUSES)) & (column.is_not(None))
    if kind:
        cond &= Match.kind == kind
    return exists().where(cond)


def _no_machine_match(column: Any) -> Any:
    """No active match of the matcher (``auto``) and no pairing with a payout.

    A person's ``manual`` match of part of a receipt leaves its unapplied rest matchable;
    the rest of an automatic match (an overpayment) is unapplied cash, not matched again.
    """
    return ~exists().where(
        column,
        Match.status.in_(ACTIVE_STATUSES),
        (Match.status == "auto") | (Match.kind == "payout_deposit"),
    )


def _open_line(t: Any) -> Any:
    """Booked credits with money unapplied, no automatic match and no disposition."""
    return and_(
        t.amount_minor > 0, t.status == "booked", t.allocated_minor < t.amount_minor,
        t.disposition.is_(None), _no_machine_match(Match.statement_line_id == t.id),
    )  # fmt: skip


def open_charges(session: Session) -> list[GatewayTransaction]:
    """Succeeded gateway charges with money unapplied and no automatic match."""
    stmt = select(GatewayTransaction).where(
        GatewayTransaction.kind == "charge",
        GatewayTransaction.status.in_(SETTLED_CHARGE_STATUSES),
        GatewayTransaction.allocated_minor < func.abs(GatewayTransaction.gross_minor),
        _no_machine_match(Match.gateway_txn_id == GatewayTransaction.id),
    )
    return list(session.scalars(stmt))


def _charge_receipt(txn: GatewayTransaction) -> m.Receipt:
    refs = tuple(r for r in (txn.order_ref, txn.gateway_id) if r)
    return m.Receipt(
        id=(TXN, txn.id),
        amount=from_minor(abs(txn.gross_minor) - txn.allocated_minor, txn.currency),
        currency=txn.currency, booking_date=txn.occurred_at.date(),
        payer_name=txn.payer_hint or "", remittance="", refs=refs, channel=txn.gateway,
    )  # fmt: skip


def payer_accounts(session: Session) -> dict[int, list[str]]:
    """Payer accounts people confirmed for exactly one customer, and those registered on the
    customer page: customer id -> accounts.

    Taught by `manual` matches (a person's decision, never the matcher's own `auto` ones, so a
    wrong automatic match cannot teach itself); an account confirmed for several customers (a
    payment agent, a group treasury) names none of them. Normalised like the engine compares
    them: no spaces, upper case.
    """
    acct = func.upper(func.replace(StatementLine.counterparty_account, " ", ""))
    stmt = (
        select(acct, func.min(Invoice.customer_id))
        .select_from(Match)
        .join(StatementLine, Match.statement_line_id == StatementLine.id)
        .join(Allocation, Allocation.match_id == Match.id)
        .join(Invoice, Allocation.invoice_id == Invoice.id)
        .where(Match.status == "manual")
        .where(func.coalesce(StatementLine.counterparty_account, "") != "")
        .group_by(acct)
        .having(func.count(func.distinct(Invoice.customer_id)) == 1)
    )
    out: dict[int, list[str]] = {}
    for account, customer_id in session.execute(stmt):
        out.setdefault(customer_id, []).append(account)
    registered = select(CustomerBankAccount.customer_id, CustomerBankAccount.account_key)
    for customer_id, account in session.execute(registered):  # the customer master's (unique)
        if account not in out.get(customer_id, []):
            out.setdefault(customer_id, []).append(account)
    return out


def customers(session: Session, ids: set[int]) -> list[m.Customer]:
    accounts = payer_accounts(session)
    aliases: dict[int, dict[str, list[str]]] = {}
    stmt = select(CustomerAlias.customer_id, CustomerAlias.polarity, CustomerAlias.alias)
    for cust_id, polarity, alias in session.execute(stmt):
        if cust_id in ids:
            aliases.setdefault(cust_id, {}).setdefault(polarity, []).append(alias)
    out = []
    for cust_id, name, meta in session.execute(select(Customer.id, Customer.name, Customer.meta)):
        if cust_id not in ids:
            continue
        other = (meta or {}).get("other_names") or []
        learned = aliases.get(cust_id, {})
        out.append(m.Customer(
            cust_id, name, tuple(str(o) for o in other),
            aliases=tuple(learned.get("positive", ())), rejected=tuple(learned.get("negative", ())),
            accounts=tuple(accounts.get(cust_id, ())),
        ))  # fmt: skip
    return out




def rejected_pairs(session: Session) -> frozenset[tuple[Any, int]]:
    """Receipt-invoice pairs a person turned down: a rejected suggestion or an undone match.

    The matcher never proposes them again; a person can still match them by hand.
    """
    stmt = (
        select(Match.statement_line_id, Match.gateway_txn_id, Allocation.invoice_id)
        .join(Allocation, Allocation.match_id == Match.id)
        .where(Match.status.in_(REFUSED_STATUSES))
    )
    return frozenset(
        ((LINE, line) if line is not None else (TXN, txn), inv)
        for line, txn, inv in session.execute(stmt)
    )


def paid_numbers(session: Session) -> frozenset[str]:
    return frozenset(session.scalars(select(Invoice.invoice_no).where(Invoice.status == "paid")))


def payouts_and_deposits(
    session: Session, lines: list[Any]
) -> tuple[list[m.GatewayPayout], list[m.BankDeposit]]:
    stmt = select(GatewayTransaction).where(
        GatewayTransaction.kind == "payout",
        ~exists().where(
            Match.gateway_txn_id == GatewayTransaction.id, Match.status.in_(ACTIVE_STATUSES)
        ),
    )
    payouts = [
        m.GatewayPayout(
            id=p.id,
            gateway=p.gateway,
            amount=from_minor(abs(p.net_minor), p.currency),
            currency=p.currency,
            arrival_date=_arrival(p),
            reference=p.payout_id or p.gateway_id,
            trace_id=str((p.raw or {}).get("trace_id") or ""),
        )
        for p in session.scalars(stmt)
    ]
    if not payouts:  # nothing to pair: no deposit objects for every line
        return payouts, []
    deposits = [
        m.BankDeposit(
            id=lid, amount=from_minor(amount, cur), currency=cur, booking_date=booked,
            payer_name=name or "", remittance=remittance or "",
            refs=tuple(r for r in (e2e, bank_ref) if r),
        )
        for (lid, amount, allocated, cur, booked, _valued, name, _account, remittance, _refs,
             e2e, _cref, bank_ref, _code) in lines
        if allocated == 0  # a deposit is paired whole, never its rest
    ]  # fmt: skip
    return payouts, deposits


def _arrival(payout: GatewayTransaction) -> dt.date:
    raw = (payout.raw or {}).get("arrival_date")
    if isinstance(raw, int | float):
        return dt.datetime.fromtimestamp(raw, dt.UTC).date()
    if isinstance(raw, str) and len(raw) >= 10:
        return dt.date.fromisoformat(raw[:10])
    return payout.occurred_at.date()


def load(session: Session) -> Loaded:
    """Everything one run needs, read in a handful of queries."""
    if session.autoflush:  # as the ORM queries this used to start with did
        session.flush()
    shared = Shared(session.get_bind().dialect)
    invoices = open_invoices(session, shared)
    lines = open_lines(session, shared, _open_line(StatementLine.__table__.c))
    charges = open_charges(session)
    receipts = [line_receipt(x, shared) for x in lines] + [_charge_receipt(x) for x in charges]
    data = m.MatchInput(
        invoices=tuple(invoices), receipts=tuple(receipts),
        customers=tuple(customers(session, {i.customer_id for i in invoices})),
        rejected_pairs=rejected_pairs(session), settled_invoice_numbers=paid_numbers(session),
        feedback=load_feedback(session),
    )  # fmt: skip
    payouts, deposits = payouts_and_deposits(session, lines)
    currency = {x[0]: x[3] for x in lines}  # columns.LINE_COLUMNS: id, currency
    return Loaded(data, currency, {x.id: x for x in charges}, payouts, deposits)
