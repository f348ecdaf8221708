"""Import bank statement files (service: a ``Source`` in, rows and an ``ImportReport`` out).

``import_statement`` parses the file with :mod:`importers`, resolves each statement's
bank account, checks balances and currency, skips lines the account already holds
(see :mod:`recon.statements.keys`), bulk-inserts the new ones, flags possible
duplicates instead of dropping them, and records the import (file hash, format, who,
when, counts, warnings) with an audit event. It never commits: the caller frames one
transaction per file, so a refused file writes nothing. Raises ``ImportFailure`` (the
file) or ``StatementImportError`` (account, currency, strict balance checks, and any value the
database still refuses, as a ``DataError``: named by file, never a traceback).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from importers import Limits, Source, parse_source, paused_gc
from recon import audit
from recon.models import BankAccount, Statement, StatementImport
from recon.statements.checks import StatementImportError, UnknownAccount, unknown_accounts
from recon.statements.store import ImportReport, Progress, StoreOptions, store_statement

__all__ = [
    "ImportReport",
    "NewAccounts",
    "Progress",
    "StatementImportError",
    "UnknownAccount",
    "import_statement",
    "list_statements",
]


def import_statement(session: Session, source: Source, *, actor: str, account: str | None = None,
                     fmt: str = "auto", currency: str | None = None, strict: bool = False,
                     limits: Limits | None = None, progress: Progress | None = None,
                     accounts: NewAccounts | None = None) -> ImportReport:
    """Import every statement of ``source`` in the caller's transaction.

    ``accounts`` (the upload): raise `UnknownAccount` before writing anything when the file
    names an account not stored yet, unless ``accounts.create``; ``accounts.assign`` maps such a
    key to an existing account. Without it (CLI, inbox) new accounts are created as found.
    """
    try:
        with paused_gc():  # ~10 objects a line, none cyclic: see ``importers.base.paused_gc``
            return _import(session, source, actor=actor, account=account, fmt=fmt,
                           currency=currency, strict=strict, limits=limits, progress=progress,
                           accounts=accounts)
    except DataError as exc:  # the caller's transaction rolls back: nothing is written
        raise StatementImportError(f"the database refused a value: {str(exc.orig)[:160]}",
                                   file=source.filename) from None


def _import(session: Session, source: Source, *, actor: str, account: str | None, fmt: str,
            currency: str | None, strict: bool, limits: Limits | None,
            progress: Progress | None, accounts: NewAccounts | None) -> ImportReport:
    sha = hashlib.sha256(source.data).hexdigest()
    if (earlier := _identical_import(session, sha, account)) is not None:
        return _repeat(session, source, earlier, actor)
    parsed = parse_source(source, fmt, limits=limits)
    assign = accounts.assign if accounts else {}
    if accounts is not None and not accounts.create and (new := unknown_accounts(
            session, parsed.statements, file=source.filename, account=account,
            currency=currency, assign=assign)):
        raise UnknownAccount(new, file=source.filename)
    report = ImportReport(source.filename, sha, parsed.format, warnings=list(parsed.warnings))
    record = StatementImport(file_name=source.filename[-255:], file_sha256=report.file_sha256,
                             format=parsed.format[:32], actor=actor, warnings=[])
    session.add(record)
    session.flush()
    options = StoreOptions(actor, account, currency, strict, progress, {}, {}, assign)
    for statement in parsed.statements:
        store_statement(session, parsed, statement, record, report, options)
    _finish(session, record, report, actor)
    return report


@dataclass(frozen=True)
class NewAccounts:
    """How an upload treats accounts not stored yet: ask (the default), or what was decided."""

    create: bool = False
    assign: Mapping[str, int] = field(default_factory=dict)


def _identical_import(session: Session, sha: str, account: str | None) -> StatementImport | None:
    """An earlier import of these very bytes that stored statements (for the same account)."""
    query = (select(StatementImport).join(Statement, Statement.import_id == StatementImport.id)
             .where(StatementImport.file_sha256 == sha).order_by(StatementImport.id).limit(1))
    if account:
        query = query.join(BankAccount, Statement.bank_account_id == BankAccount.id).where(
            BankAccount.account_key == account.strip()[:64])
    return session.scalar(query)


def _repeat(session: Session, source: Source, earlier: StatementImport, actor: str
            ) -> ImportReport:
    """Byte-identical file: nothing new, recorded without parsing it again."""
    report = ImportReport(source.filename, earlier.file_sha256, earlier.format,
                          statements_known=earlier.statements, lines_total=earlier.lines_total,
                          lines_known=earlier.lines_total,
                          warnings=[f"identical to the file imported as #{earlier.id} on "
                                    f"{earlier.imported_at:%Y-%m-%d %H:%M}: nothing new"])
    record = StatementImport(file_name=source.filename[-255:], file_sha256=earlier.file_sha256,
                             format=earlier.format, actor=actor, warnings=[])
    session.add(record)
    session.flush()
    _finish(session, record, report, actor)
    return report


def _finish(session: Session, record: StatementImport, report: ImportReport, actor: str) -> None:
    record.statements = report.statements
    record.lines_total = report.lines_total
    record.lines_new = report.lines_new
    record.lines_known = report.lines_known
    record.lines_flagged = report.lines_flagged
    record.warnings = report.warnings[:200]
    report.import_id = record.id
    audit.record(session, actor=actor, action="statements.import", obj=record,
                 after={k: v for k, v in vars(report).items() if k != "warnings"}
                 | {"warnings": len(report.warnings)})
    session.flush()


def list_statements(session: Session) -> list[dict]:
    """One entry per stored statement, oldest import first."""
    query = (select(Statement, BankAccount, StatementImport)
             .join(BankAccount, Statement.bank_account_id == BankAccount.id)
             .join(StatementImport, Statement.import_id == StatementImport.id)
             .order_by(Statement.id))
    return [{
        "id": st.id, "account": acct.account_key, "format": imp.format,
        "file": imp.file_name, "file_sha256": imp.file_sha256, "currency": st.currency,
        "statement_ref": st.statement_ref,
        "period_start": st.period_start.isoformat() if st.period_start else None,
        "period_end": st.period_end.isoformat() if st.period_end else None,
        "opening": None if st.opening is None else str(st.opening),
        "closing": None if st.closing is None else str(st.closing),
        "lines": st.lines_new, "warnings": len(st.warnings or []),
        "imported_at": imp.imported_at.isoformat(),
    } for st, acct, imp in session.execute(query)]
