"""Account resolution and statement checks of a statement import (helper of ``statements``).

Finds or creates the bank account a parsed statement belongs to (``--account`` names it
when the file does not, and must agree when it does), and checks that the opening
balance continues the account's previous closing, that opening plus booked lines reaches
the closing (exactly, on the file's amounts), and that lines are in the account's
currency. Each check gives a message; the caller makes it a warning, or an error when
the balance check is strict. Statements may carry any code
``recon.money.is_statement_currency`` accepts (withdrawn DEM, XXX); invoices stay strict.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from importers import ParsedStatement
from matching.refs import account_key
from recon import audit
from recon.errors import ServiceError
from recon.models import BankAccount, Statement
from recon.money import is_statement_currency, minor_units


class StatementImportError(ServiceError):
    """The file parsed, but cannot be stored as it is (account, currency, strict checks)."""

    def __init__(self, message: str, *, file: str, line: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.file, self.line, self.field, self.message = file, line, field, message

    def __str__(self) -> str:
        return f"{self.file}:{self.line or '-'}: {self.field or '-'}: {self.message}"


def _same(a: str, b: str) -> bool:
    return account_key(a) == account_key(b)


def resolve_account(session: Session, statement: ParsedStatement, *, file: str, actor: str,
                    account: str | None, currency: str | None) -> BankAccount:
    """The account of ``statement``, created on first sight."""
    named = statement.account_id
    if account and named and not _same(account, named):
        raise StatementImportError(f"the file names account {named!r}, --account says "
                                   f"{account!r}", file=file, field="account")
    key = (account or named or "").strip()
    if not key:
        raise StatementImportError("the statement names no account: pass --account",
                                   file=file, field="account")
    code = statement.currency or currency or _only_currency(session, key)
    if not code:
        raise StatementImportError("the file states no currency and the account has none: "
                                   "pass --currency", file=file, field="currency")
    if not is_statement_currency(code):
        raise StatementImportError(f"{code!r} is not a currency that can carry money",
                                   file=file, field="currency")
    found = session.scalar(select(BankAccount).where(BankAccount.account_key == key[:64],
                                                     BankAccount.currency == code))
    if found is None:
        found = BankAccount(account_key=key[:64], currency=code, bank_id=statement.bank_id)
        session.add(found)
        audit.record(session, actor=actor, action="bank_account.create", obj=found,
                     after={"account_key": found.account_key, "currency": code})
    return found


def _only_currency(session: Session, key: str) -> str | None:
    codes = session.scalars(select(BankAccount.currency).where(BankAccount.account_key == key))
    codes = list(codes)
    return codes[0] if len(codes) == 1 else None


def continuity(session: Session, account: BankAccount, statement: ParsedStatement,
               opening_minor: int | None) -> str | None:
    """A message when the opening balance does not continue the previous closing."""
    if opening_minor is None:
        return None
    query = select(Statement).where(Statement.bank_account_id == account.id,
                                    Statement.closing_minor.is_not(None))
    start = statement.opening_date or statement.period_start
    if start is not None:
        query = query.where(Statement.closing_date <= start)
    previous = session.scalar(query.order_by(Statement.closing_date.desc(),
                                             Statement.id.desc()).limit(1))
    if previous is None or previous.closing_minor == opening_minor:
        return None
    return (f"opening balance {statement.opening_balance} does not continue the previous "
            f"closing {previous.closing} of statement {previous.statement_ref or previous.id}")


def balance_gap(statement: ParsedStatement, currency: str) -> str | None:
    """A message when opening + booked lines != closing, computed on the exact file amounts
    (an investment statement's 4-decimal cash lines are posted rounded, not summed so)."""
    gap = statement.balance_gap()
    if not gap:
        return None
    units = gap.scaleb(minor_units(currency))
    off = int(units) if units == units.to_integral_value() else units.normalize()
    return (f"opening {statement.opening_balance} + booked lines != closing "
            f"{statement.closing_balance} (off by {off} minor units)")


def foreign_lines(statement: ParsedStatement, currency: str) -> str | None:
    """A message when lines are in another currency than the account's."""
    others = sorted({ln.currency for ln in statement.lines if ln.currency} - {currency})
    return f"lines in {', '.join(others)} in a {currency} account" if others else None
