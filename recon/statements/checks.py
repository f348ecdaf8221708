"""Account resolution and statement checks of a statement import (helper of ``statements``).

Finds or creates the bank account a parsed statement belongs to (``--account`` names it
when the file does not, and must agree when it does; the upload asks before creating one:
`unknown_accounts`, ``assign``), and checks that the opening
balance continues the account's previous closing, that opening plus booked lines reaches
the closing (exactly, on the file's amounts), and that lines are in the account's
currency. Each check gives a message; the caller makes it a warning, or an error when
the balance check is strict. Statements may carry any code
``recon.money.is_statement_currency`` accepts (withdrawn DEM, XXX); invoices stay strict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

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


class UnknownAccount(StatementImportError):
    """The file names bank accounts not stored yet, and the caller asked not to create them
    silently (the upload asks a person first). ``accounts``: one dict per account found
    (``key``, ``currency``, ``bank_id``)."""

    def __init__(self, accounts: list[dict[str, str | None]], *, file: str) -> None:
        names = ", ".join(f"{a['key']} ({a['currency']})" for a in accounts)
        super().__init__(f"new bank account(s) {names}: confirm or pick an existing one",
                         file=file, field="account")
        self.accounts = accounts


def resolve_account(session: Session, statement: ParsedStatement, *, file: str, actor: str,
                    account: str | None, currency: str | None,
                    assign: Mapping[str, int] | None = None) -> BankAccount:
    """The account of ``statement``, created on first sight; ``assign`` maps an account key the
    file names to an existing account (a person picked it), which must hold its currency."""
    key, code = _key_and_code(session, statement, file=file, account=account,
                              currency=currency)
    if assign and key in assign:
        chosen = session.get(BankAccount, assign[key])
        if chosen is None or (statement.currency and statement.currency != chosen.currency):
            raise StatementImportError(f"the account picked for {key!r} does not exist or is "
                                       f"not in {code}", file=file, field="account")
        return chosen
    found = session.scalar(select(BankAccount).where(BankAccount.account_key == key[:64],
                                                     BankAccount.currency == code))
    if found is None:
        found = BankAccount(account_key=key[:64], currency=code, bank_id=statement.bank_id)
        session.add(found)
        audit.record(session, actor=actor, action="bank_account.create", obj=found,
                     after={"account_key": found.account_key, "currency": code})
    return found


def unknown_accounts(session: Session, statements: Iterable[ParsedStatement], *, file: str,
                     account: str | None, currency: str | None,
                     assign: Mapping[str, int] | None = None) -> list[dict[str, str | None]]:
    """The accounts `resolve_account` would create for ``statements`` (none is written)."""
    out: dict[tuple[str, str], dict[str, str | None]] = {}
    for statement in statements:
        key, code = _key_and_code(session, statement, file=file, account=account,
                                  currency=currency)
        if (assign and key in assign) or (key, code) in out:
            continue
        if session.scalar(select(BankAccount.id).where(BankAccount.account_key == key[:64],
                                                       BankAccount.currency == code)) is None:
            out[key, code] = {"key": key[:64], "currency": code, "bank_id": statement.bank_id}
    return list(out.values())


def _key_and_code(session: Session, statement: ParsedStatement, *, file: str,
                  account: str | None, currency: str | None) -> tuple[str, str]:
    """The account key and currency of ``statement`` (``--account``/``--currency`` fill gaps)."""
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
    return key, code


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
