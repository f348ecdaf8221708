"""Open invoices and bank lines of a matching run as the engine's dataclasses (read-only).

A run reads every open invoice and line (100k+ of each). Read through SQLAlchemy's types, each
row's dates and JSON are parsed anew and each amount gets its own Decimal: most of the load's
time, and objects the engine's input holds while it runs. Here the columns come as the driver
gives them and `Shared` converts each distinct value once, through the column type's own result
processor (the same values), and hands out the one object for equal values. Raises nothing of
its own.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

import matching as m
from recon.db.conversions import converter, raw
from recon.models import OPEN_INVOICE_STATUSES, Invoice, StatementLine
from recon.money import from_minor

__all__ = ["LINE", "Shared", "open_invoices", "open_lines"]

LINE = "line"  # receipt ids handed to the engine are (LINE, id) or ("txn", id)
_ORDER_KEYS = ("order_ref", "order_refs", "po_number", "order_no", "out_trade_no")


class Shared:
    """One converted object per distinct value: amounts, dates, JSON texts."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._money: dict[tuple[int, str], Decimal] = {}

    def money(self, minor: int, currency: str) -> Decimal:
        key = (minor, currency)
        value = self._money.get(key)
        if value is None:
            value = self._money[key] = from_minor(minor, currency)
        return value

    def converter(self, column: Any) -> Callable[[Any], Any]:
        """Converts a raw value of `column` as its type would (once per distinct text)."""
        return converter(column, self.dialect)


def _order_refs(meta: dict[str, Any] | None) -> tuple[str, ...]:
    refs: list[str] = []
    if not meta:
        return ()
    for key in _ORDER_KEYS:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            refs.append(value.strip())
        elif isinstance(value, list):
            refs.extend(str(v) for v in value if v)
    return tuple(refs)


def open_invoices(session: Session, shared: Shared) -> list[m.OpenInvoice]:
    """Open invoices with money owed, in id order."""
    t = Invoice.__table__.c
    stmt = select(
        t.id, t.invoice_no, t.customer_id, t.amount_minor, t.paid_minor, t.adjusted_minor,
        t.currency, raw(t.issue_date), raw(t.due_date), raw(t.meta),
    ).where(t.status.in_(OPEN_INVOICE_STATUSES)).order_by(t.id)  # fmt: skip
    day, meta_of, money = shared.converter(t.issue_date), shared.converter(t.meta), shared.money
    invoice = m.OpenInvoice
    out = []
    for inv_id, no, cust, amount, paid, adjusted, cur, issued, due, meta in (
        session.connection().execute(stmt).all()
    ):
        open_minor = amount - paid - adjusted
        if open_minor > 0:
            out.append(invoice(
                inv_id, no, cust, money(open_minor, cur), cur, day(issued),
                None if due is None else day(due), money(amount, cur),
                _order_refs(meta_of(meta)),
            ))  # fmt: skip
    return out


LINE_COLUMNS = ("id", "amount_minor", "allocated_minor", "currency", "booking_date",
                "value_date", "counterparty_name", "counterparty_account", "remittance", "refs",
                "end_to_end_id", "creditor_ref", "bank_ref", "bank_tx_code")  # fmt: skip
_CONVERTED = frozenset({"booking_date", "value_date", "refs"})


def open_lines(session: Session, shared: Shared, where: Any) -> list[tuple[Any, ...]]:
    """Lines matching `where`, in id order: tuples in `LINE_COLUMNS` order, dates and refs
    converted."""
    t = StatementLine.__table__.c
    cols = [raw(t[c]) if c in _CONVERTED else t[c] for c in LINE_COLUMNS]
    stmt = select(*cols).where(where).order_by(t.id)  # the same order every run: ties alike
    day, refs_of = shared.converter(t.booking_date), shared.converter(t.refs)
    return [
        (lid, amount, allocated, cur, day(booked), None if valued is None else day(valued),
         name, account, remittance, refs_of(refs), e2e, cref, bank_ref, tx_code)
        for (lid, amount, allocated, cur, booked, valued, name, account, remittance, refs, e2e,
             cref, bank_ref, tx_code) in session.connection().execute(stmt).all()
    ]  # fmt: skip


def line_receipt(line: tuple[Any, ...], shared: Shared) -> m.Receipt:
    (lid, amount, allocated, cur, booked, valued, name, account, remittance, refs, e2e, cref,
     _bank_ref, tx_code) = line  # fmt: skip
    found = [r for r in (e2e, cref) if r and r != "NOTPROVIDED"]
    behalf = ""
    for r in refs or ():  # stored as [kind, value] (recon.statements.imports)
        if isinstance(r, str):
            found.append(r)
        elif isinstance(r, list) and len(r) == 2 and r[1]:
            if r[0] == "invoice":  # camt Strd/RfrdDocInf/Nb: a number filed as such
                found.append(str(r[1]))
            elif r[0] == "Ultimate" and not behalf:  # camt UltmtDbtr: who an agent pays for
                behalf = str(r[1])
    return m.Receipt(
        (LINE, lid), shared.money(abs(amount) - allocated, cur), cur, booked, name or "",
        remittance or "", tuple(found), "bank", account or "", tx_code or "", valued, behalf,
    )  # fmt: skip
